"""Headless Chromium (Debian's package) driven by Playwright against pytest-django's live server.

The tests skip, with the reason, where /usr/bin/chromium or the npm packages are missing — unless
EXCHANGE_REQUIRE_BROWSER=1 (as .ci/run sets it), when that is a failure instead.
"""

import json
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("EXCHANGE_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
GOVUK_CSS = ROOT / "static" / "govuk" / "govuk-frontend.min.css"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "exchange-test"  # tests/factories.py UserFactory


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"needs Debian's chromium at {CHROMIUM} (apt-get install -y chromium)"
    if not AXE.exists() or not GOVUK_CSS.exists():
        return "needs the npm assets: run `make assets` (npm ci and static/govuk/)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "needs the playwright Python package (pip install -r requirements.txt)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _missing()
    if reason is None:
        return
    if os.environ.get("EXCHANGE_REQUIRE_BROWSER"):
        raise pytest.UsageError(f"EXCHANGE_REQUIRE_BROWSER is set but the browser tests cannot run: {reason}")
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="package")
def chromium():
    """One browser for the package. Playwright's sync API keeps an event loop in this thread while it
    lives, so Django's ORM calls from tests (and their database teardown) are declared safe for exactly
    that time; the variable is gone before other tests (or `manage.py check --deploy`) run."""
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_page(chromium, live_server):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.base = live_server.url
    yield page
    context.close()


def sign_in(page, username: str):
    page.context.clear_cookies()
    page.goto(page.base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(page.base + "/")


def take_step(page, label: str, note: str = ""):
    """Press a step's button on a detail page, writing the note first (works without JavaScript)."""
    exact = re.compile(rf"^\s*{re.escape(label)}\s*$")
    form = page.locator("form.exchange-step", has=page.locator("button", has_text=exact)).first
    details = form.locator("details")
    if note or not form.get_by_role("button", name=label, exact=True).is_visible():
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        if note:
            form.locator("textarea").fill(note)
    form.get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state()


def screenshot(page, name: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def serious_violations(page) -> list[dict]:
    """axe-core run in the page; the violations of serious or critical impact."""
    # Evaluated through DevTools, which the page's content security policy does not govern (an injected
    # <script> tag would be refused, as it should be); the pages keep their real CSP under test.
    page.evaluate("source => { (0, eval)(source); }", AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def assert_accessible(page, name: str):
    screenshot(page, name)
    problems = serious_violations(page)
    assert not problems, f"{name}: " + json.dumps(problems, indent=2)


def fill_date(page, legend: str, iso: str):
    """Type a date into GOV.UK's day, month and year boxes under the fieldset `legend`."""
    year, month, day = iso.split("-")
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(int(day)))
    group.get_by_label("Month").fill(str(int(month)))
    group.get_by_label("Year").fill(year)


PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(chromium, live_server):
    """A page 390 px wide, as on a phone."""
    context = chromium.new_context(viewport=PHONE, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.base = live_server.url
    yield page
    context.close()


# The innermost elements reaching past the right edge of the window: what makes a page scroll sideways.
_TOO_WIDE = """() => [...document.body.querySelectorAll('*')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
            && ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 5)
  .map(e => `${e.tagName.toLowerCase()}#${e.id}.${[...e.classList].join('.')} (right edge ${
               Math.round(e.getBoundingClientRect().right)})`)"""


def no_sideways_scroll(page):
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width}; too wide: {page.evaluate(_TOO_WIDE)}"


def assert_fits_a_phone(page, name: str):
    """One heading 1, no scrolling sideways, and axe-core finds nothing serious."""
    assert page.locator("h1").count() == 1, f"{name}: {page.locator('h1').count()} h1 on {page.url}"
    no_sideways_scroll(page)
    assert_accessible(page, name)
