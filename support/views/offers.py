"""Pages for offers: the list, recording one, an offer with its matches, changing it, its steps."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import roles
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
from ..forms import OfferForm
from .common import OFFER_STEPS, _may_record, _steps


@login_required
def offer_list(request):
    qs = selectors.offer_list(user=request.user).order_by("-created_at", "-id")
    return render(
        request,
        "support/offer_list.html",
        {
            "page": paginate(request, qs),
            "can_record": _may_record(request.user),
            "is_manager": roles.of(request.user).is_manager,
        },
    )


def _offer_form(request, data=None, **kwargs):
    return OfferForm(
        data,
        partnerships=selectors.support_partnership_list(user=request.user),
        organisations=selectors.support_organisation_list(user=request.user),
        areas=selectors.area_list(user=request.user),
        evaluations=selectors.evidence_list(user=request.user),
        **kwargs,
    )


@login_required
def offer_create(request):
    require_role(request, _may_record(request.user), "partners and programme managers can record offers")
    form = _offer_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_create(actor=request.user, **form.cleaned_data)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, "The offer is recorded.")
            return redirect("support:offer_detail", pk=offer.pk)
    return render(
        request,
        "support/record_form.html",
        {
            "form": form,
            "title": "Offer support",
            "cancel_url": reverse("support:offer_list"),
            "submit_label": "Record the offer",
        },
    )


@login_required
def offer_detail(request, pk):
    offer = get_visible_or_404(
        selectors.offer_list(user=request.user).prefetch_related(
            "evaluations__project", "evaluations__award", "travel_sub_regions", "travel_local_authorities"
        ),
        pk=pk,
    )
    return render(
        request,
        "support/offer_detail.html",
        {
            "offer": offer,
            "matches": selectors.match_list(user=request.user).filter(offer=offer),
            "can_edit": services.offer_edit_refusal(offer, request.user) is None,
            "history": history(offer),
            "transitions": _steps(offer, request.user, OFFER_STEPS),
            "transition_url": reverse("support:offer_step", args=[offer.pk, "__name__"]),
        },
    )


@login_required
def offer_edit(request, pk):
    offer = get_visible_or_404(selectors.offer_list(user=request.user), pk=pk)
    url = reverse("support:offer_detail", args=[offer.pk])
    refusal = services.offer_edit_refusal(offer, request.user)
    if refusal is not None:
        return refused(request, refusal, url)
    initial = {f: getattr(offer, f) for f in services.OFFER_FIELDS} | {
        name: list(getattr(offer, name).all())
        for name in ("areas", "evaluations", "travel_sub_regions", "travel_local_authorities")
    }
    form = _offer_form(request, request.POST or None, initial=initial, editing=True)
    form.fields["areas"].queryset = offer.partnership.support_areas.all()
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_update(offer=offer, actor=request.user, **form.cleaned_data)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, "The offer's details are saved.")
            return redirect(url)
    return render(
        request,
        "support/record_form.html",
        {"form": form, "title": f"Change the offer: {offer.title}", "cancel_url": url, "submit_label": "Save changes"},
    )


@login_required
def offer_step(request, pk, name):
    offer = get_visible_or_404(selectors.offer_list(user=request.user), pk=pk)
    return take_transition(
        request,
        obj=offer,
        name=name if name in OFFER_STEPS else "__none__",
        run=lambda obj, step, actor, note: services.offer_transition(offer=obj, name=step, actor=actor, note=note),
        next_url=reverse("support:offer_detail", args=[offer.pk]),
    )
