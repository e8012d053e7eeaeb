"""Progress update pages in a real browser: axe-core finds no serious or critical problem, and a
partner can write and submit an update that a manager then accepts."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from grants import services as grant_services
from partnerships.models import PartnershipMember
from reporting import services
from reporting.models import ProgressUpdate
from tests import factories as f

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def award(world):
    today = dt.date.today()
    PartnershipMember.objects.create(partnership=world.partnership, organisation=world.partner_org)
    award = f.AwardFactory(
        programme=world.programme,
        recipient=world.partner_org,
        partnership=world.partnership,
        amount_requested=Decimal("40000"),
        planned_start=today - dt.timedelta(days=200),
        planned_end=today + dt.timedelta(days=200),
        reporting_frequency="quarterly",
    )
    f.IndicatorFactory(award=award, name="Children reached", unit="children", breakdowns="Primary, Secondary")
    f.IndicatorFactory(award=award, name="Attendance", unit="%", target=Decimal("95"), cumulative=False)
    award = grant_services.award_transition(award=award, name="submit", actor=world.partner)
    for name in ("start_assessment", "approve", "activate"):
        award = grant_services.award_transition(award=award, name=name, actor=world.manager)
    return award


def test_partner_writes_and_submits_an_update_and_the_manager_accepts(browser_page, world, award):
    page = browser_page
    sign_in(page, "partner")
    page.goto(page.base + "/updates/")
    assert_accessible(page, "updates-due")
    page.get_by_role("button", name="Start update").first.click()
    assert_accessible(page, "update-form")
    page.get_by_label("Progress made").fill("Eight peer reviews across Walsall.")
    page.get_by_label("Children reached (children)").fill("many")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert page.get_by_label("Progress made").input_value() == "Eight peer reviews across Walsall."
    assert_accessible(page, "update-form-errors")
    page.get_by_label("Children reached (children)").fill("120")
    page.get_by_label("Attendance (%)").fill("93.5")
    page.get_by_role("button", name="Save", exact=True).click()
    assert_accessible(page, "update-detail")
    page.locator("form", has=page.get_by_role("button", name="Submit", exact=True)).get_by_role(
        "button", name="Submit", exact=True
    ).click()
    update = ProgressUpdate.objects.get(award=award)
    assert update.state == "submitted"

    sign_in(page, "manager")
    for name, path in {
        "review-queue": "/updates/review/",
        "overdue": "/updates/overdue/",
        "schedule": f"/updates/schedule/award/{award.pk}/",
        "what-works": "/updates/what-works/",
        "update-review": f"/updates/{update.pk}/",
    }.items():
        page.goto(page.base + path)
        assert page.locator("h1").count() == 1, name
        assert_accessible(page, name)
    services.update_accept(update=update, actor=world.manager)
    update.refresh_from_db()
    assert update.state == "accepted"


def test_evaluation_page_is_accessible(browser_page, world, award):
    services.evaluation_begin(actor=world.manager, award=award)
    page = browser_page
    sign_in(page, "manager")
    page.goto(page.base + f"/updates/evaluation/award/{award.pk}/")
    assert_accessible(page, "evaluation-form")
    page.get_by_role("button", name="Save and mark complete").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, "evaluation-form-errors")
