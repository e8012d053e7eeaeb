"""Passkeys as a second factor: added on the second-factor page, used at sign-in and for the fresh check before
money moves, removed; every step in the audit log. A software passkey (a real P-256 key pair) answers the server,
and py_webauthn checks every answer for real."""

import json
import re
import time
from decimal import Decimal

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from accounts import mfa, personal_data
from accounts.models import AuditEvent
from grants.models import Award
from tests import factories as f
from tests.browser.conftest import PASSWORD
from tests.helpers import force_state

from .mfa_helpers import app_code, give_app
from .passkey_helpers import CHECK, SoftPasskey, add_passkey, check_with_passkey


@pytest.fixture
def required(settings):
    settings.EXCHANGE_MFA_REQUIRED = ["administrator", "manager"]
    settings.EXCHANGE_MFA_MONEY_MAX_AGE = 900


def _sign_in(client, username="manager"):
    assert client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302


def _events(kind, user):
    return list(AuditEvent.objects.filter(kind=kind, actor=user).order_by("id").values_list("detail", flat=True))


@pytest.fixture
def manager_with_passkey(world, client, required):
    """The manager signs in, is sent to set up a second factor, and adds a passkey there (their first factor)."""
    _sign_in(client)
    assert client.get("/")["Location"].startswith("/accounts/second-factor/?next=")
    passkey = SoftPasskey()
    added = add_passkey(client, passkey)
    assert added.status_code == 200, added.content
    assert added.json()["redirect_url"] == "/accounts/second-factor/"
    client.logout()
    return passkey


def test_a_passkey_added_at_set_up_is_asked_for_at_the_next_sign_in(world, client, manager_with_passkey):
    stored = WebAuthnCredential.objects.get(user=world.manager)
    assert stored.name == "Passkey 1" and stored.sign_count == 0
    assert _events(AuditEvent.Kind.SECOND_FACTOR, world.manager) == ["Passkey added (Passkey 1)"]
    _sign_in(client)
    sent = client.get("/awards/")
    assert sent["Location"] == "/accounts/second-factor/check/?next=%2Fawards%2F"
    page = client.get(sent["Location"]).content.decode()
    assert "Use your passkey" in page and "Or enter one of your recovery codes" in page
    done = check_with_passkey(client, manager_with_passkey, next_url="/awards/")
    assert done.status_code == 200 and done.json()["redirect_url"] == "/awards/"
    assert client.get("/awards/").status_code == 200
    stored.refresh_from_db()
    assert stored.sign_count == 1 and stored.last_used_at is not None
    assert _events(AuditEvent.Kind.SECOND_FACTOR, world.manager)[-1] == "Checked with a passkey (Passkey 1)"


def test_the_check_page_has_no_inline_script(world, client, manager_with_passkey):
    """The content security policy allows only scripts from files (or with the page's nonce)."""
    _sign_in(client)
    page = client.get("/accounts/second-factor/check/?next=/")
    scripts = re.findall(r"<script([^>]*)>", page.content.decode())
    assert any("otp_webauthn_auth.js" in s for s in scripts) and any("js/passkeys.js" in s for s in scripts)
    for attributes in scripts:
        assert "src=" in attributes or 'type="application/json"' in attributes or "nonce=" in attributes
    assert "script-src 'self'" in page["Content-Security-Policy"]


@pytest.mark.parametrize(
    "tamper, refused_as",
    [
        ({"origin": "https://exchange-login.example"}, 422),  # a phishing site's page
        ({"rp_id": "exchange-login.example"}, 422),  # a passkey made for another site
    ],
)
def test_a_passkey_answer_for_another_site_is_refused(world, client, manager_with_passkey, tamper, refused_as):
    _sign_in(client)
    refused = check_with_passkey(client, manager_with_passkey, **tamper)
    assert refused.status_code == refused_as
    assert client.get("/awards/").status_code == 302, "still asked for the check"
    assert _events(AuditEvent.Kind.SECOND_FACTOR_FAILED, world.manager)[-1].startswith("Passkey check refused")


def test_a_forged_signature_and_a_replayed_answer_are_refused(world, client, manager_with_passkey):
    _sign_in(client)
    options = client.post(f"{CHECK}begin/").json()
    answer = manager_with_passkey.assert_(options)
    forged = json.loads(json.dumps(answer))
    impostor = SoftPasskey(credential_id=manager_with_passkey.credential_id)  # the same id, another key
    forged["response"]["signature"] = impostor.assert_(options)["response"]["signature"]
    assert client.post(f"{CHECK}complete/", forged, content_type="application/json").status_code == 422
    # the challenge was used up by the refused answer: the genuine one, sent now, is a replay
    replay = client.post(f"{CHECK}complete/", answer, content_type="application/json")
    assert replay.status_code == 400 and "begin the operation first" in replay.json()["detail"]
    assert client.get("/awards/").status_code == 302


def test_another_persons_passkey_does_not_pass_your_check(world, client, manager_with_passkey):
    _sign_in(client, "manager_b")
    assert add_passkey(client, SoftPasskey()).status_code == 200
    client.logout()
    _sign_in(client, "manager_b")
    options = client.post(f"{CHECK}begin/").json()
    theirs = manager_with_passkey.assert_(options, offered_only=False)
    refused = client.post(f"{CHECK}complete/", theirs, content_type="application/json")
    assert refused.status_code == 403 and "does not belong" in refused.json()["detail"]
    assert client.get("/awards/").status_code == 302


def test_a_person_with_no_passkey_is_told_to_use_a_code(world, client, required):
    give_app(world.manager)
    _sign_in(client)
    begin = client.post(f"{CHECK}begin/")
    assert begin.status_code == 404 and "no passkey" in begin.json()["detail"]


def test_no_one_signs_in_with_a_passkey_alone(world, client, manager_with_passkey):
    refused = client.post(f"{CHECK}begin/")
    assert refused.status_code == 403 and "Sign in with your password first" in refused.json()["detail"]


def test_bad_input_is_a_clear_refusal_not_an_error(world, client, manager_with_passkey):
    _sign_in(client)
    client.post(f"{CHECK}begin/")
    for body in ("not json", "[1, 2]", json.dumps({"id": "x"})):
        answer = client.post(f"{CHECK}complete/", body, content_type="application/json")
        assert answer.status_code in {400, 422}, (body, answer.status_code)
        assert answer.json()["detail"]
        client.post(f"{CHECK}begin/")


def test_a_passkey_is_the_fresh_check_before_money_moves(world, client, manager_with_passkey):
    award = force_state(
        f.AwardFactory(programme=world.programme, amount_requested=Decimal("8000")), Award.State.IN_ASSESSMENT
    )
    _sign_in(client)
    check_with_passkey(client, manager_with_passkey)
    session = client.session
    session[mfa.SESSION_VERIFIED_AT] = time.time() - 901
    session.save()
    refused = client.post(f"/awards/{award.pk}/steps/approve/", HTTP_REFERER=f"http://testserver/awards/{award.pk}/")
    assert refused["Location"].startswith("/accounts/second-factor/check/")
    award.refresh_from_db()
    assert award.state == Award.State.IN_ASSESSMENT
    assert check_with_passkey(client, manager_with_passkey, next_url=f"/awards/{award.pk}/").status_code == 200
    client.post(f"/awards/{award.pk}/steps/approve/")
    award.refresh_from_db()
    assert award.state == Award.State.APPROVED


def test_adding_a_passkey_beside_an_app_needs_a_fresh_check(world, client, required):
    device = give_app(world.manager)
    _sign_in(client)
    client.post("/accounts/second-factor/check/", {"code": app_code(device), "next": "/"})
    session = client.session
    session[mfa.SESSION_VERIFIED_AT] = time.time() - 901
    session.save()
    assert "Confirm it is you</a> to add a passkey" in client.get("/accounts/second-factor/").content.decode()
    refused = client.post("/accounts/second-factor/passkeys/add/begin/")
    assert refused.status_code == 403 and "Confirm it is you" in refused.json()["detail"]
    client.post("/accounts/second-factor/check/", {"code": app_code(device), "next": "/"})
    page = client.get("/accounts/second-factor/").content.decode()
    assert 'id="passkey-registration-available-template"' in page
    assert add_passkey(client, SoftPasskey()).status_code == 200
    assert add_passkey(client, SoftPasskey()).status_code == 200
    first = WebAuthnCredential.objects.get(user=world.manager, name="Passkey 1")
    client.post("/accounts/second-factor/", {"action": "remove_passkey", "passkey": first.pk})
    assert add_passkey(client, SoftPasskey()).status_code == 200
    names = WebAuthnCredential.objects.filter(user=world.manager).values_list("name", flat=True)
    assert sorted(names) == ["Passkey 2", "Passkey 3"], "a name is never given twice"
    assert mfa.app_device(world.manager) is not None, "the app stays beside them"


def test_removing_a_passkey_needs_a_fresh_check_and_only_removes_your_own(world, client, manager_with_passkey):
    stored = WebAuthnCredential.objects.get(user=world.manager)
    _sign_in(client)
    check_with_passkey(client, manager_with_passkey)
    page = client.get("/accounts/second-factor/").content.decode()
    assert "Passkey 1" in page and "You have no recovery codes" in page
    codes = client.post("/accounts/second-factor/", {"action": "codes"})
    recovery = re.findall(r"<code>([a-z0-9]+)</code>", codes.content.decode())
    assert len(recovery) == 10
    someone_else = WebAuthnCredential.objects.create(user=world.partner, name="Theirs", credential_id=b"x" * 16)
    client.post("/accounts/second-factor/", {"action": "remove_passkey", "passkey": someone_else.pk})
    assert WebAuthnCredential.objects.filter(pk=someone_else.pk).exists()
    session = client.session
    session[mfa.SESSION_VERIFIED_AT] = time.time() - 901
    session.save()
    asked = client.post("/accounts/second-factor/", {"action": "remove_passkey", "passkey": stored.pk})
    assert asked["Location"].startswith("/accounts/second-factor/check/")
    assert WebAuthnCredential.objects.filter(pk=stored.pk).exists()
    # a recovery code is a check too (for someone whose passkey is on a lost phone)
    client.post("/accounts/second-factor/check/", {"code": recovery[0], "next": "/"})
    client.post("/accounts/second-factor/", {"action": "remove_passkey", "passkey": stored.pk})
    assert not WebAuthnCredential.objects.filter(pk=stored.pk).exists()
    assert "Passkey removed (Passkey 1)" in _events(AuditEvent.Kind.SECOND_FACTOR, world.manager)
    assert mfa.recovery_codes_left(world.manager) == 0, "with no factor left, the recovery codes go too"
    assert client.get("/awards/")["Location"].startswith("/accounts/second-factor/?next=")


def test_personal_data_lists_passkeys_and_erasure_and_the_admin_remove_them(world, client, manager_with_passkey):
    exported = personal_data.export(world.manager)
    assert [d["name"] for d in exported["second_factor_devices"] if d["name"].startswith("Passkey")] == ["Passkey 1"]
    assert "public_key" not in json.dumps(exported, default=str)
    mfa.remove(user=world.manager, actor=world.admin)
    assert not WebAuthnCredential.objects.filter(user=world.manager).exists()
    WebAuthnCredential.objects.create(user=world.partner, name="Passkey 1", credential_id=b"y" * 16)
    personal_data.erase(user=world.partner, actor=world.admin)
    assert not WebAuthnCredential.objects.filter(user=world.partner).exists()
