"""The demo's money (demo/scenario/money.yaml) reconciles to the penny, on any day it is loaded."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Sum

from grants.models import Award, AwardShare, BudgetLine, FundingProgramme, Payment, PaymentRunItem, Variation
from grants.money import selectors


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def assert_money_reconciles():
    for award in Award.objects.filter(state__in=Award.COMMITTED_STATES):
        approved = BudgetLine.objects.filter(award=award).aggregate(t=Sum("approved"))["t"]
        if approved is not None:
            assert approved == award.amount_awarded, award
        chain = list(Variation.objects.filter(award=award, state="approved").order_by("decided_at", "pk"))
        for before, after in zip(chain, chain[1:], strict=False):
            assert before.amount_after == after.amount_before, award
        for v in chain:
            assert v.amount_before + v.amount_change == v.amount_after, v
        if chain:
            assert chain[-1].amount_after == award.amount_awarded, award
    for programme in FundingProgramme.objects.all():
        assert programme.recount_totals() == (programme.committed_amount, programme.paid_amount), programme
        assert programme.committed_amount <= programme.budget
    assert PaymentRunItem.objects.values("payment").distinct().count() == PaymentRunItem.objects.count()
    admin = get_user_model().objects.get(username="admin")
    for kind in ("financial", "school"):
        for table in selectors.money_by_year(user=admin, kind=kind):
            programme = FundingProgramme.objects.get(name=table.name)
            assert table.committed == programme.committed_amount, table.name
            assert table.scheduled + table.unscheduled == table.committed, table.name
            paid = sum((y.paid for y in table.years), Decimal(0))
            assert paid == programme.paid_amount, table.name
    everything = Award.objects.all()
    report = selectors.budget_against_actual(awards=everything)
    committed = everything.filter(state__in=Award.COMMITTED_STATES)
    assert report.approved == committed.aggregate(t=Sum("amount_awarded"))["t"]
    assert report.match == selectors.match_funding_totals(awards=committed)
    assert report.match["total"] > 0
    latest = selectors.latest_accepted_updates(committed)
    assert report.actual == latest.aggregate(t=Sum("spend_to_date"))["t"]


@pytest.mark.django_db
@pytest.mark.parametrize("day", [None, dt.date(2026, 9, 3), dt.date(2027, 2, 20), dt.date(2027, 7, 30)])
def test_the_demos_money_reconciles_to_the_penny(day):
    call_command("load_demo", *(["--today", day.isoformat()] if day else []), stdout=StringIO())
    assert set(Variation.objects.values_list("state", flat=True)) >= {"requested", "approved", "declined"}
    assert BudgetLine.objects.filter(approved__isnull=False).exists()
    assert PaymentRunItem.objects.exists()
    assert Payment.objects.filter(run_item__isnull=False, state="approved").exists()
    co_funded = Award.objects.get(identifier="360G-WMCP-00101")  # the demo's co-funded award
    shares = dict(AwardShare.objects.filter(award=co_funded).values_list("programme__name", "amount"))
    assert shares["Post-16 Transitions Pilot Fund"] == Decimal("12000.00")
    assert sum(shares.values()) == co_funded.amount_awarded  # the lead took the later variation's £6,000
    assert_money_reconciles()
