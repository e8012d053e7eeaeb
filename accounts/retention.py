"""Retention rules, run daily by the worker (celery beat: `accounts.apply_retention`) or by
`manage.py apply_retention`: drafts never submitted are removed after EXCHANGE_RETENTION_DRAFT_DAYS without a
change, and accounts nobody has signed in to for EXCHANGE_RETENTION_IDLE_DAYS are deactivated. Every removal
and deactivation is an audit event. Safe to run again: a second run the same day finds nothing more.

Drafts live in higher apps, so each registers its own rule (`register_draft_rule`): grants registers draft
applications never submitted (grants/retention.py); reporting registers
progress updates never submitted (reporting/retention.py).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from .audit import record
from .models import AuditEvent


@dataclass(frozen=True)
class Removed:
    """One draft a rule removed: whose it was (a username, or "") and what it was."""

    username: str
    description: str


DraftRule = Callable[[dt.datetime], list[Removed]]
_draft_rules: dict[str, DraftRule] = {}


def register_draft_rule(name: str, rule: DraftRule) -> None:
    """`rule(cutoff)` removes the drafts never submitted and unchanged since `cutoff`, and says which."""
    _draft_rules[name] = rule


def idle_accounts_deactivate(*, now: dt.datetime) -> list[str]:
    cutoff = now - dt.timedelta(days=settings.EXCHANGE_RETENTION_IDLE_DAYS)
    User = get_user_model()
    idle = User.objects.filter(is_active=True).filter(
        models.Q(last_login__lt=cutoff) | models.Q(last_login__isnull=True, date_joined__lt=cutoff)
    )
    names = []
    for user in idle.order_by("pk"):
        User.objects.filter(pk=user.pk).update(is_active=False)
        record(
            AuditEvent.Kind.RETENTION,
            username=user.get_username(),
            detail=f"Account deactivated: nobody has signed in to it for {settings.EXCHANGE_RETENTION_IDLE_DAYS} days",
        )
        names.append(user.get_username())
    return names


@transaction.atomic
def apply(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Run every rule; returns how many records each touched."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.EXCHANGE_RETENTION_DRAFT_DAYS)
    counts: dict[str, int] = {}
    for name, rule in sorted(_draft_rules.items()):
        removed = rule(cutoff)
        for item in removed:
            record(
                AuditEvent.Kind.RETENTION,
                username=item.username,
                detail=f"{item.description} removed: never submitted and unchanged for "
                f"{settings.EXCHANGE_RETENTION_DRAFT_DAYS} days",
            )
        counts[name] = len(removed)
    counts["idle accounts deactivated"] = len(idle_accounts_deactivate(now=now))
    record(
        AuditEvent.Kind.RETENTION,
        detail="Retention rules run: " + ", ".join(f"{n} {name}" for name, n in counts.items()),
    )
    return counts
