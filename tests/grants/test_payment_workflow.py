import pytest

from grants.models import Payment
from tests import factories as f
from tests.helpers import assert_step_follows_table, force_state, states

S = Payment.State
ALLOWED = {
    S.SCHEDULED: {"approve", "cancel"},
    S.APPROVED: {"release", "cancel"},
    S.PAID: set(),
    S.CANCELLED: set(),
}


@pytest.mark.parametrize("state", states(Payment))
@pytest.mark.parametrize("name", ["approve", "release", "cancel"])
def test_payment_transition_table(world, state, name):
    award = force_state(f.AwardFactory(programme=world.programme), "active")
    payment = force_state(f.PaymentFactory(award=award), state)
    assert_step_follows_table(payment, name, allowed=ALLOWED[state], unmet={}, actor=world.manager)


def test_payment_on_a_suspended_award_cannot_be_released(world):
    from grants import services
    from grants.models import Award
    from workflow.errors import TransitionRefused

    award = force_state(f.AwardFactory(programme=world.programme, amount_awarded="5000"), Award.State.ACTIVE)
    payment = services.payment_schedule(award=award, due_on="2026-05-01", amount="5000", actor=world.manager)
    services.award_transition(award=award, name="suspend", actor=world.manager, note="Safeguarding review")
    with pytest.raises(TransitionRefused, match="this award is suspended"):
        services.payment_approve(payment=payment, actor=world.manager)
