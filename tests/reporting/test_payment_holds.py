"""A payment can be held on any due period of its award's reporting schedule, started or not: the hold
names the period, the update is linked once the partner starts it, and release waits for it to be accepted."""

import datetime as dt
from decimal import Decimal

import pytest

from grants import services as grant_services
from grants.models import Payment
from reporting import services
from tests import factories as f
from workflow.errors import TransitionRefused

from .conftest import start, walk_award

D = dt.date


def test_the_form_offers_every_period_and_release_waits_for_a_period_not_yet_started(client, world, award):
    client.force_login(world.manager)
    form = client.get(f"/awards/{award.pk}/payments/new/").content.decode()
    for words in (
        "Spring term 2026",
        "Summer term 2026",
        "Autumn term 2026 (1 September to 18 December 2026), due 1 January 2027 (final)",
    ):
        assert words in form
    assert form.count("not started yet") == 3  # nothing started: every period is still offered
    response = client.post(
        f"/awards/{award.pk}/payments/new/",
        {
            "due_on_day": "30",
            "due_on_month": "9",
            "due_on_year": "2026",
            "amount": "10,000",
            "gated_on_period_end": "2026-08-31",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    payment = Payment.objects.get(award=award)
    assert (payment.gated_on_period_end, payment.gated_on_update) == (D(2026, 8, 31), None)
    detail = client.get(f"/payments/{payment.pk}/").content.decode()
    assert "the period ending 31 August 2026 is accepted (not started yet)" in detail

    with pytest.raises(TransitionRefused, match="period ending 31 August 2026 is accepted .it has not been started"):
        grant_services.payment_transition(payment=payment, name="approve", actor=world.manager)

    update = start(award, world, D(2026, 4, 1), D(2026, 8, 31))  # the partner starts that period's update
    payment.refresh_from_db()
    assert payment.gated_on_update == update
    with pytest.raises(TransitionRefused, match="is accepted .it is draft"):
        grant_services.payment_transition(payment=payment, name="approve", actor=world.manager)
    services.update_submit(update=update, actor=world.partner)
    services.update_accept(update=update, actor=world.manager)
    approved = grant_services.payment_transition(payment=payment, name="approve", actor=world.manager)
    assert approved.state == "approved"


def test_an_update_for_another_period_does_not_open_the_hold(world, award):
    payment = grant_services.payment_schedule(
        award=award,
        due_on=D(2026, 9, 30),
        amount=Decimal("5000"),
        actor=world.manager,
        gated_on_period_end=D(2026, 8, 31),
    )
    spring = start(award, world, D(2026, 1, 5), D(2026, 3, 31))
    services.update_submit(update=spring, actor=world.partner)
    services.update_accept(update=spring, actor=world.manager)
    with pytest.raises(TransitionRefused, match="held until"):
        grant_services.payment_transition(payment=payment, name="approve", actor=world.manager)


def test_a_future_award_can_be_held_on_its_later_periods_and_not_on_made_up_ones(client, world):
    future = f.AwardFactory(
        programme=world.programme,
        recipient=world.partner_org,
        partnership=world.partnership,
        amount_requested=Decimal("20000.00"),
        planned_start=D(2027, 9, 1),
        planned_end=D(2028, 7, 21),
        reporting_frequency="termly",
    )
    future = walk_award(future, world)
    payment = grant_services.payment_schedule(
        award=future,
        due_on=D(2028, 5, 1),
        amount=Decimal("5000"),
        actor=world.manager,
        gated_on_period_end=D(2028, 3, 31),
    )
    assert payment.gated_on_period_end == D(2028, 3, 31)
    client.force_login(world.manager)
    made_up = client.patch(
        f"/api/v1/payments/{payment.pk}/", {"gated_on_period_end": "2028-02-14"}, content_type="application/json"
    )
    assert made_up.status_code == 400
    assert "Choose one of the reporting periods" in made_up.content.decode()
    released = client.patch(
        f"/api/v1/payments/{payment.pk}/", {"gated_on_period_end": None}, content_type="application/json"
    )
    assert released.status_code == 200 and released.json()["gated_on_period_end"] is None
