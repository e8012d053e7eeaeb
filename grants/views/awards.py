"""Pages for awards: the list, an award with its payments and money, its steps, applying and changing it."""

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
    partnership_list,
    project_list,
    proposing_organisation_list,
)
from workflow.errors import TransitionRefused
from workflow.figures import FigureError, parse_money
from workflow.figures import message as figure_message
from workflow.services import available_transitions, history
from workflow.views import get_visible_or_404, paginate, refusal_into_form, refused, require_role, take_transition

from .. import search, selectors, services
from ..filters import AwardPageFilter
from ..forms import AwardForm
from ..models import ZERO, Payment
from ..money.cofunding.selectors import with_visible_shares
from ..money.views import award_money_context
from .columns import AWARD_COLUMNS


def _searched(request, filterset, qs):
    """A search keeps newest first at any size (grants.search.newest_first)."""
    if filterset.is_valid() and filterset.form.cleaned_data.get("q"):
        return search.newest_first(qs, rows_needed=search.rows_needed(request.GET))
    return qs


@login_required
def award_list(request):
    filterset = AwardPageFilter(
        request.GET,
        selectors.award_list(user=request.user, include_archived=True),
        choices={
            "programme": selectors.programme_list(user=request.user),
            "partnership": partnership_list(user=request.user),
            "sub_region": SubRegion.objects.all(),
            "local_authority": local_authority_list(),
        },
    )
    qs = filterset.qs
    if downloads.requested(request):
        return downloads.download(
            request, with_visible_shares(selectors.with_places(qs), user=request.user), AWARD_COLUMNS, name="awards"
        )
    r = roles.of(request.user)
    return render(
        request,
        "grants/award_list.html",
        {
            "page": paginate(request, _searched(request, filterset, qs)),
            "filter_form": filterset.form,
            "can_apply": r.is_manager or r.is_partner,
        },
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
