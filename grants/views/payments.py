"""Pages for payments: the list with its total, a payment, its steps, scheduling and changing one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import roles
from partnerships import downloads
from workflow.errors import TransitionRefused
from workflow.pagination import count_cap
from workflow.services import available_transitions, history
from workflow.views import get_visible_or_404, paginate, refusal_into_form, refused, take_transition

from .. import due, selectors, services
from ..filters import PaymentPageFilter
from ..forms import PaymentForm, ReleaseForm
from .columns import PAYMENT_COLUMNS


@login_required
def payment_list(request):
    filterset = PaymentPageFilter(
        request.GET,
        selectors.payment_list(user=request.user),
        choices={"programme": selectors.programme_list(user=request.user)},
    )
    qs = filterset.qs
    if downloads.requested(request):
        return downloads.download(request, qs, PAYMENT_COLUMNS, name="payments")
    # Count and total in one bounded query: past the count cap the page says "more than 10,000"
    # and asks for a narrower filter rather than summing a million rows on every request.
    # Cancelled payments are never paid: they are left out of the total and shown apart (grants.due).
    head = due.counted_total(qs, cap=count_cap() + 1)
    return render(
        request,
        "grants/payment_list.html",
        {
            "page": paginate(request, qs, count=head["n"]),
            "filter_form": filterset.form,
            "total": head["total"],
            "cancelled_n": head["cancelled_n"],
            "cancelled_total": head["cancelled_total"],
            "today": due.today(),
            "user_is_manager": roles.of(request.user).is_manager,
        },
    )


@login_required
def payment_detail(request, pk):
    payment = get_visible_or_404(selectors.payment_list(user=request.user), pk=pk)
    return render(
        request,
        "grants/payment_detail.html",
        {
            "payment": payment,
            "history": history(payment),
            "transitions": available_transitions(payment, request.user),
            "transition_url": reverse("grants:payment_transition", args=[payment.pk, "__name__"]),
            "step_fields": {"release": "grants/_release_fields.html"},
            "can_edit": services.payment_edit_refusal(payment, request.user) is None,
        },
    )


@login_required
def payment_transition(request, pk, name):
    payment = get_visible_or_404(selectors.payment_list(user=request.user), pk=pk)
    params = {}
    if name == "release":
        release = ReleaseForm(request.POST)
        if not release.is_valid():
            problems = [m for errors in release.errors.values() for m in errors]
            return refused(request, ValidationError(problems), reverse("grants:payment_detail", args=[payment.pk]))
        params = {k: v for k, v in release.cleaned_data.items() if v}
    return take_transition(
        request,
        obj=payment,
        name=name,
        run=lambda obj, step, actor, note: services.payment_transition(
            payment=obj, name=step, actor=actor, note=note, **params
        ),
        next_url=reverse("grants:payment_detail", args=[payment.pk]),
    )


@login_required
def payment_create(request, award_pk):
    award = get_visible_or_404(selectors.award_list(user=request.user, include_archived=True), pk=award_pk)
    refusal = services.payment_schedule_refusal(award, request.user)
    if refusal is not None:
        return refused(request, refusal, reverse("grants:award_detail", args=[award.pk]))
    form = PaymentForm(request.POST or None, updates=selectors.gate_update_choices(award))
    if request.method == "POST" and form.is_valid():
        try:
            payment = services.payment_schedule(award=award, actor=request.user, **form.cleaned_data)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            when = f"{payment.due_on.day} {payment.due_on:%B %Y}"
            messages.success(request, f"A payment of £{payment.amount:,.2f} is scheduled for {when}.")
            if "another" in request.POST:
                return redirect("grants:payment_create", award_pk=award.pk)
            return redirect("grants:award_detail", pk=award.pk)
    return render(
        request,
        "grants/payment_form.html",
        {
            "form": form,
            "award": award,
            "title": "Schedule a payment",
            "caption": f"{award.identifier} {award.title}",
            "cancel_url": reverse("grants:award_detail", args=[award.pk]),
            "submit_label": "Schedule payment",
            "another": True,
        },
    )


@login_required
def payment_edit(request, pk):
    payment = get_visible_or_404(selectors.payment_list(user=request.user), pk=pk)
    refusal = services.payment_edit_refusal(payment, request.user)
    if refusal is not None:
        return refused(request, refusal, reverse("grants:payment_detail", args=[payment.pk]))
    initial = {"due_on": payment.due_on, "amount": payment.amount, "gated_on_update": payment.gated_on_update_id}
    form = PaymentForm(
        request.POST or None,
        initial=initial,
        updates=selectors.gate_update_choices(payment.award),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_edit(payment=payment, actor=request.user, **form.cleaned_data)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, "The payment is changed.")
            return redirect("grants:payment_detail", pk=payment.pk)
    return render(
        request,
        "grants/payment_form.html",
        {
            "form": form,
            "award": payment.award,
            "title": "Change a scheduled payment",
            "caption": f"{payment.award.identifier} {payment.award.title}",
            "cancel_url": reverse("grants:payment_detail", args=[payment.pk]),
            "submit_label": "Save changes",
        },
    )
