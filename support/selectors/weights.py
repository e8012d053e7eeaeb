"""Each partnership's matching settings: the ranking's weights and whether the parties may accept a match."""

from __future__ import annotations

from django.db.models import QuerySet

from .. import matching
from ..models import MatchingSettings
from .scopes import managed_partnership_list


def settings_for(partnership) -> dict[str, int]:
    found = MatchingSettings.objects.filter(partnership=partnership).first()
    return found.weights() if found else dict(matching.DEFAULT_WEIGHTS)


def parties_may_accept(partnership) -> bool:
    return MatchingSettings.objects.filter(partnership=partnership, parties_may_accept=True).exists()


def managed_matching_settings_list(*, user) -> QuerySet:
    return MatchingSettings.objects.filter(partnership__in=managed_partnership_list(user=user))
