"""A person's data: the export holds all of theirs and nothing of anyone else's; erasure replaces their name
by a pseudonym on every door (pages, API, exports, backup, PDF) while the money and history still add up."""

import gzip
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, Sum
from pypdf import PdfReader

from accounts import personal_data
from accounts.models import AuditEvent, ErasedPerson
from grants.models import Award, Payment
from workflow.models import MoneyChange, TransitionLog

from .conftest import COLLEAGUE, SUBJECT

User = get_user_model()
NAMES = ["Quartermain", "zquartermain", "zebedee.quartermain"]


def assert_nameless(text: str, where: str):
    for name in NAMES:
        assert name.lower() not in text.lower(), f"{name!r} still shows in {where}"


def test_export_holds_the_account_memberships_writing_and_logs(story, client):
    client.force_login(story.person)
    data = json.loads(personal_data.dumps(personal_data.export(story.person)))
    assert data["account"]["email"] == SUBJECT["email"]
    assert data["account"]["last_name"] == "Quartermain"
    assert [m["organisation"] for m in data["memberships"]] == ["Summit Learning Trust"]
    records = data["records"]
    awards = records["grants.Award (awards)"]
    assert [a["title"] for a in awards] == ["Reading recovery in Dudley"]
    updates = records["reporting.ProgressUpdate (progress updates)"]
    assert updates[0]["progress"] == "Zebedee Quartermain led twelve peer reviews."
    steps = records["workflow.TransitionLog (transition logs)"]
    assert [s["transition"] for s in steps] == ["create", "submit"] or {"submit"} <= {s["transition"] for s in steps}
    assert all(s["names_you_as"] == ["actor"] for s in steps)
    assert any(e["what"] == "Signed in" for e in data["audit_log"])


def test_export_holds_nothing_of_anyone_else(story):
    text = personal_data.dumps(personal_data.export(story.person))
    for other in (COLLEAGUE["last_name"], COLLEAGUE["username"], COLLEAGUE["email"], "root"):
        assert other.lower() not in text.lower()
    # The update's reviewer is someone else: their key is left out, not just their name.
    update = json.loads(text)["records"]["reporting.ProgressUpdate (progress updates)"][0]
    assert "reviewed_by_id" not in update and "reviewed_by" not in update


def test_permission_change_by_someone_else_says_another_person(story, client, world):
    from accounts.audit import record_permission_change

    record_permission_change(actor=story.colleague, subject_user=story.person, detail="Partner role granted")
    events = personal_data.export(story.person)["audit_log"]
    change = next(e for e in events if e["what"] == "Permission changed")
    assert change["by"] == "another person"
    assert COLLEAGUE["username"] not in change["detail"] and "another person" in change["detail"]
    assert change["ip_address"] is None


def test_download_page_gives_the_file_and_audits_it(story, client):
    client.force_login(story.person)
    page = client.get("/accounts/me/data/")
    assert page.status_code == 200 and b"Download your data" in page.content
    response = client.post("/accounts/me/data/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="exchange-personal-data-zquartermain')
    data = json.loads(response.content)
    assert data["account"]["username"] == "zquartermain"
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.DATA_EXPORT)
    assert event.actor == story.person and event.username == "zquartermain" and "web page" in event.detail


def test_download_page_needs_sign_in(db, client):
    assert client.post("/accounts/me/data/").status_code == 302
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.DATA_EXPORT).exists()


def test_export_command_writes_the_file(story, tmp_path):
    out = tmp_path / "me.json"
    call_command("export_personal_data", "--user", "zquartermain", "-o", str(out), stderr=io.StringIO())
    assert json.loads(out.read_text())["account"]["email"] == SUBJECT["email"]
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.DATA_EXPORT, username="zquartermain").count() == 1


def _totals():
    return {
        "awarded": Award.objects.aggregate(t=Sum("amount_awarded"))["t"],
        "paid": Payment.objects.filter(state="paid").aggregate(t=Sum("amount"))["t"],
        "money log": MoneyChange.objects.aggregate(t=Sum("new_amount"), n=Count("id")),
        "transitions": TransitionLog.objects.count(),
        "by person": TransitionLog.objects.filter(actor=None).count(),
    }


def test_erasure_keeps_every_total_and_log_row(story):
    before = _totals()
    steps_by_person = TransitionLog.objects.filter(actor=story.person).count()
    call_command("erase_person", user="zquartermain", yes=True, stdout=io.StringIO())
    assert _totals() == before
    erased = ErasedPerson.objects.get()
    person = User.objects.get(pk=story.person.pk)
    assert person.get_full_name() == erased.pseudonym and person.username.startswith("erased-")
    assert not person.is_active and not person.has_usable_password() and person.email == ""
    assert TransitionLog.objects.filter(actor=person).count() == steps_by_person
    assert not person.memberships.exists()
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ERASURE)
    assert erased.pseudonym in event.detail
    assert_nameless(event.detail + event.username, "the erasure's own audit entry")


def test_after_erasure_no_door_shows_the_name(story, client, world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(story.person)  # a sign-in audit entry naming them
    client.logout()
    manager = User.objects.get(pk=story.colleague.pk)
    client.force_login(manager)
    pdf_before = client.get(f"/reports/award/{story.award.pk}/")
    assert pdf_before.status_code == 200
    personal_data.erase(user=story.person, actor=world.admin)

    client.force_login(manager)
    pages = [
        f"/awards/{story.award.pk}/",
        f"/payments/{story.payment.pk}/",
        f"/updates/{story.update.pk}/",
        f"/api/v1/awards/{story.award.pk}/",
        "/api/v1/transitions/",
        f"/api/v1/updates/{story.update.pk}/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_nameless(response.content.decode(), url)

    pdf = client.get(f"/reports/award/{story.award.pk}/")
    assert pdf.status_code == 200
    body = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    assert "Erased person" in text or "peer reviews" in text
    assert_nameless(text, "the award's PDF report")
    stored = list((tmp_path / "media").rglob("*.pdf"))
    for path in stored:
        assert_nameless("".join(p.extract_text() for p in PdfReader(path).pages), f"stored {path.name}")

    client.force_login(User.objects.get(pk=world.admin.pk))
    for url in ("/admin/auth/user/", f"/admin/auth/user/{story.person.pk}/change/", "/admin/accounts/auditevent/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_nameless(response.content.decode(), url)

    backup = tmp_path / "backup.json.gz"
    call_command("backup", "-o", str(backup), stdout=io.StringIO())
    assert_nameless(gzip.open(backup, "rt").read(), "the backup")
    export = tmp_path / "awards.csv"
    call_command("export_data", "awards", "-o", str(export), stdout=io.StringIO())
    assert_nameless(export.read_text(), "the awards export")
    colleague_export = personal_data.dumps(personal_data.export(manager))
    assert_nameless(colleague_export, "a colleague's personal data export")


def test_erasure_refuses_yourself_and_twice(story, world):
    with pytest.raises(personal_data.ErasureRefused, match="cannot erase yourself"):
        personal_data.erase(user=story.person, actor=story.person)
    personal_data.erase(user=story.person, actor=world.admin)
    with pytest.raises(personal_data.ErasureRefused, match="already been erased"):
        personal_data.erase(user=story.person, actor=world.admin)


def test_admin_erases_after_confirming(story, client, world):
    client.force_login(world.admin)
    ask = client.post("/admin/auth/user/", {"action": "erase_people", "_selected_action": [story.person.pk]})
    assert ask.status_code == 200 and b"cannot be undone" in ask.content
    assert not ErasedPerson.objects.exists()
    done = client.post(
        "/admin/auth/user/",
        {"action": "erase_people", "_selected_action": [story.person.pk], "confirmed": "yes"},
        follow=True,
    )
    assert b"Erased: the person is now Erased person" in done.content
    assert ErasedPerson.objects.get().user_id == story.person.pk
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.ERASURE).actor_id == world.admin.pk


def test_admin_erase_is_for_administrators_only(story, client, world):
    client.force_login(story.colleague)  # staff, a programme manager, not an administrator
    client.post(
        "/admin/auth/user/",
        {"action": "erase_people", "_selected_action": [story.person.pk], "confirmed": "yes"},
    )
    assert not ErasedPerson.objects.exists()


def test_privacy_and_accessibility_pages_are_public(db, client):
    privacy = client.get("/privacy/")
    assert privacy.status_code == 200 and b"UK General Data Protection Regulation" in privacy.content
    accessibility = client.get("/accessibility/")
    assert accessibility.status_code == 200 and b"WCAG 2.2" in accessibility.content
