"""Exporting a payment run (making it, downloading its file for the bank) and recording it paid move money: each
needs a recent second factor, on the page and in the API, like releasing a payment."""

import datetime as dt
import time

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts import mfa
from grants.models import Payment, PaymentRun
from grants.money import services as money
from tests.grants.money_helpers import approved_award, paid_ready

from .mfa_helpers import app_code, give_app

RUN = {"due_by": "2026-04-30", "format": "xero"}


@pytest.fixture
def manager_with_app(world, client, settings):
    settings.EXCHANGE_MFA_REQUIRED = ["administrator", "manager"]
    settings.EXCHANGE_MFA_MONEY_MAX_AGE = 900
    paid_ready(world, approved_award(world), due_on=dt.date(2026, 4, 1), amount="750.00")
    device = give_app(world.manager)
    client.force_login(world.manager)
    session = client.session
    session[mfa.SESSION_VERIFIED_AT] = time.time() - 901  # signed in with a code, but not recently
    session.save()
    return device


def test_making_a_run_on_the_page_needs_a_recent_check(world, client, manager_with_app):
    page = reverse("grants:payment_run_list")
    refused = client.post(page, {**RUN, "organisation": world.central.pk}, HTTP_REFERER=f"http://testserver{page}")
    assert refused.status_code == 302 and refused["Location"].startswith("/accounts/second-factor/check/?next=")
    assert not PaymentRun.objects.exists()
    assert b"needs a fresh check" in client.get(refused["Location"]).content
    back = client.post(refused["Location"], {"code": app_code(manager_with_app), "next": page})
    assert back["Location"] == page
    made = client.post(page, {**RUN, "organisation": world.central.pk})
    run = PaymentRun.objects.get()
    assert made["Location"] == reverse("grants:payment_run_detail", args=[run.pk])


def test_downloading_a_run_needs_a_recent_check_and_comes_back_to_it(world, client, manager_with_app):
    run = money.payment_run_export(actor=world.manager, organisation=world.central, due_by=dt.date(2026, 4, 30))
    url = reverse("grants:payment_run_download", args=[run.pk])
    refused = client.get(url)
    assert refused.status_code == 302 and "attachment" not in refused.get("Content-Disposition", "")
    assert refused["Location"] == f"/accounts/second-factor/check/?next={url.replace('/', '%2F')}"
    client.post("/accounts/second-factor/check/", {"code": app_code(manager_with_app), "next": url})
    download = client.get(url)
    assert download.status_code == 200 and download.content.decode() == run.content


def test_recording_a_run_paid_needs_a_recent_check(world, client, manager_with_app):
    run = money.payment_run_export(actor=world.manager, organisation=world.central, due_by=dt.date(2026, 4, 30))
    url = reverse("grants:payment_run_detail", args=[run.pk])
    assert client.get(url).status_code == 200, "looking at the run needs no fresh check"
    refused = client.post(url, {"paid_on": "2026-04-02", "reference": "RUN-1"}, HTTP_REFERER=f"http://testserver{url}")
    assert refused["Location"].startswith("/accounts/second-factor/check/")
    assert not Payment.objects.filter(state=Payment.State.PAID).exists()


def test_the_api_asks_for_a_recent_check_to_make_or_download_a_run(world, client, manager_with_app):
    refused = client.post(
        "/api/v1/payment-runs/", {**RUN, "organisation": world.central.pk}, content_type="application/json"
    )
    assert refused.status_code == 403 and "fresh check" in refused.json()["detail"]
    assert not PaymentRun.objects.exists()
    run = money.payment_run_export(actor=world.manager, organisation=world.central, due_by=dt.date(2026, 4, 30))
    assert client.get(f"/api/v1/payment-runs/{run.pk}/download/").status_code == 403
    assert client.get(f"/api/v1/payment-runs/{run.pk}/").status_code == 200, "reading the run needs no check"
    assert client.get("/api/v1/payment-runs/").status_code == 200


def test_an_api_token_sends_a_current_code_to_make_or_download_a_run(world, client, manager_with_app):
    client.logout()
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=world.manager).key}"}
    data = {**RUN, "organisation": world.central.pk}
    bare = client.post("/api/v1/payment-runs/", data, content_type="application/json", **auth)
    assert bare.status_code == 403 and "X-Exchange-OTP" in bare.json()["detail"]
    made = client.post(
        "/api/v1/payment-runs/",
        data,
        content_type="application/json",
        HTTP_X_EXCHANGE_OTP=app_code(manager_with_app),
        **auth,
    )
    assert made.status_code == 201, made.content
    url = f"/api/v1/payment-runs/{made.json()['id']}/download/"
    assert client.get(url, **auth).status_code == 403
    download = client.get(url, HTTP_X_EXCHANGE_OTP=app_code(manager_with_app), **auth)
    assert download.status_code == 200 and download.content.decode() == PaymentRun.objects.get().content


def test_another_managers_run_is_still_absent_through_the_api(world, client, manager_with_app):
    run = money.payment_run_export(actor=world.manager, organisation=world.central, due_by=dt.date(2026, 4, 30))
    give_app(world.manager_b)
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=world.manager_b).key}"}
    assert client.get(f"/api/v1/payment-runs/{run.pk}/download/", **auth).status_code == 404
