"""The money pages (budget lines, budget against actual, variations, payment runs, years) pass axe-core,
and a manager releases a payment with its paid-on date and reference in the browser."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from grants import services
from grants.models import Payment
from grants.money import services as money
from tests import factories as f
from tests.grants.money_helpers import approved_award, categories, paid_ready

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def money_data(world):
    staffing, cover, training = categories(world.programme, world.manager)
    award = approved_award(world, lines=[(staffing, 1, Decimal("6000")), (cover, 2, Decimal("4000"))])
    update = f.ProgressUpdateFactory(award=award, author=world.partner)
    from reporting import services as reporting

    reporting.update_edit(
        update=update, actor=world.partner, progress="Going well", spend_lines=[(staffing, Decimal("6800"))]
    )
    reporting.update_transition(update=update, name="submit", actor=world.partner)
    reporting.update_transition(update=update, name="accept", actor=world.manager)
    variation = money.variation_request(
        award=award,
        actor=world.partner,
        kind="amount",
        reason="More schools",
        amount_change=Decimal("500"),
        lines=[(staffing, 1, Decimal("500"))],
    )
    sent = paid_ready(world, award, due_on=dt.date(2026, 4, 1), amount="1000.00")
    run = money.payment_run_export(actor=world.manager, organisation=world.central, due_by=dt.date(2026, 4, 1))
    to_release = paid_ready(world, award, due_on=dt.date(2026, 5, 1), amount="2000.00")
    draft = services.award_create(
        actor=world.partner,
        programme=world.programme,
        recipient=world.partner_org,
        title="Draft bid",
        amount_requested=Decimal("100"),
        planned_start=dt.date(2026, 9, 1),
        planned_end=dt.date(2028, 7, 31),
    )
    return {"award": award, "variation": variation, "run": run, "sent": sent, "to_release": to_release, "draft": draft}


def test_money_pages_are_accessible_and_a_payment_is_released_with_its_reference(browser_page, world, money_data):
    page = browser_page
    sign_in(page, "manager")
    award, variation, run = money_data["award"], money_data["variation"], money_data["run"]
    pages = {
        "budget-lines": f"/programmes/{world.programme.pk}/budget-lines/",
        "award-with-budget": f"/awards/{award.pk}/",
        "budget-against-actual": f"/budget/programme/{world.programme.pk}/",
        "variation-form": f"/awards/{award.pk}/variations/new/",
        "variation": f"/variations/{variation.pk}/",
        "payment-runs": "/payments/runs/",
        "payment-run": f"/payments/runs/{run.pk}/",
        "money-by-year": "/money/years/?year=school",
        "budget-form": f"/awards/{money_data['draft'].pk}/budget/",
    }
    for name, path in pages.items():
        page.goto(page.base + path)
        assert page.locator("h1").count() == 1, name
        assert_accessible(page, name)

    page.goto(page.base + f"/payments/{money_data['to_release'].pk}/")
    assert_accessible(page, "payment-release")
    page.locator("#release-paid-on-day").fill("2")
    page.locator("#release-paid-on-month").fill("5")
    page.locator("#release-paid-on-year").fill("2026")
    page.locator("#release-reference").fill("BACS-2231")
    page.get_by_role("button", name="Release (mark paid)").click()
    expect(page.locator(".govuk-notification-banner, .govuk-error-summary").first).to_be_visible()
    payment = Payment.objects.get(pk=money_data["to_release"].pk)
    assert (payment.state, payment.paid_on, payment.reference) == ("paid", dt.date(2026, 5, 2), "BACS-2231")

    page.goto(page.base + f"/awards/{award.pk}/variations/new/")
    page.get_by_role("button", name="Ask for the variation").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, "variation-form-errors")
