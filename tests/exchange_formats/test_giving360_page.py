"""The manager's 360Giving page: the quality checks on what they would publish, and the download held
back while a critical check fails unless they tick the box."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants.models import Award
from tests import factories as f

from .conftest import approved
from .test_giving360 import published  # noqa: F401 (fixture)

PAGE = reverse("grants:giving360_quality")
PUBLISH = reverse("grants:giving360_publish")


def test_a_manager_sees_each_check_with_count_and_percentage(world, client, published):  # noqa: F811
    client.force_login(world.manager)
    html = client.get(PAGE).content.decode()
    assert "on the 2 approved and later" in html  # WM Fund only: their programme
    assert "No data source" in html and "100.0%" in html
    assert "360G-WM-00001, 360G-WM-00002" in html
    assert "360G-EM-00001" not in html  # another manager's programme


@pytest.mark.parametrize("username", ["funder", "partner"])
def test_only_managers_have_the_page(world, client, username):
    client.force_login(getattr(world, username))
    assert client.get(PAGE).status_code == 403
    assert client.post(PUBLISH, {"format": "json"}).status_code == 403


def test_download_is_held_back_on_a_critical_failure_unless_forced(world, client, published):  # noqa: F811
    client.force_login(world.manager)
    response = client.post(PUBLISH, {"format": "json"})
    assert response.status_code == 200
    assert [g["id"] for g in json.loads(response.content)["grants"]] == ["360G-WM-00001", "360G-WM-00002"]

    Award.objects.filter(pk=published["a"].pk).update(description="Write to head@oakfield.sch.uk")
    refused = client.post(PUBLISH, {"format": "csv"})
    assert refused.status_code == 409
    assert "Not published: a critical check fails" in refused.content.decode()
    forced = client.post(PUBLISH, {"format": "csv", "force": "yes"})
    assert forced.status_code == 200 and b"360G-WM-00001" in forced.content


def test_the_page_runs_the_same_queries_for_3_or_30_awards(world, client):
    client.force_login(world.manager)

    def queries_for(n):
        for _ in range(n - Award.objects.count()):
            approved(f.AwardFactory(programme=world.programme, amount_requested="10"))
        client.get(PAGE)  # the first request of a session does its own one-off reads (sign-in stamp, roles)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(PAGE).status_code == 200
        return len(ctx.captured_queries)

    assert queries_for(3) == queries_for(30)


def test_an_imported_award_shows_what_the_funder_published(world, client):
    from pathlib import Path

    from grants import giving360

    source = giving360.read_path(Path(__file__).with_name("data") / "wolfson-foundation.json")
    giving360.import_grants(source, actor=world.manager, as_awarded=True)
    award = Award.objects.get(identifier="360G-wolfson-19747")
    client.force_login(world.manager)
    html = client.get(reverse("grants:award_detail", args=[award.pk])).content.decode()
    assert "360G-wolfson:org-13177 (no official identifier)" in html
    assert "5 June 2014" in html and "Imported from wolfson-foundation.json" in html
