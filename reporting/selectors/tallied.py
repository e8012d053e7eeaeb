"""Figures read from the tallies (reporting/tallies.py) instead of every row, for people whose scope is by
programme: the same numbers the rows would give, in one query of a few rows per programme."""

import datetime as dt
from typing import Literal

from django.db.models import Q, Sum, Value
from django.db.models.functions import Coalesce

from accounts import roles
from grants.models import ZERO, Payment
from partnerships.selectors import NOTHING, scoped

from ..models import PaymentTally

UNPAID = (Payment.State.SCHEDULED, Payment.State.APPROVED)


def payment_tally_scope(user) -> Q | None | Literal[False]:
    """`payment_list`'s rule said in terms of a programme, for reading `PaymentTally`; False when it cannot
    be (a partner sees payments by recipient). A funder's "never a draft" needs no saying here: payments
    only exist on awards that were approved."""
    r = roles.of(user)
    if r.is_admin:
        return None
    if r.partner_orgs:
        return False
    q = NOTHING
    if r.manager_orgs:
        q |= Q(programme__managed_by_id__in=r.manager_orgs)
    if r.funder_orgs:
        q |= Q(programme__funder_id__in=r.funder_orgs)
    return q


def payments_due_figures(*, user, today: dt.date, days: int, programme=None) -> dict | None:
    """Unpaid payments overdue (due before `today`) and due from `today` to `days` ahead: counts and totals.
    None when the person's scope is not by programme (the caller counts the payments themselves)."""
    scope = payment_tally_scope(user)
    if scope is False:
        return None
    rows = scoped(PaymentTally.objects.filter(state__in=UNPAID), scope)
    if programme is not None:
        rows = rows.filter(programme=programme)
    late = Q(due_on__lt=today)
    soon = Q(due_on__gte=today, due_on__lte=today + dt.timedelta(days=days))
    return rows.aggregate(
        overdue_count=Coalesce(Sum("payments", filter=late), 0),
        overdue_total=Coalesce(Sum("amount", filter=late), Value(ZERO)),
        due_count=Coalesce(Sum("payments", filter=soon), 0),
        due_total=Coalesce(Sum("amount", filter=soon), Value(ZERO)),
    )
