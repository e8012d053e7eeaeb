"""A world with every kind of due thing, built relative to a chosen day: reports overdue (not started
and draft), awaiting review, due soon, upcoming and done; payments overdue, due soon, later, paid and
cancelled; and the same on another manager's programme, which must never be counted here."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from grants.models import Award, Payment
from tests import factories as f
from tests.helpers import force_state
from workflow import clock


@dataclass
class DueWorld:
    today: dt.date
    awards: dict
    payments: dict
    updates: dict

    def at(self):
        """Inside it, every page, API call and service reads `today` as the date."""
        return clock.at(dt.datetime.combine(self.today, dt.time(12), tzinfo=dt.UTC))


def _award(world, today, name, start_days, end_days, programme=None, recipient=None):
    return force_state(
        f.AwardFactory(
            programme=programme or world.programme,
            recipient=recipient or world.partner_org,
            title=f"Award {name}",
            amount_awarded=Decimal("10000"),
            reporting_frequency=Award.Frequency.ONE_OFF,
            planned_start=today + dt.timedelta(days=start_days),
            planned_end=today + dt.timedelta(days=end_days),
        ),
        Award.State.ACTIVE,
    )


def _update(award, state):
    update = f.ProgressUpdateFactory(award=award, period_start=award.planned_start, period_end=award.planned_end)
    return force_state(update, state) if state != "draft" else update


def build_due_world(world, today: dt.date) -> DueWorld:
    # One-off schedules: one report per award, due 14 days after its planned end.
    a = {
        "late_not_started": _award(world, today, "late-not-started", -100, -20),  # due today-6
        "late_draft": _award(world, today, "late-draft", -100, -30),  # due today-16
        "submitted": _award(world, today, "submitted", -100, -30),  # due today-16, awaiting review
        "soon": _award(world, today, "soon", -100, -7),  # due today+7
        "later": _award(world, today, "later", -100, 60),  # due today+74
        "done": _award(world, today, "done", -100, -30),  # accepted
        "elsewhere": _award(
            world, today, "elsewhere", -100, -30, programme=world.programme_b, recipient=world.partner_org_b
        ),
    }
    u = {
        "late_draft": _update(a["late_draft"], "draft"),
        "submitted": _update(a["submitted"], "submitted"),
        "done": _update(a["done"], "accepted"),
    }

    def pay(key, award, days, amount, state=Payment.State.SCHEDULED):
        p = f.PaymentFactory(award=award, due_on=today + dt.timedelta(days=days), amount=Decimal(amount))
        return force_state(p, state) if state != Payment.State.SCHEDULED else p

    p = {
        "overdue": pay("overdue", a["soon"], -3, "1500"),
        "due_soon_approved": pay("due_soon", a["soon"], 5, "2000", Payment.State.APPROVED),
        "due_today": pay("due_today", a["later"], 0, "250"),  # due, not late
        "later": pay("later", a["later"], 90, "3000"),
        "cancelled": pay("cancelled", a["soon"], -10, "700", Payment.State.CANCELLED),
        "paid": pay("paid", a["done"], -40, "900", Payment.State.PAID),
        "elsewhere": pay("elsewhere", a["elsewhere"], -3, "400"),
    }
    return DueWorld(today=today, awards=a, payments=p, updates=u)


@pytest.fixture
def due_world(world):
    return build_due_world(world, dt.date(2026, 6, 15))
