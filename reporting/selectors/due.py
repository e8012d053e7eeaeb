"""What is due, overdue and awaiting review for one person: the one source every dashboard, list,
inbox, calendar, API figure and reminder reads.

Progress updates: a report is owed for every due period of the work in the person's scope
(reporting.periods: regular periods, extra dates, extensions); DuePeriod.urgency says whether it is
overdue, due soon, upcoming (the partner's turn), awaiting review (the manager's turn) or done.
Payments: grants.due. Nothing here counts ProgressUpdate.due_on on its own: a report nobody has
started is as late as a draft."""

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q, QuerySet

from grants import due as payment_due
from grants.selectors import payment_list

from ..periods import DuePeriod
from .schedules import due_period_list

URGENCY_ORDER = ("overdue", "awaiting_review", "due_soon", "upcoming", "done")


@dataclass
class DueFigures:
    today: dt.date
    periods: list[DuePeriod]
    payment_rows: QuerySet | None = None
    payment_days: int | None = None

    @cached_property
    def payments(self) -> dict:
        """Payments overdue and due soon (grants.due), counted when first asked for."""
        if self.payment_rows is None:
            return {}
        return payment_due.figures(self.payment_rows, self.today, self.payment_days)

    def managed_by(self, user) -> "DueFigures":
        """Only the work the person manages (an administrator: all): what they review and chase."""
        return DueFigures(self.today, [p for p in self.periods if p.work.manages(user)])

    def owed_by(self, user) -> "DueFigures":
        """Only the work the person's organisation reports on: what they write."""
        return DueFigures(self.today, [p for p in self.periods if p.work.is_owned_by(user)])

    def _with(self, urgency: str) -> list[DuePeriod]:
        return [p for p in self.periods if p.urgency == urgency]

    @property
    def overdue(self) -> list[DuePeriod]:
        """Most days late first."""
        return sorted(self._with("overdue"), key=lambda p: (-p.days_late, p.due_on))

    @property
    def due_soon(self) -> list[DuePeriod]:
        return self._with("due_soon")

    @property
    def awaiting_review(self) -> list[DuePeriod]:
        return self._with("awaiting_review")

    @property
    def with_partner(self) -> list[DuePeriod]:
        """Everything a partner still has to write or correct, soonest due first."""
        return [p for p in self.periods if p.with_partner]

    @property
    def counts(self) -> dict[str, int]:
        found = {kind: 0 for kind in URGENCY_ORDER}
        for period in self.periods:
            found[period.urgency] += 1
        found["with_partner"] = found["overdue"] + found["due_soon"] + found["upcoming"]
        return found


def due_figures(
    *, user, today: dt.date | None = None, programme=None, partnership=None, payment_days: int | None = None
) -> DueFigures:
    """Every due period in the person's scope, with its urgency, and their payments due and overdue,
    in a fixed number of queries."""
    today = today or payment_due.today()
    periods = due_period_list(user=user, programme=programme, partnership=partnership, today=today)
    payments = payment_list(user=user)
    if programme is not None:
        payments = payments.filter(award__programme=programme)
    if partnership is not None:
        payments = payments.filter(
            Q(award__partnership=partnership)
            | Q(award__programme__partnership=partnership)
            | Q(award__project__partnership=partnership)
        )
    return DueFigures(today=today, periods=periods, payment_rows=payments, payment_days=payment_days)
