"""Warnings and refusals about when money moves: a payment due long before its award starts is refused, a
release before the due date needs a confirm (page tick, API `confirm_early`), and an update for a period
that has not begun cannot be started (so no results for it)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from grants import services as grant_services
from grants.models import Payment
from reporting import services
from workflow import clock
from workflow.errors import TransitionRefused

D = dt.date


def test_a_payment_cannot_be_due_before_its_award_starts(client, world, award):
    with pytest.raises(
        ValidationError, match="cannot be due on 14 May 2019, long before the award starts on 5 January 2026"
    ):
        grant_services.payment_schedule(award=award, due_on=D(2019, 5, 14), amount=Decimal("100"), actor=world.manager)
    client.force_login(world.manager)
    page = client.post(
        f"/awards/{award.pk}/payments/new/",
        {"due_on_day": "14", "due_on_month": "5", "due_on_year": "2019", "amount": "100"},
    )
    assert "long before the award starts on 5 January 2026" in page.content.decode()
    # an advance in the weeks before the start is usual; three months and more before it is not
    payment = grant_services.payment_schedule(award=award, due_on="2025-12-01", amount="100", actor=world.manager)
    with pytest.raises(ValidationError, match="at most three months before the start"):
        grant_services.payment_edit(payment=payment, actor=world.manager, due_on=D(2025, 10, 3))
    assert Payment.objects.get().due_on == D(2025, 12, 1)


def test_releasing_before_the_due_date_needs_a_confirm_on_the_page_and_the_api(client, world, award):
    later = clock.today() + dt.timedelta(days=60)
    payment = grant_services.payment_schedule(award=award, due_on=later, amount="1000", actor=world.manager)
    payment = grant_services.payment_transition(payment=payment, name="approve", actor=world.manager)
    client.force_login(world.manager)
    detail = client.get(f"/payments/{payment.pk}/").content.decode()
    assert "Releasing it now pays it early" in detail and 'name="confirm_early"' in detail
    refused = client.post(f"/payments/{payment.pk}/steps/release/", {"reference": "BACS-1"}, follow=True)
    assert "pays it early. Confirm that you mean to release it before it is due" in refused.content.decode()
    assert Payment.objects.get(pk=payment.pk).state == "approved"

    api = client.post(
        f"/api/v1/payments/{payment.pk}/release/", {"reference": "BACS-1"}, content_type="application/json"
    )
    assert api.status_code == 400 and "pays it early" in api.json()["confirm_early"][0]
    released = client.post(
        f"/api/v1/payments/{payment.pk}/release/",
        {"reference": "BACS-1", "confirm_early": True},
        content_type="application/json",
    )
    assert released.status_code == 200 and released.json()["state"] == "paid"


def test_the_page_releases_early_with_the_tick(client, world, award):
    later = clock.today() + dt.timedelta(days=10)
    payment = grant_services.payment_schedule(award=award, due_on=later, amount="1000", actor=world.manager)
    grant_services.payment_transition(payment=payment, name="approve", actor=world.manager)
    client.force_login(world.manager)
    client.post(f"/payments/{payment.pk}/steps/release/", {"reference": "BACS-2", "confirm_early": "on"})
    paid = Payment.objects.get(pk=payment.pk)
    assert (paid.state, paid.reference, paid.paid_on) == ("paid", "BACS-2", clock.today())


def test_no_update_and_so_no_results_for_a_period_not_yet_begun(world, award):
    future = D(2027, 1, 1)
    with pytest.raises(TransitionRefused):
        services.update_start(actor=world.partner, award=award, period_start=future, period_end=D(2027, 3, 31))
