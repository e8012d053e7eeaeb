"""Finding 11: at phone width (390 px) GOV.UK Frontend starts (the CSP lets its inline scripts run), so
the service navigation collapses behind a Menu button that opens it, and the page does not scroll sideways."""

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_menu_button_appears_and_works_at_phone_width(chromium, live_server, world):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username").fill(world.manager.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(live_server.url + "/")
        expect(page.locator("body.govuk-frontend-supported")).to_have_count(1)
        menu = page.get_by_role("button", name="Menu")
        expect(menu).to_be_visible()
        awards = page.get_by_role("link", name="Awards", exact=True)
        expect(awards).to_be_hidden()
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        expect(awards).to_be_visible()
        screenshot(page, "phone-menu-open")
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"the page scrolls sideways: {width}"
        assert not refused, refused
    finally:
        context.close()
