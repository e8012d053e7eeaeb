"""Real concurrency on PostgreSQL: payment runs made at the same moment, variations decided at once."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import OrganisationMembership
from grants.models import FundingProgramme, PaymentRunItem, Variation
from grants.money import services as money
from tests import factories as f
from tests.grants.money_helpers import approved_award, paid_ready
from tests.grants.test_concurrency_postgres import run_at_once
from workflow.errors import TransitionRefused

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _managers(organisation, n):
    users = []
    for i in range(n):
        user = f.UserFactory(username=f"finance{i}")
        f.MembershipFactory(user=user, organisation=organisation, role=OrganisationMembership.Role.MANAGER)
        users.append(user)
    return users


def test_payment_runs_made_at_once_never_export_a_payment_twice(world):
    award = approved_award(world)
    payments = [paid_ready(world, award, due_on=dt.date(2026, 4, 1 + i), amount="100.00") for i in range(20)]
    managers = _managers(world.central, 6)

    results = run_at_once(
        [
            lambda m=m: money.payment_run_export(actor=m, organisation=world.central, due_by=dt.date(2026, 4, 30))
            for m in managers
        ]
    )

    made = [r for kind, r in results if kind == "ok"]
    refused = [r for kind, r in results if kind == "error"]
    assert len(made) == 1, results
    assert all(isinstance(e, TransitionRefused) for e in refused), refused
    assert PaymentRunItem.objects.count() == len(payments)
    assert made[0].payment_count == 20 and made[0].total == Decimal("2000.00")


def test_variations_approved_at_once_never_take_the_programme_past_its_budget(world):
    programme = world.programme  # £100,000
    award = approved_award(world, amount=Decimal("10000.00"))  # £90,000 left
    managers = _managers(world.central, 8)
    variations = [
        money.variation_request(
            award=award, actor=world.partner, kind="amount", reason="More schools joined", amount_change="20000.00"
        )
        for _ in range(8)
    ]

    results = run_at_once(
        [
            lambda v=v, m=m: money.variation_transition(variation=v, name="approve", actor=m, note="Agreed")
            for v, m in zip(variations, managers, strict=True)
        ]
    )

    approved = [r for kind, r in results if kind == "ok"]
    refused = [r for kind, r in results if kind == "error"]
    assert len(approved) == 4 and len(refused) == 4
    assert all(isinstance(e, TransitionRefused) and "past its budget" in e.reason for e in refused)
    programme = FundingProgramme.objects.get(pk=programme.pk)
    award.refresh_from_db()
    assert award.amount_awarded == Decimal("90000.00")
    assert programme.committed_amount == programme.committed_total() == Decimal("90000.00")
    chain = list(Variation.objects.filter(award=award, state="approved").order_by("decided_at"))
    assert sum(v.amount_change for v in chain) == Decimal("80000.00")
