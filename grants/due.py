"""When a payment is due, due soon or overdue: the one rule every page, list, API, inbox, calendar and
report reads (reporting.due holds the same for progress updates and builds on this).

- A payment is owed while it is scheduled or approved; paid and cancelled payments are never due.
- It is overdue from the day after its due date (due today is due, not late).
- It is due soon when its due date is today or within the next PAYMENTS_DUE_SOON_DAYS (default 30).
- "Today" is workflow.clock.today(): the local date, or the scenario's date while the demo loads.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, Count, Q, QuerySet, Sum, Value, When
from django.db.models import CharField as CharOutput
from django.db.models.functions import Coalesce

from workflow import clock

from .models import ZERO, Payment

UNPAID = (Payment.State.SCHEDULED, Payment.State.APPROVED)

OVERDUE, DUE_SOON, UPCOMING, PAID, CANCELLED = "overdue", "due_soon", "upcoming", "paid", "cancelled"
URGENCY_LABELS = {
    OVERDUE: "Overdue",
    DUE_SOON: "Due soon",
    UPCOMING: "Upcoming",
    PAID: "Paid",
    CANCELLED: "Cancelled",
}


def today() -> dt.date:
    return clock.today()


def due_soon_days() -> int:
    return int(getattr(settings, "PAYMENTS_DUE_SOON_DAYS", 30))


def overdue_q(on: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}state__in": UNPAID, f"{prefix}due_on__lt": on})


def due_within_q(on: dt.date, days: int, prefix: str = "") -> Q:
    """Owed and due from today to `days` ahead (not yet late)."""
    return Q(
        **{f"{prefix}state__in": UNPAID, f"{prefix}due_on__gte": on, f"{prefix}due_on__lte": on + dt.timedelta(days)}
    )


def urgency(payment: Payment, on: dt.date | None = None) -> str:
    """overdue, due_soon, upcoming, paid or cancelled: the Python side of with_urgency()."""
    on = on or today()
    if payment.state == Payment.State.PAID:
        return PAID
    if payment.state == Payment.State.CANCELLED:
        return CANCELLED
    if payment.due_on < on:
        return OVERDUE
    if payment.due_on <= on + dt.timedelta(days=due_soon_days()):
        return DUE_SOON
    return UPCOMING


def days_late(payment: Payment, on: dt.date | None = None) -> int:
    on = on or today()
    return max((on - payment.due_on).days, 0) if payment.state in UNPAID else 0


def with_urgency(qs: QuerySet, on: dt.date | None = None) -> QuerySet:
    """The same rule as a column (`urgency`), for filtering and sorting in the database."""
    on = on or today()
    return qs.annotate(
        urgency=Case(
            When(state=Payment.State.PAID, then=Value(PAID)),
            When(state=Payment.State.CANCELLED, then=Value(CANCELLED)),
            When(due_on__lt=on, then=Value(OVERDUE)),
            When(due_on__lte=on + dt.timedelta(days=due_soon_days()), then=Value(DUE_SOON)),
            default=Value(UPCOMING),
            output_field=CharOutput(),
        )
    )


def filter_when(qs: QuerySet, when: str, on: dt.date | None = None, days: int | None = None) -> QuerySet:
    """The lists' "Due" filter: overdue, or due in the next `days` (default PAYMENTS_DUE_SOON_DAYS)."""
    on = on or today()
    if when == OVERDUE:
        return qs.filter(overdue_q(on))
    return qs.filter(due_within_q(on, days if days is not None else due_soon_days()))


def figures(qs: QuerySet, on: dt.date | None = None, days: int | None = None) -> dict:
    """Counts and totals of overdue and soon-due payments in `qs`, in one query."""
    on = on or today()
    days = days if days is not None else due_soon_days()
    late, soon = overdue_q(on), due_within_q(on, days)
    found = qs.order_by().aggregate(
        overdue_count=Count("pk", filter=late),
        overdue_total=Coalesce(Sum("amount", filter=late), Value(ZERO)),
        due_count=Count("pk", filter=soon),
        due_total=Coalesce(Sum("amount", filter=soon), Value(ZERO)),
    )
    found["days"] = days
    return found


def counted_total(qs: QuerySet, cap: int | None = None) -> dict:
    """How many payments a list holds and what they add up to, cancelled ones left out of the total
    (a cancelled payment is never paid) and shown apart; at most `cap` rows read."""
    cancelled = Q(state=Payment.State.CANCELLED)
    qs = qs.order_by()
    if cap is not None:
        qs = qs[:cap]
    return qs.aggregate(
        n=Count("pk"),
        total=Coalesce(Sum("amount", filter=~cancelled), Value(ZERO)),
        cancelled_n=Count("pk", filter=cancelled),
        cancelled_total=Coalesce(Sum("amount", filter=cancelled), Value(Decimal("0.00"))),
    )
