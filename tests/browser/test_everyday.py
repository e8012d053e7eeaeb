"""A working day for each role on a phone (390 px wide), in headless Chromium with axe-core: the inbox
first, then the thing waiting; the calendar feed; a list downloaded; a date typed wrong and put right."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from reporting.models import ProgressUpdate
from tests.inbox.conftest import build_due_world

from .conftest import PASSWORD, assert_accessible, fill_date, no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def due(world):
    return build_due_world(world, timezone.localdate())


def sign_in(page, username):
    page.context.clear_cookies()
    page.goto(page.base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(page.base + "/")


def test_manager_works_through_the_inbox_on_a_phone(phone, world, due):
    page = phone
    sign_in(page, "manager")
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    assert_accessible(page, "everyday-manager-dashboard-phone")
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Inbox", exact=True).click()
    expect(page.get_by_role("heading", name="Your inbox")).to_be_visible()
    no_sideways_scroll(page)
    assert_accessible(page, "everyday-manager-inbox-phone")
    review = page.locator("#updates_to_review")
    expect(review.locator(".govuk-tag").first).to_have_text("1")
    review.get_by_role("link", name="Review the update for").click()
    expect(page.get_by_role("heading", name="Progress update")).to_be_visible()
    form = page.locator("form.exchange-step", has=page.get_by_role("button", name="Accept", exact=True)).first
    form.get_by_role("button", name="Accept", exact=True).click()
    page.wait_for_load_state()
    due.updates["submitted"].refresh_from_db()
    assert due.updates["submitted"].state == ProgressUpdate.State.ACCEPTED
    page.goto(page.base + "/inbox/")
    expect(page.locator("#updates_to_review .govuk-tag").first).to_have_text("0")

    # A payment date typed wrong comes back with the reason and what was typed; then put right.
    page.goto(page.base + f"/awards/{due.awards['later'].pk}/payments/new/")
    fill_date(page, "Due on", "2027-02-31")
    page.get_by_label("Amount (£)").fill("£1,250")
    page.get_by_role("button", name="Schedule payment", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("31/2/2027 is not a real date")
    expect(page.get_by_label("Amount (£)")).to_have_value("£1,250")
    assert_accessible(page, "everyday-manager-date-error-phone")
    page.locator(".govuk-error-summary a").first.click()
    expect(page.get_by_role("group", name="Due on").get_by_label("Day")).to_be_focused()
    fill_date(page, "Due on", "2027-02-28")
    page.get_by_role("button", name="Schedule payment", exact=True).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("£1,250.00 is scheduled for 28 February 2027")


def test_partner_sees_what_to_write_and_subscribes_to_the_calendar(phone, world, due):
    page = phone
    sign_in(page, "partner")
    page.goto(page.base + "/inbox/")
    write = page.locator("#reports_to_write")
    expect(write.locator(".govuk-tag").first).to_have_text("3")
    expect(write).to_contain_text("6 days late")
    assert_accessible(page, "everyday-partner-inbox-phone")
    page.get_by_role("link", name="Put your due dates in your calendar").click()
    url = page.get_by_label("Calendar feed address").input_value()
    assert_accessible(page, "everyday-partner-account-phone")
    feed = page.request.get(url)
    assert feed.status == 200
    events = [str(e["summary"]) for e in Calendar.from_ical(feed.body()).walk("VEVENT")]
    assert f"Progress update due: {due.awards['soon'].identifier}, Whole period" in events
    page.get_by_role("button", name="Get a new calendar address").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The old address no longer works")
    assert page.request.get(url).status == 404


def test_funder_downloads_the_payments_list_on_a_phone(phone, world, due):
    page = phone
    sign_in(page, "funder")
    page.goto(page.base + "/inbox/")
    expect(page.locator("#payments_due_on_your_awards")).to_contain_text("£1,500.00")
    assert_accessible(page, "everyday-funder-inbox-phone")
    page.goto(page.base + "/payments/?when=overdue")
    no_sideways_scroll(page)
    assert_accessible(page, "everyday-funder-payments-phone")
    link = page.get_by_role("link", name="CSV file of payments")
    response = page.request.get(page.url.split("?")[0] + link.get_attribute("href"))  # the list, as filtered
    assert response.status == 200 and "1500.00" in response.text() and "£400" not in response.text()


def test_administrator_inbox_and_account_on_a_phone(phone, world, due):
    page = phone
    sign_in(page, world.admin.username)
    page.goto(page.base + "/inbox/")
    expect(page.locator("#reports_overdue .govuk-tag").first).to_have_text("3")  # both programmes
    assert_accessible(page, "everyday-admin-inbox-phone")
    page.goto(page.base + "/account/")  # the old address: the one account page, with the calendar feed
    assert page.url.endswith("/accounts/me/")
    expect(page.locator("#calendar-feed-url")).to_have_value(re.compile(r"/calendar/.+\.ics$"))
    assert_accessible(page, "everyday-admin-account-phone")
    assert dt.date.today().year > 2000
