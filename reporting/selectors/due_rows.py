"""What is due, read from the kept due periods (reporting/due_rows.py) instead of working out every live
award's periods: the dashboards' and the inbox's figures and first rows, at the same cost whatever the
number of awards. The answers are those of reporting.selectors.due (`DueFigures.managed_by(user)` and
`.owed_by(user)`), the one due rule: tests/reporting/test_due_rows.py holds them side by side.

- Managed (a programme manager's work; an administrator's: all): counted from `DueTally`, a few rows per
  programme and due date. A manager sees an update once it is past draft (`seen_turn`); where they also
  write for the work (a partner of its organisation) they see it as the partner does (`turn`).
- Owed (the work the person's organisations report on): counted from the rows, few per organisation."""

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from accounts import roles
from grants.models import FundingProgramme
from partnerships.models import Partnership

from ..models import DueRow, DueTally, ProgressUpdate, Turn
from ..periods import DuePeriod, due_soon_days

FIGURES = ("overdue", "awaiting_review", "due_soon", "upcoming", "done")


def _when(today: dt.date) -> dict[str, Q]:
    soon = today + dt.timedelta(days=due_soon_days())
    return {
        "overdue": Q(due_on__lt=today),
        "due_soon": Q(due_on__gte=today, due_on__lte=soon),
        "upcoming": Q(due_on__gt=soon),
    }


def _figures(qs: QuerySet, field: str, measure: str, today: dt.date) -> dict[str, int]:
    """DueFigures.counts from rows (measure "pk": counted) or tally rows (measure "periods": summed)."""
    total = Count if measure == "pk" else Sum
    partner = Q(**{field: Turn.PARTNER})
    wanted = {name: partner & q for name, q in _when(today).items()}
    wanted["awaiting_review"] = Q(**{field: Turn.REVIEW})
    wanted["done"] = Q(**{field: Turn.DONE})
    found = qs.aggregate(**{name: Coalesce(total(measure, filter=q), 0) for name, q in wanted.items()})
    counts = {name: int(found[name]) for name in FIGURES}
    counts["with_partner"] = counts["overdue"] + counts["due_soon"] + counts["upcoming"]
    return counts


def _managed_scope(r) -> Q | None:
    if r.is_admin:
        return None
    return Q(programme_id__in=FundingProgramme.objects.filter(managed_by_id__in=r.manager_orgs).values("pk")) | Q(
        partnership_id__in=Partnership.objects.filter(lead_organisation_id__in=r.manager_orgs).values("pk")
    )


def _scoped(qs: QuerySet, scope: Q | None) -> QuerySet:
    return qs if scope is None else qs.filter(scope)


def managed_counts(*, user, today: dt.date) -> dict[str, int]:
    """Due periods of the work the person manages, by urgency on `today`."""
    r = roles.of(user)
    if not r.is_manager:
        return dict.fromkeys((*FIGURES, "with_partner"), 0)
    scope = _managed_scope(r)
    counts = _figures(_scoped(DueTally.objects.all(), scope), "turn" if r.is_admin else "seen_turn", "periods", today)
    if not r.is_admin and r.partner_orgs:
        # Work they manage and also write for: they see its drafts, as its partner does.
        own = _scoped(DueRow.objects.filter(owner_id__in=r.partner_orgs), scope).exclude(turn=F("seen_turn"))
        less, more = _figures(own, "seen_turn", "pk", today), _figures(own, "turn", "pk", today)
        counts = {name: counts[name] - less[name] + more[name] for name in counts}
    return counts


def owed_counts(*, user, today: dt.date) -> dict[str, int]:
    """Due periods of the work the person's organisations report on, by urgency on `today`."""
    r = roles.of(user)
    return _figures(DueRow.objects.filter(owner_id__in=r.partner_orgs), "turn", "pk", today)


def _turn_is(r, turn: str) -> Q:
    """The period is at `turn` as a manager sees it."""
    if r.is_admin:
        return Q(turn=turn)
    if not r.partner_orgs:
        return Q(seen_turn=turn)
    own = Q(owner_id__in=r.partner_orgs)
    return (Q(seen_turn=turn) & ~own) | (Q(turn=turn) & own)


def _periods(rows: QuerySet, today: dt.date, as_partner: Any) -> list[DuePeriod]:
    """DuePeriods built from due rows (`as_partner(row)`: whether the reader sees drafts)."""
    periods = []
    for row in rows.select_related("award", "project", "update", "seen_update"):
        if row.award is None and row.project is None:
            continue  # its work was deleted behind the services' back; recount takes the row away
        periods.append(
            DuePeriod(
                subject=row.award or row.project,
                schedule=None,
                period_start=row.period_start,
                period_end=row.period_end,
                label=row.label,
                original_due_on=row.original_due_on,
                due_on=row.due_on,
                is_final=row.is_final,
                ad_hoc=row.ad_hoc,
                update=row.update if as_partner(row) else row.seen_update,
                today=today,
            )
        )
    return periods


def managed_periods(*, user, today: dt.date, urgency: str, limit: int) -> list[DuePeriod]:
    """The first `limit` periods of the managed work at `urgency` ("overdue" or "awaiting_review"),
    in the order of DueFigures.overdue / .awaiting_review."""
    r = roles.of(user)
    if not r.is_manager:
        return []
    if urgency == "awaiting_review":
        wanted = _turn_is(r, Turn.REVIEW)
    elif urgency == "overdue":
        wanted = _turn_is(r, Turn.PARTNER) & Q(due_on__lt=today)
    else:
        raise ValueError(f"Not a managed urgency: {urgency!r}.")
    rows = _scoped(DueRow.objects.filter(wanted), _managed_scope(r)).order_by(*DueRow.ORDER)[:limit]
    return _periods(rows, today, lambda row: r.is_admin or row.owner_id in r.partner_orgs)


CHANGES_REQUESTED = Q(update__state=ProgressUpdate.State.CHANGES_REQUESTED)


def owed_rows(*, user, today: dt.date, which: str = "with_partner") -> QuerySet:
    """Due rows of the person's own work still with them, soonest due first: all of them
    ("with_partner"), those with changes requested ("corrections"), or those overdue or due soon that are
    not corrections ("to_write")."""
    r = roles.of(user)
    rows = DueRow.objects.filter(owner_id__in=r.partner_orgs, turn=Turn.PARTNER)
    if which == "corrections":
        rows = rows.filter(CHANGES_REQUESTED)
    elif which == "to_write":
        rows = rows.filter(due_on__lte=today + dt.timedelta(days=due_soon_days())).exclude(CHANGES_REQUESTED)
    return rows.order_by(*DueRow.ORDER)


def owed_periods(*, user, today: dt.date, which: str = "with_partner", limit: int) -> list[DuePeriod]:
    return _periods(owed_rows(user=user, today=today, which=which)[:limit], today, lambda row: True)
