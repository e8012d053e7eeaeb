"""Checks shared by the need and offer services: who may record one, and its areas and phases."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from accounts import roles

from ..models import Phase


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
