"""Due periods: which reports are owed, for which dates, and when each is due.

The rules, so partners and managers can predict them:

- A schedule runs from its start to its end date; each regular period is clipped to those dates.
- monthly: calendar months.
- quarterly: calendar quarters (January–March, April–June, July–September, October–December).
- termly: English school terms with fixed dates, so nothing falls between two terms:
  autumn 1 September–31 December, spring 1 January–31 March, summer 1 April–31 August
  (the summer holiday is reported with the summer term; Easter moves, these dates do not).
- yearly: school years, 1 September–31 August.
- one-off: one period, the whole schedule.
- A period's report is due REPORTING_DUE_DAYS (default 14) days after the period ends.
- The last regular period is the final update (an award cannot close until it is accepted).
- A manager may add ad-hoc due dates (an extra report for any period) and extend any due date,
  even one already past; the latest extension for a period is the due date, and every extension is kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings

from grants.subjects import Subject
from workflow import clock
from workflow import dates as grant_dates

MONTHS = "January February March April May June July August September October November December".split()


def period_words(start: dt.date, end: dt.date) -> str:
    """The one way a reporting period is named everywhere: "1 April to 31 August 2026",
    "1 September 2025 to 31 August 2026"."""
    if start.year == end.year:
        return f"{start.day} {MONTHS[start.month - 1]} to {end.day} {MONTHS[end.month - 1]} {end.year}"
    return f"{start.day} {MONTHS[start.month - 1]} {start.year} to {end.day} {MONTHS[end.month - 1]} {end.year}"


def due_days() -> int:
    return int(getattr(settings, "REPORTING_DUE_DAYS", 14))


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def _containing(frequency: str, day: dt.date) -> tuple[dt.date, dt.date, str]:
    """The whole (unclipped) regular period that contains `day`, with its label."""
    y, m = day.year, day.month
    if frequency == "monthly":
        return dt.date(y, m, 1), _month_end(y, m), f"{MONTHS[m - 1]} {y}"
    if frequency == "quarterly":
        first = 3 * ((m - 1) // 3) + 1
        return dt.date(y, first, 1), _month_end(y, first + 2), f"{MONTHS[first - 1]} to {MONTHS[first + 1]} {y}"
    if frequency == "termly":
        if m >= 9:
            return dt.date(y, 9, 1), dt.date(y, 12, 31), f"Autumn term {y}"
        if m <= 3:
            return dt.date(y, 1, 1), dt.date(y, 3, 31), f"Spring term {y}"
        return dt.date(y, 4, 1), dt.date(y, 8, 31), f"Summer term {y}"
    if frequency == "yearly":
        start_year = y if m >= 9 else y - 1
        return (
            dt.date(start_year, 9, 1),
            dt.date(start_year + 1, 8, 31),
            f"{start_year}/{str(start_year + 1)[2:]} school year",
        )
    raise ValueError(f"Unknown reporting frequency {frequency!r}.")


def due_soon_days() -> int:
    return int(getattr(settings, "REPORTING_DUE_SOON_DAYS", 14))


def max_periods() -> int:
    return int(getattr(settings, "REPORTING_MAX_PERIODS", 240))


def regular_periods(frequency: str, starts_on: dt.date, ends_on: dt.date) -> list[tuple[dt.date, dt.date, str]]:
    """(start, end, label) of every regular period of a schedule, clipped to its dates, in order.

    Bounded whatever the dates: they are held inside the range a grant can have (workflow.dates, so
    9999-12-31 never reaches the calendar arithmetic) and at most REPORTING_MAX_PERIODS are made."""
    starts_on, ends_on = grant_dates.clip(starts_on), grant_dates.clip(ends_on)
    if ends_on < starts_on:
        return []
    if frequency == "one_off":
        return [(starts_on, ends_on, "Whole period")]
    periods = []
    cursor = starts_on
    while cursor <= ends_on and len(periods) < max_periods():
        start, end, label = _containing(frequency, cursor)
        periods.append((max(start, starts_on), min(end, ends_on), label))
        cursor = end + dt.timedelta(days=1)
    return periods


def too_many_periods(frequency: str, starts_on: dt.date, ends_on: dt.date) -> str | None:
    """Why a schedule would owe more reports than anyone writes, or None."""
    if frequency == "one_off" or ends_on < starts_on:
        return None
    if len(regular_periods(frequency, starts_on, ends_on)) >= max_periods():
        return (
            f"That schedule would ask for {max_periods()} or more reports: "
            "choose a less frequent schedule or a shorter span."
        )
    return None


@dataclass
class DuePeriod:
    """One report owed by a partner: a period, its due date (after any extension) and the update, if started."""

    subject: object  # an Award or a Project
    schedule: object  # a ReportingSchedule, possibly not yet saved (derived from the award)
    period_start: dt.date
    period_end: dt.date
    label: str
    original_due_on: dt.date
    due_on: dt.date
    is_final: bool = False
    ad_hoc: bool = False
    extensions: list = field(default_factory=list)
    update: object = None  # a ProgressUpdate, or None when not started (or not the reader's to open)
    today: dt.date | None = None
    # Where the update is when the reader may not open it (a funder's view of work in review): its state
    # and label, so the period says "Submitted" without linking to it.
    shown_state: str = ""
    shown_state_label: str = ""

    @property
    def work(self) -> Subject:
        """The award or project, as the subject adapter (the raw object is `subject`)."""
        return Subject(self.subject)

    @property
    def subject_kind(self) -> str:
        return self.work.kind.name

    @property
    def subject_reference(self) -> str:
        return self.work.reference

    @property
    def owner(self):
        """The organisation that owes the report."""
        return self.work.owner

    @property
    def owner_organisation_id(self) -> int:
        return self.work.owner_id

    @property
    def period_label(self) -> str:
        return period_words(self.period_start, self.period_end)

    @property
    def extended(self) -> bool:
        return self.due_on != self.original_due_on

    @property
    def state(self) -> str:
        if self.update is not None:
            return self.update.state
        return self.shown_state or "not_started"

    @property
    def state_label(self) -> str:
        if self.update is not None:
            return self.update.get_state_display()
        return self.shown_state_label or "Not submitted"

    @property
    def with_partner(self) -> bool:
        """The partner still owes something: not started, a draft, or changes requested."""
        return self.state in ("not_started", "draft", "changes_requested")

    @property
    def awaiting_review(self) -> bool:
        return self.state in ("submitted", "resubmitted")

    @property
    def days_late(self) -> int:
        today = self.today or clock.today()
        return max((today - self.due_on).days, 0) if self.with_partner else 0

    @property
    def days_until_due(self) -> int:
        return (self.due_on - (self.today or clock.today())).days

    @property
    def urgency(self) -> str:
        """overdue, due_soon, upcoming (partner's turn), awaiting_review (manager's turn) or done."""
        if self.awaiting_review:
            return "awaiting_review"
        if not self.with_partner:
            return "done"
        if self.days_late > 0:
            return "overdue"
        if self.days_until_due <= due_soon_days():
            return "due_soon"
        return "upcoming"

    @property
    def key(self) -> str:
        """Stable identity of the period (subject and dates), for reminders and links."""
        return f"{self.subject_kind}-{self.subject.pk}-{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}"


def build_periods(subject, schedule, updates=(), today: dt.date | None = None) -> list[DuePeriod]:
    """Every due period of `subject` under `schedule` (regular and ad-hoc, with extensions applied),
    each matched with its update: an ad-hoc period by its exact dates, a regular one by the period
    its update's end date falls in."""
    if schedule is None:
        return []
    days = dt.timedelta(days=due_days())
    saved = schedule.pk is not None
    extensions: dict[dt.date, list] = {}
    ad_hoc = []
    if saved:
        for extension in schedule.extensions.all():
            extensions.setdefault(extension.period_end, []).append(extension)
        ad_hoc = list(schedule.ad_hoc_dates.all())
    regular = regular_periods(schedule.frequency, schedule.starts_on, schedule.ends_on)
    periods = []
    for i, (start, end, label) in enumerate(regular):
        periods.append(
            DuePeriod(subject, schedule, start, end, label, end + days, end + days, is_final=i == len(regular) - 1)
        )
    for extra in ad_hoc:
        periods.append(
            DuePeriod(
                subject,
                schedule,
                extra.period_start,
                extra.period_end,
                extra.label or "Extra report",
                extra.due_on,
                extra.due_on,
                ad_hoc=True,
            )
        )
    for period in periods:
        period.today = today
        period.extensions = sorted(
            (e for e in extensions.get(period.period_end, []) if e.original_due_on == period.original_due_on),
            key=lambda e: (e.extended_at, e.pk),
        )
        if period.extensions:
            period.due_on = period.extensions[-1].new_due_on
    _match_updates(periods, updates)
    periods.sort(key=lambda p: (p.due_on, p.period_end, p.ad_hoc))
    return periods


def _match_updates(periods: list[DuePeriod], updates) -> None:
    ordered = sorted(updates, key=lambda u: (u.period_end, u.pk))
    used = set()
    for period in (p for p in periods if p.ad_hoc):
        for update in ordered:
            if (update.period_start, update.period_end) == (period.period_start, period.period_end):
                period.update = update
                used.add(update.pk)
    for period in (p for p in periods if not p.ad_hoc):
        for update in ordered:
            if update.pk not in used and period.period_start <= update.period_end <= period.period_end:
                period.update = update  # the latest one for the period wins
