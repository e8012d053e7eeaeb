"""A funder's 360Giving file imported on the page (/programmes/360giving/import/): the form, the preview
with its problems grouped by cause and the file's data quality, then all of it or the rows that are right;
the same rule as the admin and the API."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.models import Award

DATA = Path(__file__).with_name("data")
PAGE = reverse("grants:giving360_import")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}


def upload(name, **fields):
    return {"file": SimpleUploadedFile(name, (DATA / name).read_bytes()), **fields}


def test_the_quality_page_leads_to_the_import(world, client):
    client.force_login(world.manager)
    assert PAGE in client.get(reverse("grants:giving360_quality")).content.decode()
    form = client.get(PAGE)
    assert form.status_code == 200 and 'type="file"' in form.content.decode()


def test_preview_then_import_a_real_file_as_awarded(world, client):
    client.force_login(world.manager)
    preview = client.post(PAGE, upload("wolfson-foundation.json", as_awarded="yes"))
    html = preview.content.decode()
    assert preview.status_code == 200 and Award.objects.count() == 0
    assert "wolfson-foundation.json: 30 grants (JSON data package)." in html
    assert "As awarded: 30 active (in delivery)." in html and "Import 30 grants" in html
    assert "Data quality of this file" in html and "No beneficiary location" in html  # 30 of 30, as published
    done = client.post(PAGE, {"token": preview.context["token"], "mode": "all"}, follow=True)
    page = done.content.decode()
    assert done.redirect_chain[-1][0] == reverse("grants:giving360_quality")
    assert "360Giving grants: 30 imported, 0 already in Exchange; saved." in page
    assert "on the 30 approved and later" in page  # the quality checks now cover them
    assert Award.objects.filter(state=Award.State.ACTIVE).count() == 30
    again = client.post(PAGE, {"token": preview.context["token"], "mode": "all"}, follow=True)
    assert "already done or has expired" in again.content.decode() and Award.objects.count() == 30


def test_problems_grouped_and_the_good_rows_imported_with_the_others_to_download(world, client):
    client.force_login(world.manager)
    preview = client.post(PAGE, upload("lloyds-bank-foundation.json", as_awarded="yes"))
    html = preview.content.decode()
    assert "2 grants: column “Description”: this column is empty; the 360Giving standard requires a description" in html
    assert "Import the 48 that are right" in html and 'value="all"' not in html
    token = preview.context["token"]
    done = client.post(PAGE, {"token": token, "mode": "skip"}, follow=True)
    assert "48 imported" in done.content.decode() and "Download the rows left out" in done.content.decode()
    assert Award.objects.count() == 48
    download = client.get(reverse("grants:giving360_import_problems", args=[token]))
    rejected = json.loads(b"".join(download.streaming_content))
    assert len(rejected["grants"]) == 2


def test_a_file_that_is_not_360giving_is_an_error_on_the_form_that_keeps_the_choices(world, client):
    client.force_login(world.manager)
    response = client.post(
        PAGE, {"file": SimpleUploadedFile("grants.csv", b"Name,Colour\nA,red\n"), "programme": "Reading Fund"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and "has none of the 360Giving column titles" in html
    assert 'value="Reading Fund"' in html


def test_a_manager_imports_only_into_a_programme_they_manage(world, client):
    client.force_login(world.manager)
    preview = client.post(PAGE, upload("wolfson-foundation.json", programme="EM Fund"))
    html = preview.content.decode()
    assert "“EM Fund” is not a programme you manage" in html and "Import 30 grants" not in html


@pytest.mark.parametrize("username", ["funder", "partner"])
def test_only_managers_import(world, client, username):
    client.force_login(getattr(world, username))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, upload("wolfson-foundation.json")).status_code == 403
    assert Award.objects.count() == 0
