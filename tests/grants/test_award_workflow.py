from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from grants import services
from grants.models import Award, Payment
from reporting.services import evaluation_complete, update_transition
from tests import factories as f
from tests.helpers import assert_step_follows_table, force_state, states
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.models import MoneyChange, TransitionLog

S = Award.State
ALLOWED = {
    S.DRAFT: {"submit", "withdraw"},
    S.SUBMITTED: {"start_assessment", "decline", "withdraw"},
    S.IN_ASSESSMENT: {"approve", "decline", "withdraw"},
    S.APPROVED: {"activate"},
    S.ACTIVE: {"suspend", "begin_evaluation"},
    S.SUSPENDED: {"reinstate"},
    S.IN_EVALUATION: {"close"},
    S.CLOSED: set(),
    S.DECLINED: set(),
    S.WITHDRAWN: set(),
}
TRANSITIONS = sorted(set().union(*ALLOWED.values()))
# Conditions a newly made award does not meet (met in the close tests below).
UNMET_WHEN_FRESH = {(S.IN_EVALUATION, "close"): "final progress update"}


@pytest.mark.parametrize("state", states(Award))
@pytest.mark.parametrize("name", TRANSITIONS)
def test_award_transition_table(world, state, name):
    award = force_state(f.AwardFactory(programme=world.programme), state)
    assert_step_follows_table(award, name, allowed=ALLOWED[state], unmet=UNMET_WHEN_FRESH, actor=world.manager)


def walk(award, actor, *names, note="ok"):
    for name in names:
        award = services.award_transition(award=award, name=name, actor=actor, note=note)
    return award


@pytest.fixture
def award(world):
    return f.AwardFactory(programme=world.programme, recipient=world.partner_org, amount_requested=Decimal("40000.00"))


def test_award_walks_from_draft_to_active_and_logs_every_step(world, award):
    award = walk(award, world.partner, "submit")
    award = walk(award, world.manager, "start_assessment", "approve", "activate")
    assert award.state == S.ACTIVE
    assert award.amount_awarded == Decimal("40000.00")
    logs = TransitionLog.objects.filter(object_id=award.pk, content_type__model="award").order_by("at", "id")
    assert [(log.source, log.target, log.actor.username) for log in logs] == [
        ("draft", "submitted", "partner"),
        ("submitted", "in_assessment", "manager"),
        ("in_assessment", "approved", "manager"),
        ("approved", "active", "manager"),
    ]
    money = MoneyChange.objects.get(object_id=award.pk, field="amount_awarded")
    assert (money.old_amount, money.new_amount, money.actor) == (None, Decimal("40000.00"), world.manager)


def test_award_refused_transition_says_why_and_changes_nothing(world, award):
    with pytest.raises(TransitionRefused, match="draft, so it cannot be moved with “Approve”"):
        services.award_approve(award=award, actor=world.manager)
    award.refresh_from_db()
    assert award.state == S.DRAFT
    assert not TransitionLog.objects.exists()


def test_award_partner_cannot_approve_own_award(world, award):
    award = walk(award, world.partner, "submit")
    award = walk(award, world.manager, "start_assessment")
    with pytest.raises(PermissionRefused, match="permission"):
        services.award_approve(award=award, actor=world.partner)


def test_award_manager_of_other_programme_cannot_act(world, award):
    award = walk(award, world.partner, "submit")
    with pytest.raises(PermissionRefused):
        services.award_transition(award=award, name="start_assessment", actor=world.manager_b)


def test_award_other_partner_cannot_submit(world, award):
    with pytest.raises(PermissionRefused):
        services.award_transition(award=award, name="submit", actor=world.partner_b)


def test_award_decline_needs_a_reason(world, award):
    award = walk(award, world.partner, "submit")
    with pytest.raises(TransitionRefused, match="needs a note"):
        services.award_transition(award=award, name="decline", actor=world.manager, note="  ")


def test_award_approve_refuses_when_programme_budget_exceeded(world):
    first = f.AwardFactory(programme=world.programme, amount_requested=Decimal("70000.00"))
    second = f.AwardFactory(programme=world.programme, amount_requested=Decimal("30000.01"))
    for award in (first, second):
        force_state(award, S.IN_ASSESSMENT)
    services.award_approve(award=first, actor=world.manager)
    with pytest.raises(TransitionRefused) as refused:
        services.award_approve(award=second, actor=world.manager)
    assert "past its budget of £100,000.00" in refused.value.reason
    assert "leaving £30,000.00" in refused.value.reason
    second.refresh_from_db()
    assert second.state == S.IN_ASSESSMENT and second.amount_awarded is None
    # A smaller award that fits exactly is fine: sums reconcile to the penny.
    services.award_approve(award=second, actor=world.manager, amount=Decimal("30000.00"))
    assert world.programme.committed_total() == Decimal("100000.00")


def test_award_approve_cannot_award_more_than_requested(world, award):
    award = force_state(award, S.IN_ASSESSMENT)
    with pytest.raises(ValidationError, match="cannot be more than"):
        services.award_approve(award=award, actor=world.manager, amount=Decimal("40000.01"))


def test_declined_and_withdrawn_awards_do_not_count_against_budget(world):
    big = force_state(f.AwardFactory(programme=world.programme, amount_requested=Decimal("90000")), S.IN_ASSESSMENT)
    services.award_transition(award=big, name="decline", actor=world.manager, note="Outside the fund's aims")
    other = force_state(f.AwardFactory(programme=world.programme, amount_requested=Decimal("95000")), S.IN_ASSESSMENT)
    services.award_approve(award=other, actor=world.manager)
    assert world.programme.committed_total() == Decimal("95000.00")


@pytest.fixture
def live_award(world, award):
    award = walk(award, world.partner, "submit")
    return walk(award, world.manager, "start_assessment", "approve", "activate")


def test_payments_never_sum_above_the_award(world, live_award):
    services.payment_schedule(award=live_award, due_on="2026-03-31", amount=Decimal("25000.00"), actor=world.manager)
    services.payment_schedule(award=live_award, due_on="2026-07-31", amount=Decimal("15000.00"), actor=world.manager)
    with pytest.raises(TransitionRefused, match="more than the £40,000.00 awarded"):
        services.payment_schedule(award=live_award, due_on="2026-12-31", amount=Decimal("0.01"), actor=world.manager)
    assert live_award.scheduled_total() == Decimal("40000.00")


def test_cancelled_payment_frees_its_amount(world, live_award):
    payment = services.payment_schedule(award=live_award, due_on="2026-03-31", amount="40000", actor=world.manager)
    with pytest.raises(TransitionRefused, match="more than the £40,000.00 awarded"):
        services.payment_schedule(award=live_award, due_on="2026-04-30", amount="40000", actor=world.manager)
    services.payment_cancel(payment=payment, actor=world.manager, note="Re-phased")
    again = services.payment_schedule(award=live_award, due_on="2026-04-30", amount="40000", actor=world.manager)
    payment.refresh_from_db()
    assert (payment.state, again.state) == (Payment.State.CANCELLED, Payment.State.SCHEDULED)
    assert live_award.scheduled_total() == Decimal("40000.00")


def test_payment_edit_rechecks_the_total_and_logs_the_money(world, live_award):
    p1 = services.payment_schedule(award=live_award, due_on="2026-03-31", amount="30000", actor=world.manager)
    services.payment_schedule(award=live_award, due_on="2026-06-30", amount="10000", actor=world.manager)
    with pytest.raises(TransitionRefused):
        services.payment_edit(payment=p1, actor=world.manager, amount=Decimal("30000.01"))
    services.payment_edit(payment=p1, actor=world.manager, amount=Decimal("20000"), note="Smaller first tranche")
    change = MoneyChange.objects.filter(object_id=p1.pk, content_type__model="payment").first()
    assert (change.old_amount, change.new_amount, change.actor) == (Decimal("30000"), Decimal("20000"), world.manager)


def test_partner_cannot_schedule_payments(world, live_award):
    with pytest.raises(PermissionRefused):
        services.payment_schedule(award=live_award, due_on="2026-03-31", amount="100", actor=world.partner)


def test_gated_payment_cannot_be_released_before_update_accepted(world, live_award):
    update = f.ProgressUpdateFactory(award=live_award, author=world.partner)
    payment = services.payment_schedule(
        award=live_award, due_on="2026-04-30", amount="10000", actor=world.manager, gated_on_update=update
    )
    with pytest.raises(TransitionRefused, match="held until the progress update for 5 January to 31 March 2026"):
        services.payment_approve(payment=payment, actor=world.manager)
    update_transition(update=update, name="submit", actor=world.partner)
    update_transition(update=update, name="accept", actor=world.manager)
    services.payment_approve(payment=payment, actor=world.manager)
    payment = services.payment_release(payment=payment, actor=world.manager, reference="BACS-001")
    assert payment.state == Payment.State.PAID and payment.paid_on is not None
    assert live_award.paid_total() == Decimal("10000.00")


def test_award_cannot_close_with_unpaid_payments_final_update_or_evaluation_missing(world, live_award):
    services.payment_schedule(award=live_award, due_on="2026-03-31", amount="5000", actor=world.manager)
    award = walk(live_award, world.manager, "begin_evaluation")
    with pytest.raises(TransitionRefused, match="cannot close while payments are still due: £5,000.00 due 31 March"):
        services.award_transition(award=award, name="close", actor=world.manager)
    payment = award.payments.get()
    services.payment_approve(payment=payment, actor=world.manager)
    services.payment_release(payment=payment, actor=world.manager)
    with pytest.raises(TransitionRefused, match="final progress update has been accepted"):
        services.award_transition(award=award, name="close", actor=world.manager)
    update = f.ProgressUpdateFactory(award=award, author=world.partner, is_final=True)
    update_transition(update=update, name="submit", actor=world.partner)
    update_transition(update=update, name="accept", actor=world.manager)
    with pytest.raises(TransitionRefused, match="evaluation"):
        services.award_transition(award=award, name="close", actor=world.manager)
    evaluation = f.EvaluationFactory(award=award, author=world.manager)
    evaluation_complete(evaluation=evaluation, actor=world.manager)
    award = services.award_transition(award=award, name="close", actor=world.manager)
    assert award.state == S.CLOSED


def test_award_variation_logs_money_and_respects_budget(world, live_award):
    with pytest.raises(ValidationError, match="why"):
        services.award_change_amount(award=live_award, amount=Decimal("50000"), actor=world.manager, note="")
    with pytest.raises(TransitionRefused, match="past its budget"):
        services.award_change_amount(award=live_award, amount=Decimal("100000.01"), actor=world.manager, note="More")
    services.award_change_amount(award=live_award, amount=Decimal("45000"), actor=world.manager, note="Extra school")
    live_award.refresh_from_db()
    assert live_award.amount_awarded == Decimal("45000.00")
    assert MoneyChange.objects.filter(object_id=live_award.pk, new_amount=Decimal("45000")).exists()


def test_programme_budget_cannot_drop_below_commitments(world, live_award):
    with pytest.raises(TransitionRefused, match="£40,000.00 already committed"):
        services.programme_set_budget(programme=world.programme, budget=Decimal("39999.99"), actor=world.manager)
    services.programme_set_budget(programme=world.programme, budget=Decimal("40000"), actor=world.manager)


def test_award_create_numbers_identifiers_under_the_programme_prefix(world):
    award = services.award_create(
        actor=world.partner,
        programme=world.programme,
        recipient=world.partner_org,
        title="Wellbeing hubs",
        amount_requested=Decimal("12500.50"),
    )
    assert award.identifier == f"{world.programme.identifier_prefix}-00001"
    assert award.state == S.DRAFT
    with pytest.raises(PermissionRefused):
        services.award_create(
            actor=world.partner,
            programme=world.programme,
            recipient=world.partner_org_b,
            title="Not mine",
            amount_requested=Decimal("1"),
        )
