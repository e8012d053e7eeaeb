"""Pages for support matching under /support/: thin, reading through selectors, writing through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import roles
from partnerships.selectors import organisation_list
from workflow.errors import TransitionRefused
from workflow.services import available_transitions, history
from workflow.views import (
    get_visible_or_404,
    paginate,
    reason_of,
    refusal_into_form,
    refused,
    require_role,
    take_transition,
)

from . import selectors, services
from .forms import AcceptForm, AreaForm, NeedFilter, NeedForm, OfferForm, SettingsForm
from .models import MatchingSettings, Need

NEED_STEPS = ("withdraw", "reopen")
OFFER_STEPS = ("close", "reopen")


def _steps(obj, user, names):
    return [t for t in available_transitions(obj, user) if t.name in names]


def _may_record(user) -> bool:
    r = roles.of(user)
    return r.is_manager or r.is_partner


# Needs ------------------------------------------------------------------------------------------


@login_required
def need_list(request):
    filter_form = NeedFilter(request.GET or None)
    qs = filter_form.apply(selectors.need_list(user=request.user)).order_by("-created_at", "-id")
    return render(
        request,
        "support/need_list.html",
        {
            "page": paginate(request, qs),
            "filter_form": filter_form,
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


# Offers -----------------------------------------------------------------------------------------


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


# Intelligence, history, settings -----------------------------------------------------------------


@login_required
def intelligence(request):
    require_role(
        request, roles.of(request.user).is_manager, "programme managers can see the partnership's intelligence"
    )
    figures = selectors.need_and_capacity(user=request.user)
    return render(
        request,
        "support/intelligence.html",
        {
            "figures": figures,
            "area_chart": selectors.need_and_capacity_chart(
                "by-area", "Days a term needed and offered, by area", figures["areas"]
            ),
            "sub_region_chart": selectors.need_and_capacity_chart(
                "by-sub-region", "Days a term needed and offered, by sub-region", figures["sub_regions"]
            ),
            "results": selectors.match_results(user=request.user),
            "managed": selectors.managed_partnership_list(user=request.user),
        },
    )


@login_required
def organisation_history(request, pk):
    organisation = get_visible_or_404(organisation_list(user=request.user), pk=pk)
    return render(
        request,
        "support/organisation_history.html",
        {
            "organisation": organisation,
            "years": selectors.organisation_history(user=request.user, organisation=organisation),
            "needs": selectors.need_list(user=request.user).filter(organisation=organisation),
            "offers": selectors.offer_list(user=request.user).filter(organisation=organisation),
        },
    )


@login_required
def partnership_settings(request, pk):
    partnership = get_visible_or_404(selectors.managed_partnership_list(user=request.user), pk=pk)
    current = MatchingSettings.objects.filter(partnership=partnership).first() or MatchingSettings(
        partnership=partnership
    )
    form = SettingsForm(request.POST if "weights" in request.POST else None, instance=current)
    area_form = AreaForm(request.POST if "area" in request.POST else None)
    if request.method == "POST":
        try:
            if "weights" in request.POST and form.is_valid():
                services.matching_settings_save(partnership=partnership, actor=request.user, **form.cleaned_data)
                messages.success(request, "The matching settings are saved.")
                return redirect("support:partnership_settings", pk=partnership.pk)
            if "area" in request.POST and area_form.is_valid():
                area = services.area_add(
                    partnership=partnership, actor=request.user, name=area_form.cleaned_data["name"]
                )
                messages.success(request, f"“{area.name}” is added to the list.")
                return redirect("support:partnership_settings", pk=partnership.pk)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(area_form if "area" in request.POST else form, error)
    return render(
        request,
        "support/settings.html",
        {"partnership": partnership, "form": form, "area_form": area_form, "areas": partnership.support_areas.all()},
    )
