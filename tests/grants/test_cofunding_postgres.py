"""Co-funding under real concurrency on PostgreSQL: each programme's budget guard holds for its share."""

from decimal import Decimal

import pytest

from grants.models import AwardShare, FundingProgramme
from grants.money.cofunding.services import award_shares_set
from tests.grants.cofunding_helpers import co_programme
from tests.grants.money_helpers import approved_award
from tests.grants.test_concurrency_postgres import run_at_once
from tests.grants.test_money_postgres import _managers
from workflow.errors import TransitionRefused

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_shares_set_at_once_on_many_awards_never_take_a_co_funder_past_its_budget(world):
    co = co_programme(world, budget="15000.00")  # room for two £7,000 shares, not three
    awards = [approved_award(world, amount=Decimal("8000.00")) for _ in range(6)]
    managers = _managers(world.central, 6)

    results = run_at_once(
        [
            lambda a=a, m=m: award_shares_set(award=a, actor=m, shares=[(co, Decimal("7000.00"))], note="Panel")
            for a, m in zip(awards, managers, strict=True)
        ]
    )

    made = [r for kind, r in results if kind == "ok"]
    refused = [r for kind, r in results if kind == "error"]
    assert len(made) == 2 and len(refused) == 4, results
    assert all(isinstance(e, TransitionRefused) and "Combined Authority Fund's share" in e.reason for e in refused)
    co = FundingProgramme.objects.get(pk=co.pk)
    lead = FundingProgramme.objects.get(pk=world.programme.pk)
    assert co.committed_amount == co.committed_total() == Decimal("14000.00")
    assert lead.committed_amount == lead.committed_total() == Decimal("34000.00")  # 6 × £8,000 − £14,000
    assert AwardShare.objects.filter(programme=co).count() == 2


def test_two_awards_shared_at_once_with_one_co_funder_keep_both_programmes_within_budget(world):
    """Two awards of a full programme shared out with one co-funder at the same moment: whichever comes
    first, the co-funder never passes its budget and both programmes' totals reconcile."""
    FundingProgramme.objects.filter(pk=world.programme.pk).update(budget=Decimal("20000.00"))
    co = co_programme(world, budget="12000.00")
    award = approved_award(world, amount=Decimal("10000.00"))
    second = approved_award(world, amount=Decimal("10000.00"))  # WM Fund now full
    managers = _managers(world.central, 4)

    results = run_at_once(
        [
            lambda: award_shares_set(award=award, actor=managers[0], shares=[(co, Decimal("7000.00"))]),
            lambda: award_shares_set(award=second, actor=managers[1], shares=[(co, Decimal("6000.00"))]),
        ]
    )
    made = [r for kind, r in results if kind == "ok"]
    assert len(made) == 1, results  # £7,000 + £6,000 would pass the co-funder's £12,000
    for p in (world.programme, co):
        p = FundingProgramme.objects.get(pk=p.pk)
        assert p.committed_amount == p.committed_total() <= p.budget
