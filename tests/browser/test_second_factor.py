"""A programme manager in headless Chromium: sets up an authenticator app from the page's key, keeps the
recovery codes, signs in again with one, and is asked again before approving money once the check is old."""

import base64
import time
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts import mfa
from accounts.models import AuditEvent
from grants.models import Award
from tests import factories as f
from tests.accounts.mfa_helpers import app_code
from tests.helpers import force_state

from .conftest import PASSWORD, assert_accessible, take_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code_from_key(key_text: str) -> str:
    """What a phone shows for the key typed in from the page."""
    key = key_text.replace(" ", "")
    key += "=" * (-len(key) % 8)
    totp = TOTP(base64.b32decode(key), 30, 0, 6, 0)
    totp.time = time.time()
    return f"{totp.token():06d}"


def _password(page, username):
    page.context.clear_cookies()
    page.goto(page.base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()


def _age_the_check(user, seconds):
    for session in Session.objects.all():
        data = session.get_decoded()
        if data.get("_auth_user_id") == str(user.pk) and mfa.SESSION_VERIFIED_AT in data:
            data[mfa.SESSION_VERIFIED_AT] -= seconds
            Session.objects.save(session.session_key, data, session.expire_date)


def test_authenticator_app_and_recovery_codes_end_to_end(browser_page, world, settings):
    settings.EXCHANGE_MFA_REQUIRED = ["administrator", "manager"]
    page = browser_page
    award = force_state(
        f.AwardFactory(programme=world.programme, title="Maths mastery hubs", amount_requested=Decimal("6000")),
        Award.State.IN_ASSESSMENT,
    )

    # Signing in with the password leads straight to setting up an app: nothing else opens first.
    _password(page, "manager")
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    page.goto(page.base + "/awards/")
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    assert_accessible(page, "mfa-1-set-up")
    key = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code", exact=True).fill("000000")
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("That code is not right")
    page.wait_for_timeout(1100)  # django-otp makes you wait a second after a wrong code
    page.get_by_label("Code", exact=True).fill(_code_from_key(key))
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_role("heading", name="Authenticator app set up")).to_be_visible()
    codes = [c.strip() for c in page.locator("#recovery-codes code").all_inner_texts()]
    assert len(codes) == mfa.RECOVERY_CODES
    assert_accessible(page, "mfa-2-recovery-codes")
    page.get_by_role("link", name="I have kept my codes: continue").click()
    expect(page.get_by_role("heading", name="Awards")).to_be_visible()

    # Next time: the password, then a recovery code (the phone is at home); the same code fails a second time.
    _password(page, "manager")
    expect(page.get_by_role("heading", name="Enter a code from your authenticator app")).to_be_visible()
    assert_accessible(page, "mfa-3-check")
    page.get_by_label("Code", exact=True).fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(page.base + "/")
    _password(page, "manager")
    page.get_by_label("Code", exact=True).fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("That code is not right")
    device = TOTPDevice.objects.get(user=world.manager, confirmed=True)
    page.get_by_label("Code", exact=True).fill(app_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(page.base + "/")

    # Half an hour later, approving money asks for a fresh code, then the step goes through.
    _age_the_check(world.manager, 1800)
    page.goto(page.base + f"/awards/{award.pk}/")
    take_step(page, "Approve")
    expect(page.get_by_role("heading", name="Enter a code from your authenticator app")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text("needs a fresh check of your second factor")
    award.refresh_from_db()
    assert award.state == Award.State.IN_ASSESSMENT
    page.get_by_label("Code", exact=True).fill(app_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(page.base + f"/awards/{award.pk}/")
    take_step(page, "Approve")
    expect(page.locator(".govuk-tag", has_text="Approved").first).to_be_visible()
    award.refresh_from_db()
    assert award.state == Award.State.APPROVED
    details = list(AuditEvent.objects.filter(actor=world.manager).values_list("detail", flat=True))
    assert "Authenticator app set up" in details
    assert any(d.startswith("Checked with a recovery code (9 left)") for d in details)
    assert "Wrong code" in details


def test_personal_data_and_sign_in_pages_are_accessible(browser_page, world, settings):
    from accounts.models import MembershipRequest, OrganisationEmailDomain
    from config.settings import oidc_apps

    page = browser_page
    settings.SOCIALACCOUNT_PROVIDERS = oidc_apps(
        [{"id": "entra", "name": "Microsoft", "server_url": "http://127.0.0.1:9/", "client_id": "x", "secret": "y"}]
    )
    page.goto(page.base + "/accounts/login/")
    expect(page.get_by_role("button", name="Sign in with Microsoft")).to_be_visible()
    assert_accessible(page, "sign-in-with-sso")
    for name, url in {"privacy": "/privacy/", "accessibility-statement": "/accessibility/"}.items():
        page.goto(page.base + url)
        assert_accessible(page, name)
    OrganisationEmailDomain.objects.create(organisation=world.central, domain="alliance.example")
    newcomer = f.UserFactory(username="newcomer", email="new@alliance.example")
    MembershipRequest.objects.create(user=newcomer, organisation=world.central)
    _password(page, "manager")
    for name, url in {"your-account": "/accounts/me/", "your-data": "/accounts/me/data/"}.items():
        page.goto(page.base + url)
        assert_accessible(page, name)
    page.goto(page.base + "/accounts/requests/")
    expect(page.get_by_text("new@alliance.example")).to_be_visible()
    assert_accessible(page, "membership-requests")
    with page.expect_download() as download:
        page.goto(page.base + "/accounts/me/data/")
        page.get_by_role("button", name="Download your data").click()
    assert download.value.suggested_filename.startswith("exchange-personal-data-manager-")
