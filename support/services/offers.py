"""Writes on offers: recording one with its evidence, changing it, and its steps."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import roles
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import apply_transition, log_transition, set_fields

from .. import selectors
from ..models import Offer
from .checks import _check_areas, _check_phases, _may_record

OFFER_FIELDS = ("title", "evidence", "capacity_days", "available_until", "phases", "conditions")


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
