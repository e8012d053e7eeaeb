"""Matching from a need's page: a manager accepts an offer, one of the two organisations agrees, either declines."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from workflow.errors import TransitionRefused
from workflow.views import (
    get_visible_or_404,
    reason_of,
)

from .. import selectors, services
from ..forms import AcceptForm


def _offer_for_match(request, need, offer_pk):
    """The offer named in a match form, from the offers the person may see (else 404)."""
    return get_visible_or_404(selectors.offer_list(user=request.user), pk=offer_pk, partnership_id=need.partnership_id)


@login_required
@require_POST
def need_accept(request, pk):
    need = get_visible_or_404(selectors.need_list(user=request.user), pk=pk)
    url = reverse("support:need_detail", args=[need.pk])
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the days a term as a whole number of at least 1.")
        return redirect(url)
    offer = _offer_for_match(request, need, form.cleaned_data["offer"])
    try:
        match = services.match_accept(
            need=need, offer=offer, actor=request.user, days=form.cleaned_data["days"], note=form.cleaned_data["note"]
        )
    except (TransitionRefused, ValidationError) as error:
        messages.error(request, reason_of(error))
        return redirect(url)
    messages.success(
        request,
        f"Match accepted: {offer.organisation} gives {match.days} days a term. Draft project "
        f"{match.project.reference} is started; complete and propose it when the two schools have planned the work.",
    )
    return redirect("partnerships:project_detail", pk=match.project_id)


@login_required
@require_POST
def need_agree(request, pk):
    need = get_visible_or_404(selectors.need_list(user=request.user), pk=pk)
    url = reverse("support:need_detail", args=[need.pk])
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an offer.")
        return redirect(url)
    offer = _offer_for_match(request, need, form.cleaned_data["offer"])
    try:
        match = services.match_agree(need=need, offer=offer, actor=request.user, note=form.cleaned_data["note"])
    except (TransitionRefused, ValidationError) as error:
        messages.error(request, reason_of(error))
        return redirect(url)
    if match.project_id:
        messages.success(request, f"Both organisations agree: draft project {match.project.reference} is started.")
    else:
        messages.success(
            request, "Your agreement is recorded; the match waits for the other side or a programme manager."
        )
    return redirect(url)


@login_required
@require_POST
def match_decline(request, pk):
    match = get_visible_or_404(selectors.match_list(user=request.user), pk=pk)
    try:
        services.match_decline(match=match, actor=request.user, note=request.POST.get("note", ""))
    except (TransitionRefused, ValidationError) as error:
        messages.error(request, reason_of(error))
    else:
        messages.success(request, "The match is declined.")
    if selectors.need_list(user=request.user).filter(pk=match.need_id).exists():
        return redirect("support:need_detail", pk=match.need_id)
    return redirect("support:need_list")
