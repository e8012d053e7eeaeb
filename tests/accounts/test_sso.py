"""Single sign-on end to end against a real OpenID Connect provider: django-oauth-toolkit in its own process on
this machine (tests/oidc_provider/), reached over HTTP for discovery, keys and tokens. Nothing of the sign-in
library is mocked: a tampered token, a token for another client and an unverified email are refused by the
same code that lets the honest ones in."""

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model

from accounts import roles
from accounts.models import AuditEvent, MembershipRequest, OrganisationEmailDomain, OrganisationMembership
from config.settings import oidc_apps
from partnerships.models import PartnershipMember
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "exchange-test-client"
SECRET = "exchange-test-secret-0123456789"
CALLBACK = "http://testserver/sso/oidc/school/login/callback/"
User = get_user_model()


@dataclass
class Provider:
    base: str
    mischief_file: Path

    def misbehave(self, mode: str = "") -> None:
        self.mischief_file.write_text(mode)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    folder = tmp_path_factory.mktemp("oidc-provider")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_TEST_DB": str(folder / "provider.sqlite3"),
        "OIDC_TEST_KEY": pem,
        "OIDC_TEST_MISCHIEF": str(folder / "mischief"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "tests/oidc_provider/setup_provider.py", CLIENT_ID, SECRET, CALLBACK],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{base}/o/.well-known/openid-configuration", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the test OpenID Connect provider did not start")
            time.sleep(0.2)
        yield Provider(base=base, mischief_file=folder / "mischief")
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def school(provider, settings, world):
    """Exchange configured with the provider, and Summit Learning Trust's registered domain."""
    provider.misbehave("")
    settings.SOCIALACCOUNT_PROVIDERS = oidc_apps(
        [
            {
                "id": "school",
                "name": "Summit Trust",
                "server_url": f"{provider.base}/o",
                "client_id": CLIENT_ID,
                "secret": SECRET,
            }
        ]
    )
    OrganisationEmailDomain.objects.create(organisation=world.partner_org, domain="summit.example")
    PartnershipMember.objects.create(partnership=world.partnership, organisation=world.partner_org)
    return provider


def through_provider(client, provider, username: str):
    """Press "Sign in with Summit Trust", sign in at the provider as `username`, and come back to Exchange."""
    start = client.post("/sso/oidc/school/login/", {"process": "login"})
    assert start.status_code == 302
    authorize = start["Location"]
    assert authorize.startswith(f"{provider.base}/o/authorize/?"), "the address discovery gave"
    query = parse_qs(urlparse(authorize).query)
    assert query["client_id"] == [CLIENT_ID] and query["code_challenge_method"] == ["S256"]
    browser = requests.Session()
    login_page = browser.get(authorize, timeout=10)
    assert "School directory sign-in" in login_page.text
    signed_in = browser.post(
        login_page.url,
        data={
            "username": username,
            "password": "directory-pass",
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "next": parse_qs(urlparse(login_page.url).query)["next"][0],
        },
        allow_redirects=False,
        timeout=10,
    )
    back = browser.get(provider.base + signed_in.headers["Location"], allow_redirects=False, timeout=10)
    callback = back.headers["Location"]
    assert callback.startswith(CALLBACK)
    return client.get(callback.removeprefix("http://testserver"))


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_discovery_names_the_provider_and_its_keys(school):
    config = requests.get(f"{school.base}/o/.well-known/openid-configuration", timeout=10).json()
    assert config["issuer"] == f"{school.base}/o"
    keys = requests.get(config["jwks_uri"], timeout=10).json()["keys"]
    assert keys and keys[0]["kty"] == "RSA"


def test_buttons_only_when_configured(client, settings, school):
    assert b"Sign in with Summit Trust" in client.get("/accounts/login/").content
    settings.SOCIALACCOUNT_PROVIDERS = oidc_apps([])
    assert b"Sign in with" not in client.get("/accounts/login/").content


def test_an_existing_account_signs_in_by_verified_email(client, school, world):
    priya = f.UserFactory(username="pshah", email="priya.shah@summit.example")
    f.MembershipFactory(user=priya, organisation=world.partner_org, role=OrganisationMembership.Role.PARTNER)
    response = through_provider(client, school, "teacher")
    assert response.status_code == 302
    assert signed_in_as(client) == str(priya.pk)
    assert client.get("/awards/").status_code == 200
    assert SocialAccount.objects.get(user=priya).provider == "school"
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN, actor=priya).exists()
    # The second time the link (the provider's subject) is enough.
    client.logout()
    through_provider(client, school, "teacher")
    assert signed_in_as(client) == str(priya.pk)


def test_a_tampered_token_is_refused(client, school, world):
    f.UserFactory(username="pshah", email="priya.shah@summit.example")
    school.misbehave("tamper")
    response = through_provider(client, school, "teacher")
    assert b"could not trust" in response.content
    assert signed_in_as(client) is None
    assert not User.objects.filter(email="head@another-trust.example").exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SSO_REFUSED).exists()


def test_a_token_for_another_client_is_refused(client, school, world):
    f.UserFactory(username="pshah", email="priya.shah@summit.example")
    school.misbehave("audience")
    response = through_provider(client, school, "teacher")
    assert b"could not trust" in response.content
    assert signed_in_as(client) is None
    refusal = AuditEvent.objects.get(kind=AuditEvent.Kind.SSO_REFUSED)
    assert "Summit Trust" in refusal.detail


def test_an_unverified_email_is_refused(client, school, world):
    priya = f.UserFactory(username="pshah", email="priya.shah@summit.example")
    response = through_provider(client, school, "unsure")  # claims Priya's address without verifying it
    assert response.status_code == 403
    assert b"did not confirm that the email address priya.shah@summit.example is yours" in response.content
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.filter(user=priya).exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SSO_REFUSED, username="priya.shah@summit.example").exists()


def test_someone_new_from_a_registered_domain_waits_for_a_manager(client, school, world):
    response = through_provider(client, school, "newhead")
    assert response.status_code == 302
    tomasz = User.objects.get(email="tomasz.nowak@summit.example")
    assert signed_in_as(client) == str(tomasz.pk)
    assert not tomasz.memberships.exists() and not roles.of(tomasz).all_orgs, "never a role by default"
    request = MembershipRequest.objects.get(user=tomasz)
    assert request.state == MembershipRequest.State.PENDING and request.organisation == world.partner_org

    client.force_login(world.manager_b)  # leads another partnership: not theirs to decide
    assert b"tomasz.nowak@summit.example" not in client.get("/accounts/requests/").content
    assert client.post("/accounts/requests/", {"request": request.pk, "role": "partner"}).status_code == 404

    client.force_login(world.manager)
    assert b"1 person is waiting for a role" in client.get("/accounts/me/").content
    page = client.get("/accounts/requests/")
    assert b"tomasz.nowak@summit.example" in page.content
    client.post("/accounts/requests/", {"request": request.pk, "role": "partner", "decision": "confirm"})
    request.refresh_from_db()
    assert request.state == MembershipRequest.State.CONFIRMED and request.decided_by == world.manager
    assert roles.of(User.objects.get(pk=tomasz.pk)).partner_orgs == {world.partner_org.pk}


def test_someone_from_an_unregistered_domain_gets_no_account(client, school):
    response = through_provider(client, school, "stranger")
    assert response.status_code == 403
    assert b"No organisation in Exchange has registered the email domain elsewhere.example" in response.content
    assert not User.objects.filter(email="sam.stone@elsewhere.example").exists()
    assert signed_in_as(client) is None


def test_an_organisation_can_switch_password_sign_in_off(client, school, world):
    from tests.browser.conftest import PASSWORD

    f.UserFactory(username="pshah", email="priya.shah@summit.example")
    f.UserFactory(username="other", email="someone@elsewhere.example")
    OrganisationEmailDomain.objects.filter(domain="summit.example").update(password_sign_in=False)
    refused = client.post("/accounts/login/", {"username": "pshah", "password": PASSWORD})
    assert refused.status_code == 200
    assert b"signs in to Exchange through single sign-on" in refused.content
    assert signed_in_as(client) is None
    assert client.post("/accounts/login/", {"username": "other", "password": PASSWORD}).status_code == 302
    through_provider(client, school, "teacher")
    assert signed_in_as(client) == str(User.objects.get(username="pshah").pk)


def test_erasure_removes_the_link_to_the_organisation_account(client, school, world):
    from accounts import personal_data

    priya = f.UserFactory(username="pshah", first_name="Priya", last_name="Shah", email="priya.shah@summit.example")
    through_provider(client, school, "teacher")
    exported = personal_data.dumps(personal_data.export(priya))
    assert "socialaccount.SocialAccount" in exported and "priya.shah@summit.example" in exported
    personal_data.erase(user=priya, actor=world.admin)
    assert not SocialAccount.objects.filter(user=priya).exists()
    client.logout()
    through_provider(client, school, "teacher")  # the directory still knows her; Exchange no longer does
    assert signed_in_as(client) != str(priya.pk)


def test_a_provider_that_does_not_answer_is_said_plainly(client, settings, db):
    settings.SOCIALACCOUNT_PROVIDERS = oidc_apps(
        [{"id": "school", "name": "Summit Trust", "server_url": "http://127.0.0.1:9/o", "client_id": "x"}]
    )
    response = client.post("/sso/oidc/school/login/", {"process": "login"})
    assert response.status_code == 503 and b"not answering" in response.content
    assert client.post("/sso/oidc/nobody/login/", {"process": "login"}).status_code == 404
