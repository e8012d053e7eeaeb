"""The admin's Import of a 360Giving file: preview, then all of it, or the rows that are right with the others
offered for download; problems grouped by cause, never a traceback. And the awards Import (the engine's
own) shows its problems grouped too."""

import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.models import Award

from .conftest import award_row
from .test_permissions import awards_file

DATA = Path(__file__).with_name("data")
URL = "admin:grants_award_import_360giving"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return settings.MEDIA_ROOT


def upload(name, **fields):
    return {"file": SimpleUploadedFile(name, (DATA / name).read_bytes()), **fields}


def test_the_award_list_offers_the_360giving_import(world, client):
    client.force_login(world.manager)
    page = client.get(reverse("admin:grants_award_changelist")).content.decode()
    assert reverse(URL) in page and "Import 360Giving file" in page


def test_preview_then_import_as_awarded(world, client, media):
    client.force_login(world.manager)
    preview = client.post(reverse(URL), upload("wolfson-foundation.json", as_awarded="yes"))
    html = preview.content.decode()
    assert preview.status_code == 200 and Award.objects.count() == 0
    assert "30 grants (JSON data package)" in html and "30 with no official identifier" in html
    assert "As awarded: 30 active (in delivery)." in html
    token = preview.context["token"]
    done = client.post(reverse(URL), {"token": token, "mode": "all"})
    assert done.status_code == 302
    assert Award.objects.filter(state=Award.State.ACTIVE).count() == 30
    again = client.post(reverse(URL), {"token": token, "mode": "all"}, follow=True)
    assert "already done or has expired" in again.content.decode()
    assert Award.objects.count() == 30


def test_problems_grouped_and_the_good_rows_imported_beside_them(world, client, media):
    client.force_login(world.manager)
    preview = client.post(reverse(URL), upload("lloyds-bank-foundation.json", as_awarded="yes"))
    html = preview.content.decode()
    assert "Traceback" not in html and "/work/" not in html
    assert "2 grants: column “Description”: this column is empty; the 360Giving standard requires a description" in html
    assert "Import the 48 that are right" in html and 'value="all"' not in html
    done = client.post(reverse(URL), {"token": preview.context["token"], "mode": "skip"}, follow=True)
    page = done.content.decode()
    assert Award.objects.count() == 48
    assert "48 imported" in page and "Download the rows left out" in page
    token = preview.context["token"]
    download = client.get(reverse("admin:grants_award_import_360giving_problems", args=[token]))
    rejected = json.loads(b"".join(download.streaming_content))
    assert [len(g["problems"]) for g in rejected["grants"]] == [1, 1]


def test_a_file_that_is_not_360giving_is_a_sentence_on_the_form(world, client, media):
    client.force_login(world.manager)
    response = client.post(reverse(URL), {"file": SimpleUploadedFile("grants.csv", b"Name,Colour\nA,red\n")})
    assert response.status_code == 200
    assert "has none of the 360Giving column titles" in response.content.decode()


def test_a_partner_gets_no_360giving_import(world, client):
    world.partner.is_staff = True
    world.partner.save()
    client.force_login(world.partner)
    assert client.get(reverse(URL)).status_code in (302, 403)


def test_the_awards_import_groups_problems_and_never_shows_a_traceback(world, client):
    client.force_login(world.manager)
    data = awards_file(world)
    for n in range(2, 5):
        data.append(award_row(f"360G-WM-000{n}", "GB-CHC-0000000"))
    csv = io.BytesIO(data.csv.encode())
    csv.name = "awards.csv"
    preview = client.post(reverse("admin:grants_award_import"), {"resource": "0", "format": "0", "import_file": csv})
    html = preview.content.decode()
    assert "3 rows: column “Recipient”: unknown recipient organisation identifier … — rows 3, 4, 5" in html
    assert "Traceback" not in html
