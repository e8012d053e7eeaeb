import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reporting import services
from reporting.filetypes import clean_name
from reporting.models import EvidenceFile

from .conftest import start

SPRING = (dt.date(2026, 1, 5), dt.date(2026, 3, 31))
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 100


def office(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", EXE)
    return buffer.getvalue()


@pytest.fixture
def update(world, award, media):
    return start(award, world, *SPRING)


def add(update, actor, name, content):
    return services.evidence_add(update=update, actor=actor, upload=SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("report.pdf", PDF, "application/pdf"),
        ("photo.png", PNG, "image/png"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("plan.docx", office("docx"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("figures.xlsx", office("xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("figures.csv", "school,pupils\nSt Mary’s,120\n".encode(), "text/csv"),
        ("notes.txt", b"Peer review notes\r\n", "text/plain"),
        ("scan-without-extension", PDF, "application/pdf"),  # the content decides, not the name
    ],
)
def test_evidence_accepts_allowed_types_by_content(world, update, name, content, expected):
    evidence = add(update, world.partner, name, content)
    assert evidence.content_type == expected
    assert evidence.size == len(content)
    evidence.file.open("rb")
    assert evidence.file.read() == content


@pytest.mark.parametrize(
    "name, content",
    [
        ("report.pdf", EXE),  # a program renamed .pdf
        ("report.docx", plain_zip()),  # a zip that is not an Office document
        ("photo.png", b"GIF89a" + b"\x00\x01" * 20),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50),
    ],
)
def test_evidence_refuses_disguised_types(world, update, name, content):
    with pytest.raises(ValidationError, match="whatever its name says"):
        add(update, world.partner, name, content)
    assert not EvidenceFile.objects.exists()


def test_evidence_refuses_oversized_and_empty_files(world, update, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="smaller than"):
        add(update, world.partner, "big.txt", b"a" * 1025)
    with pytest.raises(ValidationError, match="empty"):
        add(update, world.partner, "empty.txt", b"")
    assert add(update, world.partner, "fits.txt", b"a" * 1024).size == 1024


@pytest.mark.parametrize(
    "name, shown",
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("/absolute/report.pdf", "report.pdf"),
        ("...", "evidence"),
        ("my report (final).pdf", "my_report_final.pdf"),
        (".htaccess", "htaccess"),
    ],
)
def test_evidence_path_tricks_never_reach_the_stored_name(world, update, media, name, shown):
    evidence = add(update, world.partner, name, b"plain text\n")
    assert evidence.original_name == shown
    stored = evidence.file.name
    assert re.fullmatch(r"evidence/[0-9a-f]{32}\.txt", stored)  # generated, whatever the uploader called it
    path = (media / stored).resolve()
    assert path.is_file() and media.resolve() in path.parents


def test_clean_name_strips_directories():
    assert clean_name("a/b/../c.txt") == "c.txt"
    assert clean_name("") == "evidence"


def test_evidence_download_needs_permission(client, world, update, award_b):
    evidence = add(update, world.partner, "report.pdf", PDF)
    url = reverse("reporting:evidence_download", args=[evidence.pk])
    assert client.get(url).status_code == 302  # signed out: to the login page
    # While it is a draft, only its own organisation (and the administrator) can open its files.
    for outsider in (world.partner_b, world.manager_b, world.funder_b, world.funder, world.manager):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    services.update_submit(update=update, actor=world.partner)
    for outsider in (world.partner_b, world.manager_b, world.funder_b, world.funder):
        # funder: the update is not accepted, so the funder cannot see it or its files
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    for insider in (world.partner, world.manager, world.admin):
        client.force_login(insider)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert 'attachment; filename="report.pdf"' in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"


def test_evidence_only_on_editable_updates_by_their_partner(world, update):
    from workflow.errors import PermissionRefused, TransitionRefused

    with pytest.raises(PermissionRefused):
        add(update, world.partner_b, "a.txt", b"x")
    services.update_submit(update=update, actor=world.partner)
    with pytest.raises(TransitionRefused, match="waiting for a programme manager"):
        add(update, world.partner, "a.txt", b"x")


def test_evidence_remove_deletes_the_file(world, update, media, django_capture_on_commit_callbacks):
    evidence = add(update, world.partner, "a.txt", b"x")
    path = media / evidence.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_remove(evidence=evidence, actor=world.partner)
    assert not EvidenceFile.objects.exists()
    assert not path.exists()
