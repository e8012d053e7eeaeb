"""Co-funding: an award shared out between programmes, each programme's budget guard holding for its share,
the shares adding up to the amount awarded to the penny, variations moving the lead programme's share."""

import datetime as dt
from decimal import ROUND_DOWN, Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grants import services
from grants.models import AwardShare, FundingProgramme
from grants.money import services as money
from grants.money.cofunding.services import award_shares_set
from tests.grants.cofunding_helpers import PENNY, co_programme
from tests.grants.money_helpers import approved_award, paid_ready
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.models import MoneyChange


def _fresh(programme) -> FundingProgramme:
    return FundingProgramme.objects.get(pk=programme.pk)


def _reconciles(*programmes):
    for p in programmes:
        p = _fresh(p)
        assert (p.committed_amount, p.paid_amount) == p.recount_totals(), p


def test_shares_add_up_to_the_amount_awarded_and_each_programme_carries_its_own(world):
    co = co_programme(world)
    award = approved_award(world, amount=Decimal("10000.00"))
    shares = award_shares_set(award=award, actor=world.manager, shares=[(co, Decimal("3333.33"))], note="Panel")

    by_programme = {s.programme_id: s.amount for s in shares}
    assert by_programme == {world.programme.pk: Decimal("6666.67"), co.pk: Decimal("3333.33")}
    assert sum(by_programme.values()) == Decimal("10000.00")
    assert _fresh(world.programme).committed_amount == Decimal("6666.67")
    assert _fresh(co).committed_amount == Decimal("3333.33")
    _reconciles(world.programme, co)
    logged = MoneyChange.objects.filter(field="share", object_id=award.pk, actor=world.manager)
    assert {(m.old_amount, m.new_amount) for m in logged} == {(None, Decimal("6666.67")), (None, Decimal("3333.33"))}
    assert all(m.at for m in logged) and all("Panel" in m.note for m in logged)
    assert AwardShare.objects.get(award=award, programme=co).set_by == world.manager


def test_shares_that_do_not_add_up_are_refused_with_the_figures(world):
    co = co_programme(world)
    award = approved_award(world, amount=Decimal("10000.00"))
    with pytest.raises(ValidationError, match="add up to £10,000.01; they must add up to the £10,000.00"):
        award_shares_set(
            award=award,
            actor=world.manager,
            shares=[(world.programme, Decimal("5000.00")), (co, Decimal("5000.01"))],
        )
    with pytest.raises(ValidationError, match="more than the £10,000.00 awarded"):
        award_shares_set(award=award, actor=world.manager, shares=[(co, Decimal("10000.01"))])
    with pytest.raises(ValidationError, match="pounds and pence"):
        award_shares_set(award=award, actor=world.manager, shares=[(co, Decimal("1.001"))])
    assert not AwardShare.objects.exists()


def test_a_co_funder_whose_programme_is_short_is_refused_with_the_reason(world):
    co = co_programme(world, budget="5000.00")
    approved_award(world, programme=co, amount=Decimal("4000.00"))  # £1,000 left in the co-funder's pot
    award = approved_award(world, amount=Decimal("10000.00"))
    with pytest.raises(TransitionRefused, match="Combined Authority Fund's share of £1,000.01 would take it past its"):
        award_shares_set(award=award, actor=world.manager, shares=[(co, Decimal("1000.01"))])
    assert _fresh(co).committed_amount == Decimal("4000.00")
    assert _fresh(world.programme).committed_amount == Decimal("10000.00")
    award_shares_set(award=award, actor=world.manager, shares=[(co, Decimal("1000.00"))])
    assert _fresh(co).committed_amount == Decimal("5000.00")
    _reconciles(world.programme, co)


def test_only_managers_of_every_programme_concerned_set_shares_and_only_once_approved(world):
    co = co_programme(world)
    award = approved_award(world, amount=Decimal("10000.00"))
    with pytest.raises(PermissionRefused):
        award_shares_set(award=award, actor=world.funder, shares=[(co, Decimal("100.00"))])
    with pytest.raises(PermissionRefused, match="EM Fund"):  # managed by another organisation
        award_shares_set(award=award, actor=world.manager, shares=[(world.programme_b, Decimal("100.00"))])
    draft = services.award_create(
        actor=world.manager,
        programme=world.programme,
        recipient=world.partner_org,
        title="Draft",
        amount_requested=Decimal("500.00"),
    )
    with pytest.raises(TransitionRefused, match="once the award is approved"):
        award_shares_set(award=draft, actor=world.manager, shares=[(co, Decimal("0.00"))])


def test_a_variation_changes_the_lead_programmes_share_only(world):
    co = co_programme(world)
    award = approved_award(world, amount=Decimal("10000.00"))
    award_shares_set(award=award, actor=world.manager, shares=[(co, Decimal("4000.00"))])

    services.award_change_amount(award=award, amount=Decimal("12500.00"), actor=world.manager, note="Two more schools")
    shares = {s.programme_id: s.amount for s in AwardShare.objects.filter(award=award)}
    assert shares == {world.programme.pk: Decimal("8500.00"), co.pk: Decimal("4000.00")}
    services.award_change_amount(award=award, amount=Decimal("4000.00"), actor=world.manager, note="Scaled back")
    assert AwardShare.objects.get(award=award, programme=world.programme).amount == Decimal("0.00")
    with pytest.raises(TransitionRefused, match="Re-set the co-funders' shares first"):
        services.award_change_amount(award=award, amount=Decimal("3999.99"), actor=world.manager, note="Less")
    award.refresh_from_db()
    assert award.amount_awarded == sum(AwardShare.objects.filter(award=award).values_list("amount", flat=True))
    _reconciles(world.programme, co)


def test_paid_money_counts_on_each_programme_by_its_share_and_moves_when_shares_are_reset(world):
    co = co_programme(world)
    award = approved_award(world, amount=Decimal("10000.00"))
    award_shares_set(award=award, actor=world.manager, shares=[(co, Decimal("3333.33"))])
    for day in (1, 2, 3):
        payment = paid_ready(world, award, due_on=dt.date(2026, 4, day), amount=Decimal("1000.01"))
        services.payment_release(payment=payment, actor=world.manager, paid_on=dt.date(2026, 4, day))
    lead, other = _fresh(world.programme), _fresh(co)
    assert lead.paid_amount + other.paid_amount == Decimal("3000.03")
    assert other.paid_amount == Decimal("1000.01")  # a third, to the penny
    _reconciles(world.programme, co)

    award_shares_set(award=award, actor=world.manager, shares=[])  # back on its own programme
    assert (_fresh(world.programme).paid_amount, _fresh(co).paid_amount) == (Decimal("3000.03"), Decimal("0.00"))
    assert _fresh(co).committed_amount == Decimal("0.00")
    assert not AwardShare.objects.filter(award=award).exists()
    assert MoneyChange.objects.filter(field="share", object_id=award.pk, new_amount__isnull=True).count() == 2
    _reconciles(world.programme, co)


def test_the_recount_finds_the_running_totals_right_after_shares_and_variations(world):
    co = co_programme(world)
    award = approved_award(world, amount=Decimal("10000.00"))
    award_shares_set(award=award, actor=world.manager, shares=[(co, Decimal("2500.00"))])
    variation = money.variation_request(
        award=award, actor=world.partner, kind="amount", reason="More pupils", amount_change=Decimal("700.00")
    )
    money.variation_transition(variation=variation, name="approve", actor=world.manager)
    assert services.programme_totals_recount() == 0


class _Undo(Exception):
    pass


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    awarded=st.decimals(min_value="1.00", max_value="9999.99", places=2),
    parts=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=3),
    paid=st.integers(min_value=0, max_value=100),
)
def test_random_shares_and_payments_always_reconcile_to_the_penny(world, awarded, parts, paid):
    try:
        with transaction.atomic():  # each example starts from the same world
            _share_and_pay(world, awarded, parts, paid)
            raise _Undo
    except _Undo:
        pass


def _share_and_pay(world, awarded, parts, paid):
    cos = [co_programme(world, name=f"Co-fund {i}", budget="100000.00") for i in range(len(parts))]
    award = approved_award(world, amount=awarded)
    whole = sum(parts) or 1
    pairs = [
        (co, (awarded * p / whole / 2).quantize(PENNY, rounding=ROUND_DOWN)) for co, p in zip(cos, parts, strict=True)
    ]
    award_shares_set(award=award, actor=world.manager, shares=pairs)
    amount = (awarded * paid / 100).quantize(PENNY, rounding=ROUND_DOWN)
    if amount:
        payment = paid_ready(world, award, due_on=dt.date(2026, 5, 1), amount=amount)
        services.payment_release(payment=payment, actor=world.manager, paid_on=dt.date(2026, 5, 1))
    assert sum(s.amount for s in AwardShare.objects.filter(award=award)) == awarded
    everyone = [_fresh(p) for p in (world.programme, *cos)]
    assert sum(p.paid_amount for p in everyone) == amount
    assert sum(p.committed_amount for p in everyone) == awarded
    for p in everyone:
        assert (p.committed_amount, p.paid_amount) == p.recount_totals()
        assert p.paid_amount <= p.committed_amount
