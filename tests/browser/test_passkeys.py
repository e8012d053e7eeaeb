"""A programme manager in headless Chromium with a passkey (Chromium's own virtual authenticator, through
DevTools): adds it when first asked for a second factor, signs in with it, uses it for the fresh check before
approving money, removes it — the real browser script under the page's real content security policy."""

from decimal import Decimal

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from accounts.models import AuditEvent
from grants.models import Award
from tests import factories as f
from tests.helpers import force_state

from .conftest import assert_accessible, take_step
from .test_second_factor import _age_the_check, _password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _virtual_authenticator(page):
    """A platform authenticator that keeps passkeys and verifies its user (as a fingerprint would) at once."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    devtools.send("WebAuthn.addVirtualAuthenticator", {"options": options})


def test_a_passkey_from_set_up_to_approving_money_and_removal(browser_page, world, settings):
    settings.EXCHANGE_MFA_REQUIRED = ["administrator", "manager"]
    page = browser_page
    refused_scripts = []
    page.on("console", lambda m: refused_scripts.append(m.text) if "Content Security Policy" in m.text else None)
    _virtual_authenticator(page)
    award = force_state(
        f.AwardFactory(programme=world.programme, title="Phonics catch-up", amount_requested=Decimal("5000")),
        Award.State.IN_ASSESSMENT,
    )

    # Asked for a second factor at first sign-in, the manager adds a passkey instead of an app.
    _password(page, "manager")
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_role("heading", name="Your second factor")).to_be_visible()
    expect(page.locator("#passkeys")).to_contain_text("Passkey 1")
    assert WebAuthnCredential.objects.filter(user=world.manager).count() == 1
    assert_accessible(page, "passkey-1-added")
    page.get_by_role("button", name="Make new recovery codes").click()
    expect(page.locator("#recovery-codes code")).to_have_count(10)

    # Next time: the password, then the passkey.
    _password(page, "manager")
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    assert_accessible(page, "passkey-2-check")
    page.get_by_role("button", name="Use your passkey").click()
    page.wait_for_url(page.base + "/")

    # Half an hour later, approving money asks again; the passkey is the fresh check.
    _age_the_check(world.manager, 1800)
    page.goto(page.base + f"/awards/{award.pk}/")
    take_step(page, "Approve")
    expect(page.locator(".govuk-error-summary")).to_contain_text("needs a fresh check of your second factor")
    page.get_by_role("button", name="Use your passkey").click()
    page.wait_for_url(page.base + f"/awards/{award.pk}/")
    take_step(page, "Approve")
    award.refresh_from_db()
    assert award.state == Award.State.APPROVED

    # Removing it (the check is fresh) leaves the manager to set up a second factor again.
    page.goto(page.base + "/accounts/second-factor/")
    page.get_by_role("button", name="Remove Passkey 1").click()
    expect(page.get_by_text("The passkey is removed")).to_be_visible()
    assert not WebAuthnCredential.objects.filter(user=world.manager).exists()
    details = list(AuditEvent.objects.filter(actor=world.manager).values_list("detail", flat=True))
    assert {"Passkey added (Passkey 1)", "Checked with a passkey (Passkey 1)", "Passkey removed (Passkey 1)"} <= set(
        details
    )
    assert not refused_scripts, refused_scripts
