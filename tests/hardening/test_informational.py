"""Finding 12: password reset is rate-limited; API tokens expire after API_TOKEN_TTL; a body over the limit
is refused from its Content-Length before it is read; bidirectional control characters are removed at
input (forms, serializers, imports: workflow.text.clean_text) and from PDFs (test_reports_bounded)."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from partnerships.importing.cells import cell_text
from reporting.models import EvidenceFile
from tests import factories as f

from .conftest import start

RLO = "\u202e"


def test_password_reset_is_rate_limited(client, world, settings):
    settings.PASSWORD_RESET_RATE = "3/hour"
    statuses = [client.post(reverse("password_reset"), {"email": world.partner.email}).status_code for _ in range(8)]
    assert statuses[:3] == [302, 302, 302] and set(statuses[3:]) == {429}
    assert len(mail.outbox) == 3
    refused = client.post(reverse("password_reset"), {"email": "someone.else@example.org"})
    assert refused.status_code == 429 and "Too many password reset requests" in refused.content.decode()


def test_api_tokens_expire_after_the_ttl(client, world, settings):
    settings.API_TOKEN_TTL = 3600
    answer = client.post("/api/v1/auth/token/", {"username": world.partner.username, "password": "exchange-test"})
    key = answer.json()["token"]
    assert answer.json()["expires"]
    assert client.get("/api/v1/awards/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    Token.objects.filter(key=key).update(created=timezone.now() - dt.timedelta(seconds=3601))
    expired = client.get("/api/v1/awards/", HTTP_AUTHORIZATION=f"Token {key}")
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]
    again = client.post("/api/v1/auth/token/", {"username": world.partner.username, "password": "exchange-test"})
    assert again.json()["token"] != key


class Exploding:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.parametrize("where", ["web", "api"])
def test_an_oversized_upload_is_refused_before_it_is_read(client, world, award, settings, where):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    update = start(award, world, dt.date(2026, 1, 5), dt.date(2026, 3, 31))
    client.force_login(world.partner)
    url = (
        reverse("reporting:update_edit", args=[update.pk])
        if where == "web"
        else f"/api/v1/updates/{update.pk}/evidence/"
    )
    response = client.generic(
        "POST",
        url,
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(60 * 1024 * 1024),
        **{"wsgi.input": Exploding()},
    )
    assert response.status_code == 413 and b"too large" in response.content
    assert not EvidenceFile.objects.exists()


def test_an_ordinary_json_body_over_the_form_limit_is_refused(client, world, settings):
    client.force_login(world.partner)
    response = client.generic(
        "POST",
        "/api/v1/projects/",
        b"",
        content_type="application/json",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
        **{"wsgi.input": Exploding()},
    )
    assert response.status_code == 413


def test_bidi_controls_are_removed_at_every_door(client, api, world, award):
    update = start(award, world, dt.date(2026, 1, 5), dt.date(2026, 3, 31))
    api(world.partner).patch(
        f"/api/v1/updates/{update.pk}/", {"challenges": f"the {RLO}live\u202c part"}, format="json"
    )
    update.refresh_from_db()
    assert update.challenges == "the live part"
    client.force_login(world.partner)
    client.post(reverse("reporting:update_edit", args=[update.pk]), {"progress": f"\u2066{RLO}evil\u2069 plan"})
    update.refresh_from_db()
    assert update.progress == "evil plan"
    assert cell_text(f"{RLO}GB-CHC-1\u200f") == "GB-CHC-1"
    project = f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org, title=f"A{RLO}B")
    project.refresh_from_db()
    assert project.title == "AB"
