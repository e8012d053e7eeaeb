"""A second factor: set up with an authenticator app, checked after the password, recovery codes that work once,
and money steps (pages, API, admin) refused without a recent check."""

import datetime as dt
import re
import time
from decimal import Decimal

import pytest
from django_otp.plugins.otp_static.models import StaticToken

from accounts import mfa
from accounts.models import AuditEvent
from grants import services as grant_services
from grants.models import Award, Payment
from tests import factories as f
from tests.browser.conftest import PASSWORD
from tests.helpers import force_state

from .mfa_helpers import app_code, give_app


@pytest.fixture
def required(settings):
    settings.EXCHANGE_MFA_REQUIRED = ["administrator", "manager"]
    settings.EXCHANGE_MFA_MONEY_MAX_AGE = 900


def _sign_in(client, username):
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "the password sign-in itself is unchanged"


def _verify(client, device):
    response = client.post("/accounts/second-factor/check/", {"code": app_code(device), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_manager_without_an_app_must_set_one_up_before_anything_else(world, client, required):
    _sign_in(client, "manager")
    first = client.get("/awards/")
    assert first.status_code == 302 and first["Location"].startswith("/accounts/second-factor/?next=")
    assert client.get("/api/v1/awards/").status_code == 403
    setup = client.get(first["Location"])
    assert b"Set up an authenticator app" in setup.content
    secret = re.search(rb'id="totp-secret">([A-Z2-7 ]+)<', setup.content).group(1).decode()
    device = mfa.pending_device(world.manager)
    assert secret == mfa.secret_text(device)

    wrong = client.post("/accounts/second-factor/", {"action": "confirm", "code": "000000", "next": "/awards/"})
    assert b"That code is not right" in wrong.content
    done = client.post("/accounts/second-factor/", {"action": "confirm", "code": app_code(device), "next": "/awards/"})
    codes = re.findall(rb"<li><code>([a-z0-9]+)</code></li>", done.content)
    assert len(codes) == mfa.RECOVERY_CODES
    assert client.get("/awards/").status_code == 200
    kinds = list(AuditEvent.objects.filter(actor=world.manager).values_list("kind", "detail"))
    assert ("second_factor", "Authenticator app set up") in kinds
    assert ("second_factor_failed", "Wrong code setting up") in kinds


def test_partner_is_not_asked_when_only_managers_must(world, client, required):
    _sign_in(client, "partner")
    assert client.get("/awards/").status_code == 200


def test_the_demo_default_asks_nobody(world, client, settings):
    settings.EXCHANGE_MFA_REQUIRED = []
    _sign_in(client, "manager")
    assert client.get("/awards/").status_code == 200


def test_code_after_password_then_pages_open(world, client, required):
    device = give_app(world.manager)
    _sign_in(client, "manager")
    check = client.get("/awards/")
    assert check["Location"] == "/accounts/second-factor/check/?next=%2Fawards%2F"
    wrong = client.post("/accounts/second-factor/check/", {"code": "123456", "next": "/awards/"})
    assert wrong.status_code == 200 and mfa.WRONG_CODE.encode() in wrong.content
    assert client.get("/awards/").status_code == 302
    ok = client.post("/accounts/second-factor/check/", {"code": app_code(device), "next": "/awards/"})
    assert ok["Location"] == "/awards/"
    assert client.get("/awards/").status_code == 200
    events = AuditEvent.objects.filter(actor=world.manager).values_list("kind", flat=True)
    assert {"login", "second_factor", "second_factor_failed"} <= set(events)


def test_the_check_never_sends_you_to_another_site(world, client, required):
    device = give_app(world.manager)
    _sign_in(client, "manager")
    response = client.post(
        "/accounts/second-factor/check/", {"code": app_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_a_recovery_code_works_once(world, client, required):
    give_app(world.manager)
    codes = mfa.new_recovery_codes(user=world.manager)
    _sign_in(client, "manager")
    assert client.post("/accounts/second-factor/check/", {"code": codes[0], "next": "/"}).status_code == 302
    assert StaticToken.objects.filter(device__user=world.manager).count() == mfa.RECOVERY_CODES - 1
    client.post("/accounts/logout/")
    _sign_in(client, "manager")
    again = client.post("/accounts/second-factor/check/", {"code": codes[0], "next": "/"})
    assert again.status_code == 200 and mfa.WRONG_CODE.encode() in again.content
    assert AuditEvent.objects.filter(detail__startswith="Checked with a recovery code (9 left)").exists()


def test_repeated_wrong_codes_are_slowed_down(world, client, required):
    give_app(world.manager)
    _sign_in(client, "manager")
    client.post("/accounts/second-factor/check/", {"code": "111111"})
    client.post("/accounts/second-factor/check/", {"code": "222222"})
    third = client.post("/accounts/second-factor/check/", {"code": "333333"})
    assert b"Too many wrong codes" in third.content


# Money steps -------------------------------------------------------------------------------------------------


@pytest.fixture
def waiting(world):
    """An application waiting for a decision, and an approved payment of a live award (made through the services,
    so the programme's totals are right)."""
    award = force_state(
        f.AwardFactory(programme=world.programme, amount_requested=Decimal("8000")), Award.State.IN_ASSESSMENT
    )
    live = force_state(
        f.AwardFactory(programme=world.programme, amount_requested=Decimal("9000")), Award.State.IN_ASSESSMENT
    )
    grant_services.award_transition(award=live, name="approve", actor=world.manager)
    grant_services.award_transition(award=live, name="activate", actor=world.manager)
    payment = grant_services.payment_schedule(
        award=live, due_on=dt.date(2026, 3, 31), amount=Decimal("1000.00"), actor=world.manager
    )
    grant_services.payment_approve(payment=payment, actor=world.manager)
    return award, payment


def _age_check(client, seconds):
    session = client.session
    session[mfa.SESSION_VERIFIED_AT] = time.time() - seconds
    session.save()


def test_approving_on_the_page_needs_a_recent_check(world, client, required, waiting):
    award, _ = waiting
    device = give_app(world.manager)
    _sign_in(client, "manager")
    _verify(client, device)
    _age_check(client, 901)
    refused = client.post(f"/awards/{award.pk}/steps/approve/", HTTP_REFERER=f"http://testserver/awards/{award.pk}/")
    assert refused["Location"].startswith("/accounts/second-factor/check/?next=")
    award.refresh_from_db()
    assert award.state == Award.State.IN_ASSESSMENT
    page = client.get(refused["Location"])
    assert b"needs a fresh check of your second factor" in page.content
    back = client.post(refused["Location"], {"code": app_code(device), "next": f"/awards/{award.pk}/"})
    assert back["Location"] == f"/awards/{award.pk}/"
    client.post(f"/awards/{award.pk}/steps/approve/")
    award.refresh_from_db()
    assert award.state == Award.State.APPROVED


def test_other_steps_need_no_fresh_check(world, client, required, waiting):
    award, _ = waiting
    device = give_app(world.manager)
    _sign_in(client, "manager")
    _verify(client, device)
    _age_check(client, 5000)
    client.post(f"/awards/{award.pk}/steps/decline/", {"note": "Out of scope."})
    award.refresh_from_db()
    assert award.state == Award.State.DECLINED


def test_releasing_a_payment_through_the_api_needs_a_recent_check(world, client, required, waiting):
    _, payment = waiting
    device = give_app(world.manager)
    _sign_in(client, "manager")
    _verify(client, device)
    _age_check(client, 901)
    refused = client.post(f"/api/v1/payments/{payment.pk}/release/", {}, content_type="application/json")
    assert refused.status_code == 403 and "fresh check" in refused.json()["detail"]
    payment.refresh_from_db()
    assert payment.state == Payment.State.APPROVED
    _verify(client, device)
    done = client.post(f"/api/v1/payments/{payment.pk}/release/", {}, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "paid"


def test_api_token_money_steps_need_a_code_in_the_header(world, client, required, waiting):
    award, payment = waiting
    device = give_app(world.manager)
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world.manager)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    bare = client.post(f"/api/v1/awards/{award.pk}/approve/", {}, content_type="application/json", **auth)
    assert bare.status_code == 403 and "X-Exchange-OTP" in bare.json()["detail"]
    wrong = client.post(
        f"/api/v1/awards/{award.pk}/approve/", {}, content_type="application/json", HTTP_X_EXCHANGE_OTP="000000", **auth
    )
    assert wrong.status_code == 403
    ok = client.post(
        f"/api/v1/awards/{award.pk}/approve/",
        {},
        content_type="application/json",
        HTTP_X_EXCHANGE_OTP=app_code(device),
        **auth,
    )
    assert ok.status_code == 200 and ok.json()["state"] == "approved"
    vary = client.post(
        f"/api/v1/awards/{award.pk}/vary/",
        {"amount": "7000.00", "note": "Less"},
        content_type="application/json",
        **auth,
    )
    assert vary.status_code == 403
    change = client.patch(
        f"/api/v1/payments/{payment.pk}/", {"amount": "900.00"}, content_type="application/json", **auth
    )
    assert change.status_code == 403
    payment.refresh_from_db()
    assert payment.amount == Decimal("1000.00")


def test_a_record_outside_scope_is_still_absent(world, client, required, waiting):
    award, _ = waiting
    give_app(world.manager_b)
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world.manager_b)
    response = client.post(
        f"/api/v1/awards/{award.pk}/approve/",
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert response.status_code == 404


def test_changing_a_payment_amount_on_the_page_needs_a_recent_check(world, client, required, waiting):
    award, _ = waiting
    grant_services.award_transition(award=award, name="approve", actor=world.manager)
    grant_services.award_transition(award=award, name="activate", actor=world.manager)
    payment = grant_services.payment_schedule(
        award=award, due_on=dt.date(2026, 3, 31), amount=Decimal("1000.00"), actor=world.manager
    )
    device = give_app(world.manager)
    _sign_in(client, "manager")
    _verify(client, device)
    _age_check(client, 901)
    response = client.post(f"/payments/{payment.pk}/edit/", {"due_on": "2026-03-31", "amount": "900.00"})
    assert response.status_code == 302 and "/accounts/second-factor/check/" in response["Location"]
    payment.refresh_from_db()
    assert payment.amount == Decimal("1000.00")


def test_admin_approval_needs_a_recent_check(world, client, required, waiting):
    award, _ = waiting
    device = give_app(world.admin)
    client.force_login(world.admin)
    _verify(client, device)
    _age_check(client, 901)
    response = client.post(f"/admin/grants/award/{award.pk}/transition/approve/", {"note": ""})
    assert "/accounts/second-factor/check/" in response["Location"]
    award.refresh_from_db()
    assert award.state == Award.State.IN_ASSESSMENT


def test_removing_the_app_needs_a_fresh_code(world, client, required):
    device = give_app(world.manager)
    _sign_in(client, "manager")
    _verify(client, device)
    _age_check(client, 901)
    response = client.post("/accounts/second-factor/", {"action": "remove"})
    assert "/accounts/second-factor/check/" in response["Location"]
    assert mfa.has_second_factor(world.manager)
    _verify(client, device)
    client.post("/accounts/second-factor/", {"action": "remove"})
    assert not mfa.has_second_factor(world.manager)
    assert AuditEvent.objects.filter(kind="second_factor", detail="Authenticator app removed").exists()


def test_an_api_token_needs_the_code_too(world, client, required):
    device = give_app(world.manager)
    url = "/api/v1/auth/token/"
    bare = client.post(url, {"username": "manager", "password": PASSWORD}, content_type="application/json")
    assert bare.status_code == 400 and "authenticator app" in bare.json()["otp"][0]
    wrong = client.post(
        url, {"username": "manager", "password": PASSWORD, "otp": "000000"}, content_type="application/json"
    )
    assert wrong.status_code == 400
    ok = client.post(
        url, {"username": "manager", "password": PASSWORD, "otp": app_code(device)}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["token"]
    partner = client.post(url, {"username": "partner", "password": PASSWORD}, content_type="application/json")
    assert partner.status_code == 200, "a role that needs no second factor gets its token with the password"


def test_approving_a_variation_by_the_api_needs_a_code_too(world, client, required):
    """A variation moves money like an approval: the same fresh check (issue 19 with the money in depth)."""
    from rest_framework.authtoken.models import Token

    from grants.money.models import Variation
    from tests.grants.money_helpers import approved_award

    award = approved_award(world)
    client.force_login(world.partner)
    asked = client.post(
        "/api/v1/variations/",
        {"award": award.pk, "kind": "amount", "reason": "More schools", "amount_change": "250.00"},
        content_type="application/json",
    )
    assert asked.status_code == 201, asked.content
    client.logout()
    device = give_app(world.manager)
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=world.manager).key}"}
    url = f"/api/v1/variations/{asked.json()['id']}/approve/"
    bare = client.post(url, {"note": "Yes"}, content_type="application/json", **auth)
    assert bare.status_code == 403 and "X-Exchange-OTP" in bare.json()["detail"]
    assert Variation.objects.get(pk=asked.json()["id"]).state == "requested"
    ok = client.post(
        url, {"note": "Yes"}, content_type="application/json", HTTP_X_EXCHANGE_OTP=app_code(device), **auth
    )
    assert ok.status_code == 200 and ok.json()["state"] == "approved"
