"""Writes on needs: recording one, changing it, and its steps."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from accounts import roles
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import apply_transition, log_transition, set_fields

from ..models import Need
from .checks import _check_areas, _may_record

NEED_FIELDS = ("title", "phase", "urgency", "context", "days_wanted", "shared", "same_trust_ok")


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
