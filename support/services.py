"""Every write on needs, offers and matches. Atomic; locks the need before the offer (one order
everywhere, so two managers accepting at once queue instead of deadlocking); every change logged."""

from __future__ import annotations

import dataclasses

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from accounts import roles
from partnerships.services import project_create, project_set_partners
from workflow import clock
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import apply_transition, log_transition, set_fields
from workflow.text import NARRATIVE

from . import matching, selectors
from .models import Match as MatchModel
from .models import MatchingSettings, Need, Offer, Phase, SupportArea, service_step

NEED_FIELDS = ("title", "phase", "urgency", "context", "days_wanted", "shared", "same_trust_ok")
OFFER_FIELDS = ("title", "evidence", "capacity_days", "available_until", "phases", "conditions")


def _may_record(actor: User, partnership, organisation) -> bool:
    r = roles.of(actor)
    if r.manages_partnership(partnership):
        return partnership.members.filter(organisation=organisation).exists() or r.is_admin
    return r.is_partner_of(organisation.pk) and partnership.members.filter(organisation=organisation).exists()


def _check_areas(partnership, areas) -> None:
    if not areas:
        raise ValidationError({"areas": "Choose at least one area."})
    if any(area.partnership_id != partnership.pk for area in areas):
        raise ValidationError({"areas": "Choose areas from this partnership's list."})


def _check_phases(phases) -> None:
    unknown = set(phases) - set(Phase.values)
    if unknown:
        raise ValidationError({"phases": f"Unknown phase: {', '.join(sorted(unknown))}."})


# Needs ------------------------------------------------------------------------------------------


def need_create(*, actor: User, partnership, organisation, areas, **fields) -> Need:
    if not _may_record(actor, partnership, organisation):
        raise PermissionRefused(
            "You can record needs only for your own organisation, in a partnership it belongs to "
            "(or, as its programme manager, for a member of the partnership)."
        )
    with transaction.atomic():
        need = Need(partnership=partnership, organisation=organisation, created_by=actor)
        set_fields(need, fields, NEED_FIELDS)
        need.full_clean(exclude=["state"])
        _check_areas(partnership, list(areas))
        need.save()
        need.areas.set(areas)
        log_transition(need, name="record", source="", actor=actor, note="Need recorded")
        return need


def need_edit_refusal(need: Need, actor: User) -> TransitionRefused | None:
    r = roles.of(actor)
    if not (r.manages_partnership(need.partnership) or r.is_partner_of(need.organisation_id)):
        return PermissionRefused("Only the organisation with the need and the partnership's managers can change it.")
    if need.state != Need.State.OPEN:
        return TransitionRefused(f"This need is {need.get_state_display().lower()}; it can no longer change.")
    return None


def need_update(*, need: Need, actor: User, areas=None, **fields) -> Need:
    with transaction.atomic():
        need = Need.objects.select_for_update().select_related("partnership").get(pk=need.pk)
        refusal = need_edit_refusal(need, actor)
        if refusal is not None:
            raise refusal
        was_shared = need.shared
        set_fields(need, fields, NEED_FIELDS)
        need.full_clean(exclude=["state"])
        if areas is not None:
            _check_areas(need.partnership, list(areas))
        need.save()
        if areas is not None:
            need.areas.set(areas)
        note = "Details changed"
        if need.shared != was_shared:
            note = "Shared with offering organisations" if need.shared else "No longer shared"
        log_transition(need, name="change", source=need.state, actor=actor, note=note)
        return need


def need_transition(*, need: Need, name: str, actor: User, note: str = "") -> Need:
    with transaction.atomic():
        locked = Need.objects.select_for_update().get(pk=need.pk)
        if name not in ("withdraw", "reopen"):
            raise TransitionRefused(f"“{name}” is not a step a need can be given here.")
        return apply_transition(locked, name, actor=actor, note=note)


# Offers -----------------------------------------------------------------------------------------


def offer_create(
    *,
    actor: User,
    partnership,
    organisation,
    areas,
    evaluations=(),
    travel_sub_regions=(),
    travel_local_authorities=(),
    **fields,
) -> Offer:
    if not _may_record(actor, partnership, organisation):
        raise PermissionRefused(
            "You can record offers only for your own organisation, in a partnership it belongs to "
            "(or, as its programme manager, for a member of the partnership)."
        )
    with transaction.atomic():
        offer = Offer(partnership=partnership, organisation=organisation, created_by=actor)
        set_fields(offer, fields, OFFER_FIELDS)
        _check_phases(offer.phases)
        offer.full_clean(exclude=["state"])
        _check_areas(partnership, list(areas))
        _check_evidence(actor, evaluations)
        offer.save()
        offer.areas.set(areas)
        offer.evaluations.set(evaluations)
        offer.travel_sub_regions.set(travel_sub_regions)
        offer.travel_local_authorities.set(travel_local_authorities)
        log_transition(
            offer, name="record", source="", actor=actor, note=f"Offer recorded: {offer.capacity_days} days a term"
        )
        return offer


def _check_evidence(actor: User, evaluations) -> None:
    allowed = set(selectors.evidence_list(user=actor).values_list("pk", flat=True))
    if any(e.pk not in allowed for e in evaluations):
        raise ValidationError({"evaluations": "Link only completed evaluations you can see in the what-works library."})


def offer_edit_refusal(offer: Offer, actor: User) -> TransitionRefused | None:
    r = roles.of(actor)
    if not (r.manages_partnership(offer.partnership) or r.is_partner_of(offer.organisation_id)):
        return PermissionRefused("Only the offering organisation and the partnership's managers can change an offer.")
    return None


def offer_update(
    *,
    offer: Offer,
    actor: User,
    areas=None,
    evaluations=None,
    travel_sub_regions=None,
    travel_local_authorities=None,
    **fields,
) -> Offer:
    with transaction.atomic():
        offer = Offer.objects.select_for_update().select_related("partnership").get(pk=offer.pk)
        refusal = offer_edit_refusal(offer, actor)
        if refusal is not None:
            raise refusal
        before = offer.capacity_days
        set_fields(offer, fields, OFFER_FIELDS)
        _check_phases(offer.phases)
        offer.full_clean(exclude=["state"])
        if offer.capacity_days < offer.days_allocated:
            raise ValidationError(
                {
                    "capacity_days": f"{offer.days_allocated} days a term are already given to accepted matches: "
                    f"capacity cannot go below that."
                }
            )
        if areas is not None:
            _check_areas(offer.partnership, list(areas))
        if evaluations is not None:
            _check_evidence(actor, evaluations)
        offer.save()
        for name, value in (
            ("areas", areas),
            ("evaluations", evaluations),
            ("travel_sub_regions", travel_sub_regions),
            ("travel_local_authorities", travel_local_authorities),
        ):
            if value is not None:
                getattr(offer, name).set(value)
        note = "Details changed"
        if offer.capacity_days != before:
            note = f"Capacity changed from {before} to {offer.capacity_days} days a term"
        log_transition(offer, name="change", source=offer.state, actor=actor, note=note)
        return offer


def offer_transition(*, offer: Offer, name: str, actor: User, note: str = "") -> Offer:
    with transaction.atomic():
        locked = Offer.objects.select_for_update().get(pk=offer.pk)
        return apply_transition(locked, name, actor=actor, note=note)


# Matches ----------------------------------------------------------------------------------------


def _lock_pair(need_id, offer_id) -> tuple[Need, Offer]:
    """The need, then the offer: the one order every match write takes."""
    # Only the need's and the offer's own rows (of=self): the partnership and organisations stay free.
    need = Need.objects.select_for_update(of=("self",)).select_related("partnership", "organisation").get(pk=need_id)
    offer = Offer.objects.select_for_update(of=("self",)).select_related("partnership", "organisation").get(pk=offer_id)
    return need, offer


def _proposal(need: Need, offer: Offer) -> matching.Proposal:
    """The pair's score and reasons, as the ranking gives them; refused in words when never proposed."""
    today = clock.today()
    facts = selectors.need_facts(Need.objects.filter(pk=need.pk))
    offers = selectors.offer_facts(Offer.objects.filter(pk=offer.pk))
    if not facts:
        raise TransitionRefused("Choose the areas this need is about before matching it.")
    reason = matching.exclusion(facts[0], offers[0], today)
    if reason is None and offer.state != Offer.State.OPEN:
        reason = f"{offer.organisation}'s offer is closed."
    if reason is not None:
        raise TransitionRefused(reason)
    names = dict(SupportArea.objects.filter(partnership_id=need.partnership_id).values_list("pk", "name"))
    ranked = matching.rank(facts[0], offers, selectors.settings_for(need.partnership_id), today, 1, names)
    return ranked[0]


def match_accept_refusal(need: Need, offer: Offer, actor: User) -> TransitionRefused | None:
    if not roles.of(actor).manages_partnership(need.partnership):
        return PermissionRefused("Only the partnership's programme managers can accept a match.")
    if need.state != Need.State.OPEN:
        return TransitionRefused(f"This need is {need.get_state_display().lower()}: it cannot be matched again.")
    return None


def match_accept(*, need: Need, offer: Offer, actor: User, days: int | None = None, note: str = "") -> MatchModel:
    """A programme manager accepts a match: the offer's days are given, and a draft project starts."""
    with transaction.atomic():
        need, offer = _lock_pair(need.pk, offer.pk)
        refusal = match_accept_refusal(need, offer, actor)
        if refusal is not None:
            raise refusal
        match = _open_match(need, offer, days)
        return _accept(match, need, offer, actor=actor, creator=actor, note=note)


def _open_match(need: Need, offer: Offer, days: int | None) -> MatchModel:
    proposal = _proposal(need, offer)
    days = days if days is not None else min(need.days_wanted, offer.days_left)
    if days < 1:
        raise ValidationError({"days": "Give at least one day a term."})
    if days > offer.days_left:
        raise TransitionRefused(
            f"Giving {days} days a term would take {offer.organisation}'s offer past its capacity: "
            f"only {offer.days_left} of {offer.capacity_days} days a term are left."
        )
    match = MatchModel.objects.select_for_update().filter(need=need, offer=offer).first()
    reasons = [dataclasses.asdict(r) for r in proposal.reasons]
    if match is None:
        match = MatchModel.objects.create(need=need, offer=offer, days=days, score=proposal.score, reasons=reasons)
    elif match.state != MatchModel.State.PROPOSED:
        raise TransitionRefused(f"This match is already {match.get_state_display().lower()}.")
    else:
        match.days, match.score, match.reasons = days, proposal.score, reasons
        match.save(update_fields=["days", "score", "reasons"])
    return match


def _project_title(need: Need, offer: Offer) -> str:
    return f"{offer.organisation} supports {need.organisation}: {need.title}"[:200]


def _accept(match: MatchModel, need: Need, offer: Offer, *, actor: User, creator: User, note: str) -> MatchModel:
    if match.days > offer.days_left:
        raise TransitionRefused(
            f"Giving {match.days} days a term would take {offer.organisation}'s offer past its capacity: "
            f"only {offer.days_left} of {offer.capacity_days} days a term are left."
        )
    Offer.objects.filter(pk=offer.pk).update(days_allocated=F("days_allocated") + match.days)
    offer.refresh_from_db(fields=["days_allocated"])
    log_transition(
        offer,
        name="allocate",
        source=offer.state,
        actor=actor,
        note=f"{match.days} days a term to {need.organisation} ({need.title})"[:1000],
    )
    areas = sorted(need.areas.all(), key=lambda a: a.name)
    themes = [a.theme for a in areas if a.theme]
    project = project_create(
        actor=creator,
        partnership=need.partnership,
        title=_project_title(need, offer),
        lead_organisation=offer.organisation,
        theme=themes[0] if themes else "school_to_school",
        summary=(
            f"{offer.organisation} gives {match.days} days a term of support to {need.organisation} "
            f"in {', '.join(a.name for a in areas)}.\n\nThe need: {need.context}"
        )[:NARRATIVE],
    )
    project_set_partners(
        project=project,
        actor=creator,
        partners=[(offer.organisation, True, False), (need.organisation, False, True)],
    )
    match.project = project
    match.accepted_by = actor
    match.accepted_at = clock.now()
    match.save(update_fields=["project", "accepted_by", "accepted_at"])
    with service_step():
        apply_transition(match, "confirm", actor=actor, note=note or f"Draft project {project.reference} started")
        apply_transition(need, "match", actor=actor, note=f"Matched with {offer.organisation}")
    return match


def match_agree(*, need: Need, offer: Offer, actor: User, note: str = "") -> MatchModel:
    """One of the two organisations agrees to the pairing (asks for the support, or offers it). Once both
    have, and the partnership lets the parties decide, the match is accepted; otherwise a manager accepts it."""
    with transaction.atomic():
        need, offer = _lock_pair(need.pk, offer.pk)
        r = roles.of(actor)
        needing, offering = r.is_partner_of(need.organisation_id), r.is_partner_of(offer.organisation_id)
        if not (needing or offering):
            raise PermissionRefused(
                "Only the organisation with the need or the one offering can agree a match; "
                "a programme manager accepts it."
            )
        if need.state != Need.State.OPEN:
            raise TransitionRefused(f"This need is {need.get_state_display().lower()}: it cannot be matched again.")
        exists = MatchModel.objects.filter(need=need, offer=offer).exists()
        if offering and not needing and not (need.shared or exists):
            raise PermissionRefused("This need has not been shared with offering organisations.")
        match = _open_match(need, offer, None)
        if needing:
            match.need_agreed_by = actor
        if offering:
            match.offer_agreed_by = actor
        match.save(update_fields=["need_agreed_by", "offer_agreed_by"])
        side = "needing" if needing else "offering"
        log_transition(
            match, name="agree", source=match.state, actor=actor, note=note or f"Agreed by the {side} organisation"
        )
        giver = match.offer_agreed_by
        if match.need_agreed_by_id and giver is not None and selectors.parties_may_accept(need.partnership):
            return _accept(match, need, offer, actor=actor, creator=giver, note=note)
        return match


def match_decline(*, match: MatchModel, actor: User, note: str = "") -> MatchModel:
    with transaction.atomic():
        need, offer = _lock_pair(match.need_id, match.offer_id)
        match = MatchModel.objects.select_for_update().get(pk=match.pk)
        r = roles.of(actor)
        if not (
            r.manages_partnership(need.partnership)
            or r.is_partner_of(need.organisation_id)
            or r.is_partner_of(offer.organisation_id)
        ):
            raise PermissionRefused("Only the two organisations and the partnership's managers can decline a match.")
        with service_step():
            return apply_transition(match, "decline", actor=actor, note=note)


def release_for_project(project, actor) -> None:
    """after_transition hook: a match's project withdrawn or rejected gives its days back and reopens the need."""
    match = MatchModel.objects.filter(project=project, state=MatchModel.State.ACCEPTED).first()
    if match is None:
        return
    need, offer = _lock_pair(match.need_id, match.offer_id)
    match = MatchModel.objects.select_for_update().get(pk=match.pk)
    Offer.objects.filter(pk=offer.pk).update(days_allocated=F("days_allocated") - match.days)
    log_transition(
        offer,
        name="release",
        source=offer.state,
        actor=actor,
        note=f"{match.days} days a term back from {project.reference}",
    )
    why = f"Project {project.reference} {project.get_state_display().lower()}"
    with service_step():
        apply_transition(match, "release", actor=actor, note=why)
        if need.state == Need.State.MATCHED:
            apply_transition(need, "unmatch", actor=actor, note=why)


# The partnership's list and weights ----------------------------------------------------------------


def area_add(*, partnership, actor: User, name: str, theme: str = "") -> SupportArea:
    if not roles.of(actor).manages_partnership(partnership):
        raise PermissionRefused(f"Only the programme managers of {partnership} keep its list of areas.")
    with transaction.atomic():
        area = SupportArea(partnership=partnership, name=name.strip(), theme=theme)
        area.full_clean()
        area.save()
        return area


def matching_settings_save(*, partnership, actor: User, **fields) -> MatchingSettings:
    if not roles.of(actor).manages_partnership(partnership):
        raise PermissionRefused(f"Only the programme managers of {partnership} set how matches are ranked.")
    allowed = tuple(f"weight_{n}" for n in MatchingSettings.WEIGHTS) + ("parties_may_accept",)
    with transaction.atomic():
        found, _ = MatchingSettings.objects.select_for_update().get_or_create(partnership=partnership)
        set_fields(found, fields, allowed)
        found.full_clean()
        found.save()
        return found
