"""In the browser: a partner proposes an indicator with the application, a manager checks, changes and
confirms it, and a partner chooses how reminders reach them (GOV.UK forms, axe-core on each page)."""

import pytest
from playwright.sync_api import expect

from reporting.models import Indicator
from tests import factories as f

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partner_proposes_and_manager_confirms_an_indicator(browser_page, world):
    page = browser_page
    award = f.AwardFactory(programme=world.programme, recipient=world.partner_org, partnership=world.partnership)
    sign_in(page, "partner")
    page.goto(page.base + f"/awards/{award.pk}/")
    page.get_by_role("link", name="Indicators: what this award measures").click()
    expect(page.get_by_role("heading", name="Propose an indicator")).to_be_visible()
    page.get_by_label("What is measured").fill("Pupils reading at the expected standard")
    page.get_by_label("Unit").fill("pupils")
    page.get_by_label("Baseline (optional)").fill("1,200")
    page.get_by_label("Target").fill("1,450")
    page.get_by_label("The latest period counts (attendance %)").check()
    page.get_by_label("Breakdowns (optional)").fill("Disadvantaged pupils, SEND, EAL")
    assert_accessible(page, "indicators-partner-proposes")
    page.get_by_role("button", name="Propose indicator").click()
    expect(page.get_by_text("proposed: a programme manager will confirm it")).to_be_visible()
    expect(page.locator("table")).to_contain_text("Broken down by Disadvantaged pupils, SEND, EAL")

    sign_in(page, "manager")
    page.goto(page.base + f"/updates/indicators/award/{award.pk}/")
    page.get_by_role("link", name="Check and confirm").click()
    expect(
        page.get_by_role("heading", name="Check and confirm “Pupils reading at the expected standard”")
    ).to_be_visible()
    page.get_by_label("Target").fill("1,500")
    assert_accessible(page, "indicators-manager-confirms")
    page.get_by_role("button", name="Save and confirm").click()
    expect(page.get_by_text("confirmed.")).to_be_visible()
    indicator = Indicator.objects.get(award=award)
    assert (indicator.state, str(indicator.target)) == ("confirmed", "1500.00")


def test_partner_chooses_how_reminders_reach_them(browser_page, world):
    page = browser_page
    sign_in(page, "partner")
    page.goto(page.base + "/accounts/me/")
    page.get_by_role("link", name="Choose how you get reminders").click()
    assert_accessible(page, "notifications-choices")
    page.get_by_role("group", name="Due soon (to partner)").get_by_label("No email: only in my inbox").check()
    page.get_by_role("group", name="Overdue (to partner)").get_by_label("One email a day").check()
    page.get_by_role("button", name="Save choices").click()
    expect(page.get_by_text("Your reminder choices are saved.")).to_be_visible()
    assert page.url.endswith("/accounts/me/#notifications")
