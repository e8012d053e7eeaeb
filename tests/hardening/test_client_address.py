"""Findings 6 and 7: one client-address rule (PROXY_COUNT) for DRF throttles, django-axes and the audit log,
tested with forged X-Forwarded-For headers; throttle counts in the shared cache when CACHE_URL is set."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory
from rest_framework.settings import api_settings

from accounts.client_address import client_address
from accounts.models import AuditEvent
from workflow.apis import AuthRateThrottle

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.2"


def _request(xff=None):
    extra = {"REMOTE_ADDR": PROXY}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().post("/api/v1/auth/token/", **extra)


@pytest.mark.parametrize(
    "count,xff,client",
    [
        (0, "6.6.6.6", PROXY),  # nothing in front: the header is the client's invention
        (1, "203.0.113.9", "203.0.113.9"),  # one proxy appended the real client
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # a forged entry before it changes nothing
        (1, "1.1.1.1, 2.2.2.2, 3.3.3.3, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.1", "203.0.113.9"),  # a CDN and then our proxy
        (1, None, PROXY),
        (1, "not-an-address", PROXY),
    ],
)
def test_one_rule_for_throttles_axes_and_the_audit_log(settings, count, xff, client):
    settings.PROXY_COUNT = count
    request = _request(xff)
    assert client_address(request) == client
    assert get_client_ip_address(request) == client  # django-axes
    assert AuthRateThrottle().get_ident(request) == client  # DRF


def test_settings_drive_every_part_from_proxy_count():
    env = {**os.environ, "EXCHANGE_PRODUCTION": "1", "SECRET_KEY": "k" * 60, "PROXY_COUNT": "2"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    code = (
        "import django; django.setup(); from django.conf import settings as s; from rest_framework.settings import "
        "api_settings as a; import ipware; print(s.PROXY_COUNT, a.NUM_PROXIES, s.AXES_IPWARE_PROXY_COUNT, "
        "s.AXES_CLIENT_IP_CALLABLE)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["2", "2", "2", "accounts.client_address.client_address"]
    assert api_settings.NUM_PROXIES == 0  # the test settings: nothing in front


@pytest.fixture
def behind_one_proxy(settings):
    settings.PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_auth": "3/minute", "api_write": "600/minute"},
    }
    api_settings.reload()
    yield
    api_settings.reload()


def test_a_forged_forwarded_for_does_not_escape_the_token_throttle(client, db, behind_one_proxy):
    statuses = []
    for n in range(6):
        response = client.post(
            "/api/v1/auth/token/",
            {"username": "nobody", "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.9",  # made up each time, then our proxy's entry
        )
        statuses.append(response.status_code)
    assert statuses[:3] == [400, 400, 400] and statuses[3:] == [429, 429, 429]
    # another real client behind the same proxy is not held up
    other = client.post(
        "/api/v1/auth/token/",
        {"username": "x", "password": "y"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.10",
    )
    assert other.status_code == 400


def test_lock_out_and_audit_key_on_the_client_not_the_proxy(client, world, behind_one_proxy, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for n in range(4):
        client.post(
            "/accounts/login/",
            {"username": world.partner.username, "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.66",
        )
    failed = AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_FAILED)
    assert failed.exists() and set(failed.values_list("ip_address", flat=True)) == {"203.0.113.66"}
    # the attacker is locked out; the same account from another client behind the proxy still signs in
    response = client.post(
        "/accounts/login/",
        {"username": world.partner.username, "password": "exchange-test"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.10",
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN, ip_address="203.0.113.10").exists()


@pytest.mark.redis
def test_throttle_counts_live_in_the_shared_cache_when_cache_url_is_set():
    env = {**os.environ, "CACHE_URL": "redis://127.0.0.1:6379/12", "DJANGO_SETTINGS_MODULE": "config.settings"}
    code = (
        "import django; django.setup(); from workflow.apis import AuthRateThrottle; from django.core.cache import "
        "cache, caches; from django.core.cache.backends.redis import RedisCache; "
        "print(isinstance(caches['default'], RedisCache) and AuthRateThrottle.cache is cache)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
