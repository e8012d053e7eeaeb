"""360Giving through the API: a funder's real published file previewed and imported with the options of
`import_360giving`, and the data-quality checks on what would be published or on a file; only
administrators and managers, and a manager only into what they manage."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import capfirst

from grants.models import Award
from tests import factories as f
from workflow.models import TransitionLog

from .conftest import approved
from .test_giving360 import published  # noqa: F401 (fixture)

DATA = Path(__file__).with_name("data")
IMPORTS = reverse("api:giving360-import")
QUALITY = reverse("api:giving360-quality")


def upload(name, **fields):
    return {"file": SimpleUploadedFile(name, (DATA / name).read_bytes()), **fields}


def test_preview_then_import_a_real_file_as_awarded(world, client):
    client.force_login(world.manager)
    preview = client.post(IMPORTS, upload("wolfson-foundation.json", as_awarded="true", dry_run="true"))
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert (body["grants"], body["to_import"], body["created"], body["written"]) == (30, 30, 0, False)
    assert "wolfson-foundation.json: 30 grants (JSON data package)." in body["preview"]
    assert "As awarded: 30 active (in delivery)." in body["preview"]
    assert body["summary"] == "360Giving grants: 30 to import, 0 already in Exchange; dry run: nothing was written."
    assert Award.objects.count() == 0

    done = client.post(IMPORTS, upload("wolfson-foundation.json", as_awarded="true"))
    assert done.status_code == 201, done.content
    assert done.json()["created"] == 30
    assert Award.objects.filter(state=Award.State.ACTIVE).count() == 30
    log = TransitionLog.objects.filter(object_id=Award.objects.first().pk).first()
    assert log is not None and log.actor == world.manager  # imported by that person, in the transition log

    again = client.post(IMPORTS, upload("wolfson-foundation.json", as_awarded="true"))
    assert again.status_code == 200 and (again.json()["created"], again.json()["already"]) == (0, 30)


def test_problems_come_back_grouped_and_the_good_rows_go_in_when_asked(world, client):
    client.force_login(world.manager)
    refused = client.post(IMPORTS, upload("lloyds-bank-foundation.json", as_awarded="true"))
    assert refused.status_code == 400
    body = refused.json()
    [group] = body["problem_groups"]
    assert group.startswith(
        "2 grants: column “Description”: this column is empty; the 360Giving standard requires a description"
    )
    assert len(body["rows_with_problems"]) == 2 and body["problems"][0]["column"] == "Description"
    assert Award.objects.count() == 0

    skipped = client.post(IMPORTS, upload("lloyds-bank-foundation.json", as_awarded="true", skip_bad_rows="true"))
    assert skipped.status_code == 201 and skipped.json()["created"] == 48
    assert Award.objects.count() == 48


def test_a_manager_imports_only_into_a_programme_they_manage(world, client):
    client.force_login(world.manager)
    response = client.post(IMPORTS, upload("wolfson-foundation.json", programme="EM Fund"))
    assert response.status_code == 400
    assert "The file: “EM Fund” is not a programme you manage" in response.json()["problem_groups"]
    assert Award.objects.count() == 0


def test_a_file_that_is_not_360giving_is_a_400_in_words(world, client):
    client.force_login(world.manager)
    response = client.post(IMPORTS, {"file": SimpleUploadedFile("grants.csv", b"Name,Colour\nA,red\n")})
    assert response.status_code == 400
    assert "has none of the 360Giving column titles" in response.json()["file"][0]
    assert client.post(IMPORTS, {}).status_code == 400


@pytest.mark.parametrize("username", ["funder", "partner"])
def test_only_administrators_and_managers(world, client, username):
    client.force_login(getattr(world, username))
    assert client.post(IMPORTS, upload("wolfson-foundation.json", dry_run="true")).status_code == 403
    assert client.get(QUALITY).status_code == 403
    assert client.post(QUALITY, upload("wolfson-foundation.json")).status_code == 403
    client.logout()
    assert client.get(QUALITY).status_code in (401, 403)


def test_the_quality_checks_on_what_the_manager_would_publish(world, client, published):  # noqa: F811
    client.force_login(world.manager)
    response = client.get(QUALITY)
    assert response.status_code == 200
    body = response.json()
    assert (body["checked"], body["grants"]) == ("what you would publish", 2)  # WM Fund only: theirs
    no_source = next(c for c in body["checks"] if c["heading"].lower() == "no data source")
    assert (no_source["count"], no_source["percentage"], no_source["grants"]) == (
        2,
        "100.0",
        ["360G-WM-00001", "360G-WM-00002"],
    )
    assert body["critical_failed"] == []
    page = client.get(reverse("grants:giving360_quality")).content.decode()
    assert all(escape(capfirst(c["heading"])) in page for c in body["checks"])  # the page shows the same checks


def test_the_quality_checks_on_a_real_file(world, client):
    client.force_login(world.manager)
    response = client.post(QUALITY, upload("power-to-change.json"))
    assert response.status_code == 200
    body = response.json()
    assert body["checked"] == "power-to-change.json" and body["grants"] > 0
    assert {c["kind"] for c in body["checks"]} == {"accuracy", "usefulness"}
    assert body["passed"] == sum(1 for c in body["checks"] if c["count"] == 0)
    assert Award.objects.count() == 0


def test_the_quality_checks_run_the_same_queries_for_3_or_30_awards(world, client):
    client.force_login(world.manager)

    def queries_for(n):
        for _ in range(n - Award.objects.count()):
            approved(f.AwardFactory(programme=world.programme, amount_requested="10"))
        client.get(QUALITY)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(QUALITY).status_code == 200
        return len(ctx.captured_queries)

    assert queries_for(3) == queries_for(30)


def test_the_openapi_schema_documents_both(world, client):
    client.force_login(world.manager)
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    imports = schema["paths"]["/api/v1/360giving/imports/"]["post"]
    assert "multipart/form-data" in imports["requestBody"]["content"]
    fields = imports["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert fields == {"$ref": "#/components/schemas/Giving360ImportRequest"}
    request = schema["components"]["schemas"]["Giving360ImportRequest"]["properties"]
    assert {"file", "dry_run", "as_awarded", "programme", "skip_bad_rows"} <= set(request)
    assert {"200", "201", "400", "403"} <= set(imports["responses"])
    assert set(schema["paths"]["/api/v1/360giving/quality/"]) >= {"get", "post"}
