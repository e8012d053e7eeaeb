"""Payments by programme, stage and due date (reporting's PaymentTally): kept by triggers through the
services, bulk writes and an award moving programme, equal to a count of the payments, and the same
figures as counting the payments one may see."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from grants import services
from grants.models import Award, Payment
from grants.selectors import payment_list
from reporting import tallies
from reporting.selectors.tallied import UNPAID, payments_due_figures
from tests import factories as f
from tests.helpers import force_state

TODAY = dt.date(2026, 6, 1)


def counted(user, days=30):
    out = {"overdue_count": 0, "overdue_total": Decimal("0"), "due_count": 0, "due_total": Decimal("0")}
    for p in payment_list(user=user).filter(state__in=UNPAID):
        if p.due_on < TODAY:
            out["overdue_count"] += 1
            out["overdue_total"] += p.amount
        elif p.due_on <= TODAY + dt.timedelta(days=days):
            out["due_count"] += 1
            out["due_total"] += p.amount
    return out


@pytest.fixture
def active(world):
    award = f.AwardFactory(programme=world.programme, recipient=world.partner_org, amount_requested=Decimal("9000"))
    award = force_state(award, "in_assessment")
    return services.award_approve(award=award, actor=world.manager) or Award.objects.get(pk=award.pk)


def test_payment_tallies_follow_the_services_bulk_writes_and_a_programme_move(world, active):
    late = services.payment_schedule(
        award=active, actor=world.manager, due_on=dt.date(2026, 3, 31), amount=Decimal("1000.10")
    )
    soon = services.payment_schedule(
        award=active, actor=world.manager, due_on=dt.date(2026, 6, 20), amount=Decimal("2000")
    )
    later = services.payment_schedule(
        award=active, actor=world.manager, due_on=dt.date(2026, 12, 1), amount=Decimal("3000")
    )
    assert tallies.recount("payments") == 0
    assert (
        payments_due_figures(user=world.manager, today=TODAY, days=30)
        == counted(world.manager)
        == {
            "overdue_count": 1,
            "overdue_total": Decimal("1000.10"),
            "due_count": 1,
            "due_total": Decimal("2000.00"),
        }
    )
    services.payment_approve(payment=late, actor=world.manager)
    services.payment_release(payment=Payment.objects.get(pk=late.pk), actor=world.second_manager)
    Payment.objects.filter(pk=later.pk).update(due_on=dt.date(2026, 5, 1), amount=Decimal("3000.01"))
    Payment.objects.bulk_create([f.PaymentFactory.build(award=active, due_on=dt.date(2026, 6, 2), amount=5)])
    Payment.objects.filter(pk=soon.pk).delete()
    assert tallies.recount("payments") == 0
    for user in (world.manager, world.funder, world.manager_b, world.funder_b):
        assert payments_due_figures(user=user, today=TODAY, days=30) == counted(user)
    assert payments_due_figures(user=world.manager, today=TODAY, days=30)["overdue_total"] == Decimal("3000.01")

    Award.objects.filter(pk=active.pk).update(programme=world.programme_b)  # as a loader might
    assert tallies.recount("payments") == 0
    assert payments_due_figures(user=world.manager, today=TODAY, days=30)["overdue_count"] == 0
    assert payments_due_figures(user=world.manager_b, today=TODAY, days=30) == counted(world.manager_b)
    assert payments_due_figures(user=world.partner, today=TODAY, days=30) is None  # counted from the rows


def test_a_drifted_payment_tally_is_found_and_put_right(world, active):
    f.PaymentFactory(award=active)
    from reporting.models import PaymentTally

    PaymentTally.objects.update(payments=3)
    assert tallies.recount("payments") == 1
    assert tallies.recount("payments") == 0


def test_emptying_the_tables_leaves_no_payment_tally_behind(world, active):
    f.PaymentFactory(award=active)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reporting_paymenttally")
        cursor.execute("DELETE FROM grants_payment")  # the trigger writes the tally back …
        for table in ("reporting_progressupdate", "reporting_indicator", "reporting_evaluation", "grants_award"):
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute("DELETE FROM grants_fundingprogramme")  # … and it goes with its programme
        connection.check_constraints()
        cursor.execute("SELECT count(*) FROM reporting_paymenttally")
        assert cursor.fetchone()[0] == 0
