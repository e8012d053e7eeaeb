import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, OrganisationMembership
from tests import factories as f

ROOT = Path(__file__).resolve().parent.parent


def test_sign_in_and_failed_sign_in_are_audited(client, world):
    world.manager.set_password("a-good-long-password")
    world.manager.save()
    login = reverse("admin:login")
    client.post(login, {"username": "manager", "password": "wrong"})
    client.post(login, {"username": "manager", "password": "a-good-long-password"})
    kinds = list(AuditEvent.objects.order_by("id").values_list("kind", "username"))
    assert kinds == [("login_failed", "manager"), ("login", "manager")]
    assert AuditEvent.objects.get(kind="login").ip_address == "127.0.0.1"


def test_login_is_locked_after_five_failures_for_that_username(client, world, settings):
    settings.AXES_ENABLED = True
    world.manager.set_password("a-good-long-password")
    world.manager.save()
    login = reverse("admin:login")
    for _ in range(5):
        client.post(login, {"username": "manager", "password": "wrong"})
    response = client.post(login, {"username": "manager", "password": "a-good-long-password"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another person at another address is unaffected.
    world.manager_b.set_password("another-long-password")
    world.manager_b.save()
    other = client_class_login(login, "manager_b", "another-long-password")
    assert other.status_code == 302


def client_class_login(url, username, password):
    from django.test import Client

    return Client(REMOTE_ADDR="10.9.9.9").post(url, {"username": username, "password": password})


def test_granting_a_role_in_the_admin_is_audited(client, world):
    client.force_login(world.admin)
    stranger = f.UserFactory(username="newcomer")
    response = client.post(
        reverse("admin:accounts_organisationmembership_add"),
        {"user": stranger.pk, "organisation": world.central.pk, "role": "manager", "job_title": ""},
    )
    assert response.status_code == 302
    assert OrganisationMembership.objects.filter(user=stranger, role="manager").exists()
    event = AuditEvent.objects.get(kind="permission_change")
    assert event.username == "newcomer" and event.actor == world.admin
    assert "Programme manager role in Fair Education Alliance granted" in event.detail


def test_making_someone_staff_in_the_user_admin_is_audited(client, world):
    client.force_login(world.admin)
    user = world.partner
    url = reverse("admin:auth_user_change", args=[user.pk])
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": "",
        "last_name": "",
        "is_active": "on",
        "is_staff": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-0-id": user.memberships.get().pk,
        "memberships-0-user": user.pk,
        "memberships-0-organisation": world.partner_org.pk,
        "memberships-0-role": "partner",
        "memberships-0-job_title": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(kind="permission_change", username="partner")
    assert "is_staff set to True" in event.detail


def test_health_endpoint_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["database"] == "ok"


def test_security_headers_and_csp_nonce_on_pages(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("extra", [{}, {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test"}])
def test_check_deploy_is_clean_with_production_settings(extra):
    # A production process's environment: nothing the test run itself sets (the browser tests
    # allow async-unsafe calls for Playwright, which check --deploy rightly refuses).
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "EXCHANGE_PRODUCTION": "1",
        "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-for-tests-only-1234567890",
        "ALLOWED_HOSTS": "exchange.example.org",
        **extra,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["EXCHANGE_PRODUCTION"] = "1"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr
