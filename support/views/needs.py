"""Pages for needs: the list, recording one, a need with its proposed offers, changing it, its steps."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import roles
from partnerships.models import SubRegion
from workflow.errors import TransitionRefused
from workflow.services import history
from workflow.views import (
    get_visible_or_404,
    paginate,
    refusal_into_form,
    refused,
    require_role,
    take_transition,
)

from .. import selectors, services
from ..filters import NeedPageFilter
from ..forms import NeedForm
from ..models import Need
from .common import NEED_STEPS, _may_record, _steps


@login_required
def need_list(request):
    filterset = NeedPageFilter(
        request.GET,
        selectors.need_list(user=request.user).order_by("-created_at", "-id"),
        choices={"sub_region": SubRegion.objects.all()},
    )
    qs = filterset.qs
    return render(
        request,
        "support/need_list.html",
        {
            "page": paginate(request, qs),
            "filter_form": filterset.form,
            "can_record": _may_record(request.user),
            "is_manager": roles.of(request.user).is_manager,
        },
    )


def _need_form(request, data=None, **kwargs):
    return NeedForm(
        data,
        partnerships=selectors.support_partnership_list(user=request.user),
        organisations=selectors.support_organisation_list(user=request.user),
        areas=selectors.area_list(user=request.user),
        **kwargs,
    )


@login_required
def need_create(request):
    require_role(request, _may_record(request.user), "partners and programme managers can record needs")
    form = _need_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            need = services.need_create(actor=request.user, **data)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, "The need is recorded.")
            return redirect("support:need_detail", pk=need.pk)
    return render(
        request,
        "support/record_form.html",
        {
            "form": form,
            "title": "Record a need for support",
            "cancel_url": reverse("support:need_list"),
            "submit_label": "Record the need",
        },
    )


@login_required
def need_detail(request, pk):
    need = get_visible_or_404(selectors.need_list(user=request.user), pk=pk)
    r = roles.of(request.user)
    manages = r.manages_partnership(need.partnership)
    needing = r.is_partner_of(need.organisation_id)
    parties_decide = selectors.parties_may_accept(need.partnership_id)
    proposals = selectors.proposals_for(need=need) if (manages or needing) and need.state == Need.State.OPEN else []
    own_offers = []
    if not (manages or needing) and need.state == Need.State.OPEN:
        own_offers = list(
            selectors.open_offers().filter(partnership_id=need.partnership_id, organisation_id__in=r.partner_orgs)
        )
    return render(
        request,
        "support/need_detail.html",
        {
            "need": need,
            "matches": selectors.match_list(user=request.user).filter(need=need),
            "proposals": proposals,
            "can_accept": manages and need.state == Need.State.OPEN,
            "can_ask": needing and need.state == Need.State.OPEN,
            "own_offers": own_offers,
            "parties_decide": parties_decide,
            "can_edit": services.need_edit_refusal(need, request.user) is None,
            "history": history(need),
            "transitions": _steps(need, request.user, NEED_STEPS),
            "transition_url": reverse("support:need_step", args=[need.pk, "__name__"]),
        },
    )


@login_required
def need_edit(request, pk):
    need = get_visible_or_404(selectors.need_list(user=request.user), pk=pk)
    url = reverse("support:need_detail", args=[need.pk])
    refusal = services.need_edit_refusal(need, request.user)
    if refusal is not None:
        return refused(request, refusal, url)
    initial = {f: getattr(need, f) for f in services.NEED_FIELDS} | {"areas": list(need.areas.all())}
    form = _need_form(request, request.POST or None, initial=initial, editing=True)
    form.fields["areas"].queryset = need.partnership.support_areas.all()
    if request.method == "POST" and form.is_valid():
        try:
            services.need_update(need=need, actor=request.user, **form.cleaned_data)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, "The need's details are saved.")
            return redirect(url)
    return render(
        request,
        "support/record_form.html",
        {"form": form, "title": f"Change the need: {need.title}", "cancel_url": url, "submit_label": "Save changes"},
    )


@login_required
def need_step(request, pk, name):
    need = get_visible_or_404(selectors.need_list(user=request.user), pk=pk)
    return take_transition(
        request,
        obj=need,
        name=name if name in NEED_STEPS else "__none__",
        run=lambda obj, step, actor, note: services.need_transition(need=obj, name=step, actor=actor, note=note),
        next_url=reverse("support:need_detail", args=[need.pk]),
    )
