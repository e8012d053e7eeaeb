"""The partnership's list of support areas and how its matches are ranked (its weights)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from accounts import roles
from workflow.errors import PermissionRefused
from workflow.services import set_fields

from ..models import MatchingSettings, SupportArea


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
