"""Writes on matches: accepting, agreeing and declining one (the need, then the offer, locked in that
order), and giving the days back when the match's project ends early."""

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
from workflow.services import apply_transition, log_transition
from workflow.text import NARRATIVE

from .. import matching, selectors
from ..models import Match as MatchModel
from ..models import Need, Offer, SupportArea, service_step


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
