"""The OpenAPI schema validates, the docs work offline, and schemathesis finds no server errors
and no response that breaks the schema when it drives every operation as a manager."""

import re

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application


def test_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in ("/api/v1/awards/{id}/approve/", "/api/v1/payments/{id}/release/", "/api/v1/auth/token/"):
        assert path in text


def test_schema_is_served(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for name in (
        "organisations",
        "partnerships",
        "projects",
        "programmes",
        "awards",
        "payments",
        "indicators",
        "updates",
        "transitions",
    ):
        assert f"/api/v1/{name}/" in paths


def test_docs_are_served_without_a_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"""(src|href)=["']https?://""", html), "docs must not load assets from the internet"
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html


# Schemathesis --------------------------------------------------------------------------------

EXAMPLES_PER_OPERATION = 12
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


def _existing_ids(sides):
    a, _ = sides
    return {
        "partnerships": a.partnership.pk,
        "programmes": a.programme.pk,
        "projects": a.project.pk,
        "awards": a.award.pk,
        "payments": a.payment.pk,
        "updates": a.update_draft.pk,
        "indicators": a.indicator.pk,
        "organisations": a.award.recipient_id,
    }


@pytest.fixture
def wsgi_keeps_test_connection():
    """The WSGI app closes "old" connections at each request's start and end, which would close
    the test's transaction on PostgreSQL; Django's own test client unhooks the same signal."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_schemathesis_finds_no_server_errors_or_schema_breaks(world, sides, wsgi_keeps_test_connection):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    token = Token.objects.create(user=world.manager).key
    ids = _existing_ids(sides)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40

    for operation in operations:
        if operation.path == "/api/v1/auth/token/" and operation.method.upper() == "DELETE":
            continue  # revoking would sign the run out
        resource = operation.path.split("/")[3]
        fixed = {"id": ids[resource]} if "{id}" in operation.path and resource in ids else None
        strategy = operation.as_strategy(path_parameters=fixed)

        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def exercise(case):
            case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)

        exercise()
