"""Attachments on an application: the applying team uploads, lists, downloads and removes them; each file is
judged by its content (workflow.filetypes, as progress-update evidence is); the file reaches nobody the one
scope keeps out — a conflicted assessor, a blind call's assessor — on the page, the API and the admin."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import OrganisationMembership
from assessment import services
from assessment.models import Attachment
from tests import factories as f
from tests.conftest import member
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import history

from .builders import open_assignment, open_call, submitted_application, text_file

Role = OrganisationMembership.Role
SECRET_FILE = "Ltr-0f-SUPPORT"


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def draft(world, call):
    return services.application_start(
        call=call, actor=world.partner, organisation=world.partner_org, title="Reviews", amount_requested=20000
    )


def test_the_team_attaches_a_file_on_the_page_and_downloads_it(client, world, draft):
    client.force_login(world.partner)
    upload = SimpleUploadedFile("support letter.txt", f"{SECRET_FILE} from the LA".encode())
    response = client.post(
        f"/calls/applications/{draft.pk}/attachments/", {"file": upload, "description": "Letter from the council"}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(application=draft)
    assert attachment.original_name == "support_letter.txt" and attachment.content_type == "text/plain"
    assert attachment.file.name.startswith("applications/") and attachment.file.name.endswith(".txt")
    page = client.get(f"/calls/applications/{draft.pk}/").content.decode()
    assert "support_letter.txt" in page and "Letter from the council" in page
    download = client.get(f"/calls/attachments/{attachment.pk}/")
    assert download.status_code == 200 and SECRET_FILE.encode() in _body(download)
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert any(entry.transition == "attachment_add" for entry in history(draft.award))


def test_a_file_is_judged_by_its_content_not_its_name(client, world, draft):
    client.force_login(world.partner)
    program = SimpleUploadedFile("budget.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff")
    response = client.post(f"/calls/applications/{draft.pk}/attachments/", {"file": program}, follow=True)
    assert "whatever its name says" in response.content.decode()
    assert not Attachment.objects.exists()
    with pytest.raises(Exception, match="empty"):
        services.attachment_add(application=draft, actor=world.partner, upload=SimpleUploadedFile("a.txt", b""))


def test_the_api_uploads_lists_downloads_and_removes(client, world, draft, media):
    client.force_login(world.partner)
    response = client.post(
        f"/api/v1/applications/{draft.pk}/attachments/",
        {"file": SimpleUploadedFile("plan.csv", b"school,visits\nA,3\n"), "description": "Visit plan"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "text/csv" and body["description"] == "Visit plan"
    listed = client.get(f"/api/v1/attachments/?application={draft.pk}").json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    file = client.get(body["download"])
    assert file.status_code == 200 and _body(file) == b"school,visits\nA,3\n"
    stored = media / Attachment.objects.get().file.name
    assert stored.is_file()
    bad = client.post(f"/api/v1/applications/{draft.pk}/attachments/", {"file": SimpleUploadedFile("x.pdf", b"\0\1")})
    assert bad.status_code == 400 and "whatever its name says" in str(bad.json())
    assert client.delete(f"/api/v1/attachments/{body['id']}/").status_code == 204
    assert not Attachment.objects.exists()


def test_only_the_team_while_it_may_edit_adds_or_removes(client, world, call, draft):
    attachment = services.attachment_add(application=draft, actor=world.partner, upload=text_file("x"))
    with pytest.raises(PermissionRefused):
        services.attachment_add(application=draft, actor=world.partner_b, upload=text_file("y"))
    with pytest.raises(PermissionRefused):
        services.attachment_remove(attachment=attachment, actor=world.partner_b)
    client.force_login(world.partner_b)
    assert client.get(f"/calls/attachments/{attachment.pk}/").status_code == 404
    assert client.post(f"/calls/attachments/{attachment.pk}/remove/").status_code == 404
    assert client.delete(f"/api/v1/attachments/{attachment.pk}/").status_code == 404
    # Once submitted, the files are part of the bid: nobody changes them.
    submitted = submitted_application(call, world.partner, world.partner_org, files=1)
    with pytest.raises(TransitionRefused, match="submitted"):
        services.attachment_remove(attachment=submitted.attachments.get(), actor=world.partner)
    assert Attachment.objects.count() == 2


@pytest.mark.parametrize("blind", [False, True])
def test_an_unconflicted_assessor_gets_the_file_unless_the_call_is_blind(client, world, blind):
    call = open_call(world.manager, world.programme, title=f"Blind {blind}", blind=blind)
    application = submitted_application(call, world.partner, world.partner_org, files=1)
    attachment = application.attachments.get()
    assessor = member(Role.PARTNER, f.OrganisationFactory(name="Outside Trust"), username="outsider")
    open_assignment(application, world.manager, assessor)
    client.force_login(assessor)
    doors = [
        f"/calls/attachments/{attachment.pk}/",
        f"/api/v1/attachments/{attachment.pk}/download/",
        f"/api/v1/attachments/{attachment.pk}/",
    ]
    expected = 404 if blind else 200
    assert [client.get(url).status_code for url in doors] == [expected] * 3
    listed = client.get("/api/v1/attachments/").json()["results"]
    assert len(listed) == (0 if blind else 1)
    page = client.get(f"/calls/applications/{application.pk}/").content.decode()
    assert ("letter.txt" in page) is (not blind)
    # The call's managers see who is applying, blind or not: they get the file.
    client.force_login(world.manager)
    assert client.get(doors[0]).status_code == 200


def test_a_manager_who_stood_aside_does_not_get_the_file(client, world, call):
    application = submitted_application(call, world.partner, world.partner_org, files=1)
    attachment = application.attachments.get()
    assignment = services.assessor_assign(application=application, actor=world.manager, assessor=world.second_manager)
    services.assessment_declare(assignment=assignment, actor=world.second_manager, conflict=True, reason="My trust.")
    client.force_login(world.second_manager)
    assert client.get(f"/calls/attachments/{attachment.pk}/").status_code == 404
    assert client.get(f"/api/v1/attachments/{attachment.pk}/download/").status_code == 404
    client.force_login(world.manager)
    assert client.get(f"/api/v1/attachments/{attachment.pk}/download/").status_code == 200


def test_the_attachment_list_costs_the_same_queries_whatever_its_length(
    client, world, call, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submitted_application(call, world.partner, world.partner_org, files=1)
    client.force_login(world.manager)
    client.get("/api/v1/attachments/")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/attachments/").status_code == 200
    for i in range(3):
        submitted_application(call, world.partner, world.partner_org, title=f"More {i}", files=3)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/attachments/").json()["results"]) == 10
    assert len(many) == len(one)
