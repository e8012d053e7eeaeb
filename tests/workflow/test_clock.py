"""workflow.clock: the stamps every service writes, and the one way (the demo loader's) to back-date them."""

import datetime as dt

import pytest
from django.utils import timezone

from grants import services
from grants.models import Payment
from tests import factories as f
from tests.helpers import force_state
from workflow import clock
from workflow.models import MoneyChange, TransitionLog


def test_services_stamp_the_clock_moment_inside_clock_at_and_the_real_time_outside(world):
    award = force_state(
        f.AwardFactory(programme=world.programme, recipient=world.partner_org, amount_awarded="20000"), "active"
    )
    then = timezone.make_aware(dt.datetime(2025, 10, 6, 11, 15))
    with clock.at(then):
        payment = services.payment_schedule(
            award=award, due_on=dt.date(2025, 10, 6), amount="5000", actor=world.manager
        )
        services.payment_approve(payment=payment, actor=world.manager)
        payment = services.payment_release(payment=payment, actor=world.manager, reference="BACS-1")
    assert payment.paid_on == dt.date(2025, 10, 6)
    assert TransitionLog.objects.get(transition="release", object_id=payment.pk).at == then
    assert MoneyChange.objects.get(field="amount", object_id=payment.pk).at == then

    before = timezone.now()
    later = services.payment_schedule(award=award, due_on=dt.date(2027, 1, 1), amount="100", actor=world.manager)
    services.payment_cancel(payment=later, actor=world.manager, note="Not needed")
    assert TransitionLog.objects.get(transition="cancel").at >= before
    assert Payment.objects.get(pk=later.pk).state == "cancelled"


def test_the_clock_needs_an_aware_moment_and_forgets_it_after_the_block():
    with pytest.raises(TypeError):
        with clock.at(dt.datetime(2025, 1, 1)):
            pass
    with clock.at(timezone.make_aware(dt.datetime(2025, 1, 1, 9))):
        assert clock.today() == dt.date(2025, 1, 1)
    assert clock.today() == timezone.localdate()
