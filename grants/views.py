"""Pages for programmes, awards and payments: thin, reading through selectors, writing through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import roles
from partnerships import downloads
from partnerships.models import SubRegion
from partnerships.selectors import (
    local_authority_list,
    managed_organisation_list,
    organisation_list,
    partnership_list,
    project_list,
    proposing_organisation_list,
)
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.figures import FigureError, parse_money
from workflow.figures import message as figure_message
from workflow.pagination import count_cap
from workflow.services import available_transitions, history
from workflow.views import get_visible_or_404, paginate, refusal_into_form, refused, require_role, take_transition

from . import due, selectors, services
from .forms import AwardFilter, AwardForm, PaymentFilter, PaymentForm, ProgrammeForm, ReleaseForm
from .models import ZERO, Payment
from .money.cofunding.selectors import shares_text, with_visible_shares
from .money.views import award_money_context

# Downloads of the lists (partnerships.downloads): the page's own rows, as filtered ---------------

Column = downloads.Column
PROGRAMME_COLUMNS = [
    Column("Name", lambda p: p.name),
    Column("Funder", lambda p: p.funder.name),
    Column("Managed by", lambda p: p.managed_by.name),
    Column("Partnership", lambda p: p.partnership.name if p.partnership_id else ""),
    Column("Budget (£)", lambda p: p.budget),
    Column("Committed (£)", lambda p: p.committed),
    Column("Paid (£)", lambda p: p.paid),
    Column("Opens on", lambda p: p.opens_on),
    Column("Closes on", lambda p: p.closes_on),
]
AWARD_COLUMNS = [
    Column("Identifier", lambda a: a.identifier),
    Column("Title", lambda a: a.title),
    Column("Recipient", lambda a: a.recipient.name),
    Column("Local authority", lambda a: a.recipient.local_authority.name if a.recipient.local_authority_id else ""),
    Column("Programme", lambda a: a.programme.name),
    Column("Funder", lambda a: a.programme.funder.name),
    Column("Stage", lambda a: a.get_state_display()),
    Column("Requested (£)", lambda a: a.amount_requested),
    Column("Awarded (£)", lambda a: a.amount_awarded),
    Column("Planned start", lambda a: a.planned_start),
    Column("Planned end", lambda a: a.planned_end),
    Column("Archived", lambda a: "Yes" if a.archived_at else "No"),
    Column("Co-funding shares (£)", shares_text),
]
PAYMENT_COLUMNS = [
    Column("Award", lambda p: p.award.identifier),
    Column("Recipient", lambda p: p.award.recipient.name),
    Column("Programme", lambda p: p.award.programme.name),
    Column("Due on", lambda p: p.due_on),
    Column("Amount (£)", lambda p: p.amount),
    Column("State", lambda p: p.get_state_display()),
    Column("Due", lambda p: due.URGENCY_LABELS[due.urgency(p)]),
    Column("Days overdue", lambda p: due.days_late(p)),
    Column("Paid on", lambda p: p.paid_on),
    Column("Reference", lambda p: p.reference),
]

# Programmes -----------------------------------------------------------------------------------


@login_required
def programme_list(request):
    qs = selectors.programme_money_list(user=request.user).order_by("name", "pk")
    if downloads.requested(request):
        return downloads.download(request, qs, PROGRAMME_COLUMNS, name="programmes")
    return render(
        request,
        "grants/programme_list.html",
        {"page": paginate(request, qs), "can_create": roles.of(request.user).is_manager},
    )


@login_required
def programme_detail(request, pk):
    programme = get_visible_or_404(selectors.programme_money_list(user=request.user), pk=pk)
    awards = selectors.award_list(user=request.user).filter(programme=programme)
    return render(
        request,
        "grants/programme_detail.html",
        {
            "programme": programme,
            "awards": awards[:100],
            "remaining": programme.budget - programme.committed,
            "can_manage": roles.of(request.user).manages_programme(programme),
            "can_apply": roles.of(request.user).is_manager or roles.of(request.user).is_partner,
        },
    )


def _programme_form(request, **kwargs):
    return ProgrammeForm(
        request.POST or None,
        funders=organisation_list(user=request.user),
        managers=managed_organisation_list(user=request.user),
        partnerships=partnership_list(user=request.user),
        **kwargs,
    )


@login_required
def programme_create(request):
    require_role(request, roles.of(request.user).is_manager, "programme managers can set up programmes")
    form = _programme_form(request)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            programme = services.programme_create(actor=request.user, **data)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, f"{programme} is set up.")
            return redirect("grants:programme_detail", pk=programme.pk)
    return render(
        request,
        "includes/form_page.html",
        {
            "form": form,
            "title": "Set up a funding programme",
            "cancel_url": reverse("grants:programme_list"),
            "submit_label": "Save programme",
        },
    )


@login_required
def programme_edit(request, pk):
    programme = get_visible_or_404(selectors.programme_list(user=request.user), pk=pk)
    if not roles.of(request.user).manages_programme(programme):
        refusal = PermissionRefused(f"Only the programme managers of {programme} can change it.")
        return refused(request, refusal, reverse("grants:programme_detail", args=[programme.pk]))
    initial = {f: getattr(programme, f) for f in (*services.PROGRAMME_FIELDS, "budget")}
    form = _programme_form(request, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("currency", None)
        try:
            services.programme_update(programme=programme, actor=request.user, **data)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, "The programme's details are saved.")
            return redirect("grants:programme_detail", pk=programme.pk)
    return render(
        request,
        "includes/form_page.html",
        {
            "form": form,
            "title": f"Change {programme}",
            "cancel_url": reverse("grants:programme_detail", args=[programme.pk]),
            "submit_label": "Save changes",
        },
    )


# Awards ---------------------------------------------------------------------------------------


@login_required
def award_list(request):
    filter_form = AwardFilter(
        request.GET or None,
        programmes=selectors.programme_list(user=request.user),
        partnerships=partnership_list(user=request.user),
        local_authorities=local_authority_list(),
        sub_regions=SubRegion.objects.all(),
    )
    qs = filter_form.apply(selectors.award_list(user=request.user, include_archived=True))
    if downloads.requested(request):
        return downloads.download(request, with_visible_shares(qs, user=request.user), AWARD_COLUMNS, name="awards")
    r = roles.of(request.user)
    return render(
        request,
        "grants/award_list.html",
        {"page": paginate(request, qs), "filter_form": filter_form, "can_apply": r.is_manager or r.is_partner},
    )


@login_required
def award_detail(request, pk):
    award = get_visible_or_404(selectors.award_list(user=request.user, include_archived=True), pk=pk)
    payments = list(selectors.payment_list(user=request.user).filter(award=award))
    paid = sum((p.amount for p in payments if p.state == Payment.State.PAID), ZERO)
    scheduled = sum((p.amount for p in payments if p.state != Payment.State.CANCELLED), ZERO)
    return render(
        request,
        "grants/award_detail.html",
        {
            "award": award,
            "payments": payments,
            "paid": paid,
            "scheduled": scheduled,
            "left_to_schedule": (award.amount_awarded or ZERO) - scheduled,
            "history": history(award),
            "transitions": available_transitions(award, request.user),
            "transition_url": reverse("grants:award_transition", args=[award.pk, "__name__"]),
            "step_fields": {"approve": "grants/_approve_amount.html"},
            "can_edit": services.award_edit_refusal(award, request.user) is None,
            "can_schedule": services.payment_schedule_refusal(award, request.user) is None,
            "can_manage": roles.of(request.user).manages_programme(award.programme),
            **award_money_context(award, request.user),
        },
    )


@login_required
def award_transition(request, pk, name):
    award = get_visible_or_404(selectors.award_list(user=request.user, include_archived=True), pk=pk)
    params = {}
    if name == "approve" and "amount" in request.POST and not request.POST["amount"].strip():
        # The box shows the amount requested; emptied, it says nothing, so nothing is approved on a guess.
        return refused(
            request,
            ValidationError(
                f"Enter the amount to award, for example {award.amount_requested:,.2f} (the amount requested)."
            ),
            reverse("grants:award_detail", args=[award.pk]),
        )
    if name == "approve" and request.POST.get("amount", "").strip():
        try:
            params["amount"] = parse_money(request.POST["amount"])
        except FigureError as error:
            return refused(
                request,
                ValidationError(f"The amount to award: {figure_message(error)}"),
                reverse("grants:award_detail", args=[award.pk]),
            )
    return take_transition(
        request,
        obj=award,
        name=name,
        run=lambda obj, step, actor, note: services.award_transition(
            award=obj, name=step, actor=actor, note=note, **params
        ),
        next_url=reverse("grants:award_detail", args=[award.pk]),
    )


def _award_form(request, **kwargs):
    return AwardForm(request.POST or None, projects=project_list(user=request.user), **kwargs)


@login_required
def award_create(request):
    r = roles.of(request.user)
    require_role(request, r.is_manager or r.is_partner, "partner organisations and programme managers can apply")
    form = _award_form(
        request,
        programmes=selectors.programme_open_list(user=request.user),
        recipients=proposing_organisation_list(user=request.user),
        initial={"programme": request.GET.get("programme"), "project": request.GET.get("project")},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        programme = data.pop("programme")
        data["partnership"] = programme.partnership
        try:
            award = services.award_create(actor=request.user, programme=programme, **data)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(
                request, f"Application {award.identifier} is saved as a draft. Submit it when it is ready."
            )
            return redirect("grants:award_detail", pk=award.pk)
    return render(
        request,
        "includes/form_page.html",
        {
            "form": form,
            "title": "Apply for an award",
            "cancel_url": reverse("grants:award_list"),
            "submit_label": "Save as draft",
        },
    )


@login_required
def award_edit(request, pk):
    award = get_visible_or_404(selectors.award_list(user=request.user, include_archived=True), pk=pk)
    refusal = services.award_edit_refusal(award, request.user)
    if refusal is not None:
        return refused(request, refusal, reverse("grants:award_detail", args=[award.pk]))
    fields = ("title", "description", "amount_requested", "planned_start", "planned_end", "reporting_frequency")
    initial = {f: getattr(award, f) for f in fields} | {"project": award.project_id}
    form = _award_form(request, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.award_update(award=award, actor=request.user, **form.cleaned_data)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, "The application's details are saved.")
            return redirect("grants:award_detail", pk=award.pk)
    return render(
        request,
        "includes/form_page.html",
        {
            "form": form,
            "title": f"Change {award.identifier}",
            "caption": award.title,
            "cancel_url": reverse("grants:award_detail", args=[award.pk]),
            "submit_label": "Save changes",
        },
    )


# Payments -------------------------------------------------------------------------------------


@login_required
def payment_list(request):
    filter_form = PaymentFilter(request.GET or None, programmes=selectors.programme_list(user=request.user))
    qs = filter_form.apply(selectors.payment_list(user=request.user))
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
            "filter_form": filter_form,
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
