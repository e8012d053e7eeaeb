"""What is due, read from the kept due periods (reporting/due_rows.py) instead of working out every live
award's periods: every dashboard, list, inbox section, calendar feed and reminder that says what is owed
reads it here, at the same cost whatever the number of awards. The rows are written from the one due rule
(reporting.periods); tests/reporting/test_due_rows.py holds the readers beside that rule, period by period.

Who sees which rows, and which update of a period:
- Managed (a programme manager's work; an administrator's: all): a manager sees an update once it is past
  draft (`seen_turn`); where they also write for the work (a partner of its organisation) they see it as
  the partner does (`turn`). Counted from `DueTally`, a few rows per programme and due date.
- Owed (the work the person's organisations report on): `turn`, counted from the rows (few per organisation).
- Funded (a funder's programmes' awards, and awards co-funded through `grants.AwardShare`): as a manager
  sees them, but an update is linked only where the reader may open it (an accepted update of their own
  programme's award); otherwise the period says where the update is without a link.

Lists are ordered as `DueRow.ORDER` (soonest due first; the most days late first among the overdue) and
read a page at a time, one indexed query per page."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from accounts import roles
from grants.models import Award, AwardShare, FundingProgramme
from partnerships.models import Partnership
from partnerships.selectors import NOTHING
from workflow.lookups import in_subquery
from workflow.selectors import read_together

from ..models import DueRow, DueTally, ProgressUpdate, Turn
from ..periods import DuePeriod, due_soon_days

FIGURES = ("overdue", "awaiting_review", "due_soon", "upcoming", "done")
OUTSTANDING = ("overdue", "awaiting_review", "due_soon")  # what a manager chases, in the overdue page's order
URGENCIES = (*FIGURES, "with_partner", "submitted", "open", "all")
# The work a row is for, read with it. Its updates (the partner's and the one a manager sees) are read for
# a whole list in one query more (`read`): joined too, the nine tables took PostgreSQL 6.2 ms to plan for
# a page of ten rows that took 0.6 ms to read; without them, 1.9 ms.
RELATED = (
    "award__programme",
    "award__recipient",
    "project__partnership",
    "project__lead_organisation",
)
UPDATES = ("update", "seen_update")


def _when(today: dt.date) -> dict[str, Q]:
    soon = today + dt.timedelta(days=due_soon_days())
    return {
        "overdue": Q(due_on__lt=today),
        "due_soon": Q(due_on__gte=today, due_on__lte=soon),
        "upcoming": Q(due_on__gt=soon),
    }


def _figures(qs: QuerySet, turn_is: Any, measure: str, today: dt.date) -> dict[str, int]:
    """The due figures of rows (measure "pk": counted) or tally rows (measure "periods": summed);
    `turn_is(turn)` is the Q saying a row is at that turn for the reader."""
    total = Count if measure == "pk" else Sum
    partner = turn_is(Turn.PARTNER)
    wanted = {name: partner & q for name, q in _when(today).items()}
    wanted["awaiting_review"] = turn_is(Turn.REVIEW)
    wanted["done"] = turn_is(Turn.DONE)
    found = qs.aggregate(**{name: Coalesce(total(measure, filter=q), 0) for name, q in wanted.items()})
    counts = {name: int(found[name]) for name in FIGURES}
    counts["with_partner"] = counts["overdue"] + counts["due_soon"] + counts["upcoming"]
    return counts


def _managed_scope(r, *, indexed: bool = False) -> Q | None:
    """The work the person manages: their programmes' and partnerships' rows. `indexed` (for the tally)
    writes it so PostgreSQL answers from the tally's indexes, not by reading every page of it."""
    if r.is_admin:
        return None
    if not r.manager_orgs:
        return NOTHING
    programmes = FundingProgramme.objects.filter(managed_by_id__in=r.manager_orgs).values("pk")
    partnerships = Partnership.objects.filter(lead_organisation_id__in=r.manager_orgs).values("pk")
    if indexed:
        return in_subquery("programme_id", programmes) | in_subquery("partnership_id", partnerships)
    return Q(programme_id__in=programmes) | Q(partnership_id__in=partnerships)


def _funded_scope(r) -> Q:
    """Awards the person funds or co-funds (or co-manages, through a share of a programme they manage)."""
    shares = NOTHING
    q = NOTHING
    if r.funder_orgs:
        q |= Q(programme_id__in=FundingProgramme.objects.filter(funder_id__in=r.funder_orgs).values("pk"))
        shares |= Q(programme__funder_id__in=r.funder_orgs)
    if r.manager_orgs:
        shares |= Q(programme__managed_by_id__in=r.manager_orgs)
    if r.funder_orgs or r.manager_orgs:
        q |= Q(award_id__in=AwardShare.objects.filter(shares).values("award"))
    return q


def _visible(r, managed_only: bool) -> Q | None:
    """The rows the person sees: what they manage, and unless `managed_only` what they write or fund."""
    if r.is_admin:
        return None
    managed = _managed_scope(r) or NOTHING  # (None only for an administrator)
    if managed_only:
        return managed
    return managed | Q(owner_id__in=r.partner_orgs) | _funded_scope(r)


def _scoped(qs: QuerySet, scope: Q | None) -> QuerySet:
    return qs if scope is None else qs.filter(scope)


def _in(programme=None, partnership=None) -> Q:
    """The rows of a programme's awards, or of a partnership's work (an award's own partnership, its
    programme's or its project's; a project's own)."""
    q = Q()
    if programme is not None:
        q &= Q(programme_id=programme.pk)
    if partnership is not None:
        q &= (
            Q(partnership_id=partnership.pk)
            | Q(programme_id__in=FundingProgramme.objects.filter(partnership=partnership).values("pk"))
            | Q(
                award_id__in=Award.objects.filter(
                    Q(partnership=partnership) | Q(project__partnership=partnership)
                ).values("pk")
            )
        )
    return q


def _turn_is(r, turn: str) -> Q:
    """The period is at `turn` as the person sees it: their own work's as its partner, the rest as a manager."""
    if r.is_admin:
        return Q(turn=turn)
    if not r.partner_orgs:
        return Q(seen_turn=turn)
    own = Q(owner_id__in=r.partner_orgs)
    return (Q(seen_turn=turn) & ~own) | (Q(turn=turn) & own)


def _urgency(r, urgency: str, today: dt.date) -> Q:
    when = _when(today)
    partner = _turn_is(r, Turn.PARTNER)
    if urgency in when:
        return partner & when[urgency]
    if urgency == "with_partner":
        return partner
    if urgency == "awaiting_review":
        return _turn_is(r, Turn.REVIEW)
    if urgency == "done":
        return _turn_is(r, Turn.DONE)
    if urgency == "submitted":  # awaiting review or accepted
        return _turn_is(r, Turn.REVIEW) | _turn_is(r, Turn.DONE)
    if urgency == "open":  # not yet accepted
        return partner | _turn_is(r, Turn.REVIEW)
    if urgency == "all":
        return Q()
    raise ValueError(f"Not an urgency: {urgency!r}.")


def managed_counts(*, user, today: dt.date, programme=None) -> dict[str, int]:
    """Due periods of the work the person manages (of one programme's), by urgency on `today`."""
    r = roles.of(user)
    if not r.is_manager:
        return dict.fromkeys((*FIGURES, "with_partner"), 0)
    scope = _managed_scope(r)
    field = "turn" if r.is_admin else "seen_turn"
    tally = _scoped(DueTally.objects.filter(_in(programme)), _managed_scope(r, indexed=True))
    counts = _figures(tally, lambda t: Q(**{field: t}), "periods", today)
    if not r.is_admin and r.partner_orgs:
        # Work they manage and also write for: they see its drafts, as its partner does.
        own = _scoped(DueRow.objects.filter(_in(programme), owner_id__in=r.partner_orgs), scope).exclude(
            turn=F("seen_turn")
        )
        less = _figures(own, lambda t: Q(seen_turn=t), "pk", today)
        more = _figures(own, lambda t: Q(turn=t), "pk", today)
        counts = {name: counts[name] - less[name] + more[name] for name in counts}
    return counts


def owed_counts(*, user, today: dt.date) -> dict[str, int]:
    """Due periods of the work the person's organisations report on, by urgency on `today`."""
    r = roles.of(user)
    return _figures(DueRow.objects.filter(owner_id__in=r.partner_orgs), lambda t: Q(turn=t), "pk", today)


def counts(*, user, today: dt.date, managed_only: bool = False, programme=None, partnership=None) -> dict[str, int]:
    """The due figures of the rows `rows()` lists with the same arguments: from the tally where the
    scope is by programme (a manager's, an administrator's), else counted from the rows."""
    r = roles.of(user)
    if managed_only and partnership is None:
        return managed_counts(user=user, today=today, programme=programme)
    if r.is_admin and partnership is None:
        return _figures(DueTally.objects.filter(_in(programme)), lambda t: Q(turn=t), "periods", today)
    if managed_only and not r.is_manager:
        return dict.fromkeys((*FIGURES, "with_partner"), 0)
    qs = _scoped(DueRow.objects.filter(_in(programme, partnership)), _visible(r, managed_only))
    return _figures(qs, lambda t: _turn_is(r, t), "pk", today)


def rows(
    *, user, today: dt.date, urgency: str, managed_only: bool = False, programme=None, partnership=None
) -> QuerySet:
    """The due rows the person sees at `urgency` (one of URGENCIES), soonest due first (the overdue:
    most days late first), read with RELATED: what they manage, and unless `managed_only` what they write
    for or fund."""
    r = roles.of(user)
    if managed_only and not r.is_manager:
        return DueRow.objects.none()
    qs = _scoped(DueRow.objects.filter(_urgency(r, urgency, today)), _visible(r, managed_only))
    return qs.filter(_in(programme, partnership)).select_related(*RELATED).order_by(*DueRow.ORDER)


def _shown(r, row) -> tuple[Any, str, str]:
    """The update of the row's period the person sees (or None), and where it is when not theirs to open."""
    if r.is_admin or row.owner_id in r.partner_orgs:
        return row.update, "", ""
    update = row.seen_update
    if update is None:
        return None, "", ""
    work = row.award or row.project
    if row.award is not None:
        manages = work.programme.managed_by_id in r.manager_orgs
        funds = work.programme.funder_id in r.funder_orgs
    else:
        manages, funds = work.partnership.lead_organisation_id in r.manager_orgs, False
    if manages or (funds and update.state == ProgressUpdate.State.ACCEPTED):
        return update, "", ""
    return None, update.state, update.get_state_display()


def period_of(row: DueRow, today: dt.date, update=None, shown_state: str = "", shown_label: str = "") -> DuePeriod:
    return DuePeriod(
        subject=row.award or row.project,
        schedule=None,
        period_start=row.period_start,
        period_end=row.period_end,
        label=row.label,
        original_due_on=row.original_due_on,
        due_on=row.due_on,
        is_final=row.is_final,
        ad_hoc=row.ad_hoc,
        update=update,
        today=today,
        shown_state=shown_state,
        shown_state_label=shown_label,
    )


def periods_of(found: Iterable[DueRow], *, user, today: dt.date) -> list[DuePeriod]:
    """DuePeriods of rows (from `rows()`, read with RELATED), each with the update the person sees."""
    r = roles.of(user)
    periods = []
    for row in found:
        if row.award is None and row.project is None:
            continue  # its work was deleted behind the services' back; recount takes the row away
        periods.append(period_of(row, today, *_shown(r, row)))
    return periods


def read(found: Iterable[DueRow], *, user, today: dt.date) -> list[DuePeriod]:
    """The periods of due rows read with RELATED (a slice or a page of `rows()`), with their updates."""
    return periods_of(read_together(found, *UPDATES), user=user, today=today)


def merged(*, user, today: dt.date, urgencies: Iterable[str], limit: int, **which: Any) -> list[DuePeriod]:
    """The first `limit` periods of several single-turn lists of `rows()`, in due order: the first `limit`
    of each read along its index and merged, where one list of them all would sort every row."""
    periods: list[DuePeriod] = []
    for urgency in urgencies:
        periods += read(rows(user=user, today=today, urgency=urgency, **which)[:limit], user=user, today=today)
    periods.sort(key=lambda p: (p.due_on, p.subject_reference, p.period_end, p.ad_hoc))
    return periods[:limit]


def managed_periods(*, user, today: dt.date, urgency: str, limit: int) -> list[DuePeriod]:
    """The first `limit` periods of the managed work at `urgency` ("overdue" or "awaiting_review")."""
    if urgency not in ("overdue", "awaiting_review"):
        raise ValueError(f"Not a managed urgency: {urgency!r}.")
    found = rows(user=user, today=today, urgency=urgency, managed_only=True)[:limit]
    return read(found, user=user, today=today)


CHANGES_REQUESTED = Q(update__state=ProgressUpdate.State.CHANGES_REQUESTED)


def owed_rows(*, user, today: dt.date, which: str = "with_partner") -> QuerySet:
    """Due rows of the person's own work still with them, soonest due first: all of them
    ("with_partner"), those with changes requested ("corrections"), or those overdue or due soon that are
    not corrections ("to_write")."""
    r = roles.of(user)
    found = DueRow.objects.filter(owner_id__in=r.partner_orgs, turn=Turn.PARTNER)
    if which == "corrections":
        found = found.filter(CHANGES_REQUESTED)
    elif which == "to_write":
        found = found.filter(due_on__lte=today + dt.timedelta(days=due_soon_days())).exclude(CHANGES_REQUESTED)
    return found.order_by(*DueRow.ORDER)


def owed_periods(*, user, today: dt.date, which: str = "with_partner", limit: int) -> list[DuePeriod]:
    found = owed_rows(user=user, today=today, which=which).select_related(*RELATED)[:limit]
    return read(found, user=user, today=today)


def reminder_rows(*, today: dt.date, before: int, after: int) -> QuerySet:
    """Every period a partner still owes that is due within `before` days or at least `after` days late:
    the reminder run's candidates (system-wide, not scoped), soonest due first, read with RELATED and their
    updates (the run reads them in batches from one query, planned once)."""
    found = DueRow.objects.filter(turn=Turn.PARTNER)
    if after > 0:  # (a reminder "0 days late" is due for every period still owed)
        window = Q(due_on__gte=today, due_on__lte=today + dt.timedelta(days=before))
        found = found.filter(window | Q(due_on__lte=today - dt.timedelta(days=after)))
    return found.select_related(*RELATED, *UPDATES).order_by(*DueRow.ORDER)
