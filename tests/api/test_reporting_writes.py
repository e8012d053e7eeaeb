"""Writes on reporting through the API, by the same services as the pages: partners start and edit
their updates (results, spend, reach, evidence files), managers set schedules, extra due dates and
extensions and write evaluations; funders only read. Refusals: 400 by field, 403, 404, 409."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants import services as grant_services
from partnerships import services as partnership_services
from reporting import services
from reporting.models import DueDateExtension, Evaluation, EvidenceFile, ProgressUpdate, ReportingSchedule
from tests import factories as f
from tests.helpers import force_state

SPRING = ("2026-01-05", "2026-03-31")
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 100


def active_award(world, programme, recipient, partner, manager, partnership, amount="40000.00"):
    award = f.AwardFactory(
        programme=programme,
        recipient=recipient,
        partnership=partnership,
        amount_requested=Decimal(amount),
        planned_start=dt.date(2026, 1, 5),
        planned_end=dt.date(2026, 12, 18),
        reporting_frequency="termly",
    )
    award = grant_services.award_transition(award=award, name="submit", actor=partner)
    for name in ("start_assessment", "approve", "activate"):
        award = grant_services.award_transition(award=award, name=name, actor=manager)
    return award


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def award(world):
    award = active_award(world, world.programme, world.partner_org, world.partner, world.manager, world.partnership)
    f.IndicatorFactory(award=award, name="Children reached", unit="children", breakdowns="Primary, Secondary")
    f.IndicatorFactory(award=award, name="Attendance", unit="%", baseline=Decimal("91"), target=Decimal("95"))
    return award


@pytest.fixture
def award_b(world):
    return active_award(
        world, world.programme_b, world.partner_org_b, world.partner_b, world.manager_b, world.partnership_b
    )


def indicators(award):
    return {i.name: i for i in award.indicators.all()}


@pytest.fixture
def draft(world, award):
    update = services.update_start(
        actor=world.partner, award=award, period_start=dt.date(2026, 1, 5), period_end=dt.date(2026, 3, 31)
    )
    return services.update_edit(update=update, actor=world.partner, progress="Twelve peer reviews completed.")


def start_body(award, period=SPRING, **extra):
    return {"award": award.pk, "period_start": period[0], "period_end": period[1], **extra}


# Starting an update ------------------------------------------------------------------------------


def test_partner_starts_the_update_for_a_due_period(api, world, award):
    response = api(world.partner).post("/api/v1/updates/", start_body(award), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["author"], body["period_start"], body["due_on"]) == (
        "draft",
        "partner",
        "2026-01-05",
        "2026-04-14",
    )
    assert [t["name"] for t in body["available_transitions"]] == ["submit"]
    again = api(world.partner).post("/api/v1/updates/", start_body(award), format="json")
    assert again.status_code == 409 and "already exists" in again.json()["detail"]
    wrong = api(world.partner).post("/api/v1/updates/", start_body(award, ("2026-02-01", "2026-02-28")), format="json")
    assert wrong.status_code == 409 and "not one of the reporting periods" in wrong.json()["detail"]


@pytest.mark.parametrize(
    "who, status",
    [("partner_b", 400), ("manager", 403), ("manager_b", 403), ("funder", 403), ("funder_b", 403)],
)
def test_only_the_partner_of_the_work_starts_its_update(api, world, award, who, status):
    response = api(getattr(world, who)).post("/api/v1/updates/", start_body(award), format="json")
    assert response.status_code == status, response.content
    if status == 400:  # another organisation's award reads exactly like one that does not exist
        assert "award" in response.json()
    assert not ProgressUpdate.objects.filter(award=award).exists()


def test_start_needs_exactly_one_of_award_or_project(api, world, award, sides):
    both = api(world.partner).post("/api/v1/updates/", start_body(award, project=sides[0].project.pk), format="json")
    assert both.status_code == 400 and "one of them" in both.json()["non_field_errors"][0]
    neither = api(world.partner).post("/api/v1/updates/", {"period_start": SPRING[0], "period_end": SPRING[1]})
    assert neither.status_code == 400


# Editing an update -------------------------------------------------------------------------------


def test_partner_edits_results_spend_and_reach(api, world, award, draft):
    ind = indicators(award)
    birmingham = f.LocalAuthorityFactory()
    dudley = f.LocalAuthorityFactory(name="Dudley", gss_code="E08000027", dfe_code="332")
    body = {
        "challenges": "Supply cover was hard to find.",
        "spend_to_date": "2,500.50",
        "results": [
            {
                "indicator": ind["Children reached"].pk,
                "value": "1,250",
                "note": "Mostly primary pupils.",
                "breakdown": {"Primary": "1000", "Secondary": 250},
            },
            {"indicator": ind["Attendance"].pk, "value": 93.5},
        ],
        "reach": [
            {"local_authority": birmingham.pk, "settings": 3, "children": 900},
            {"local_authority": dudley.pk, "settings": 2, "children": 350},
        ],
    }
    response = api(world.partner).patch(f"/api/v1/updates/{draft.pk}/", body, format="json")
    assert response.status_code == 200, response.content
    out = response.json()
    assert out["progress"] == "Twelve peer reviews completed."  # left out, so unchanged
    assert (out["challenges"], out["spend_to_date"]) == ("Supply cover was hard to find.", "2500.50")
    assert (out["settings_reached"], out["children_reached"]) == (5, 1250)
    results = {r["indicator_name"]: r for r in out["results"]}
    assert results["Children reached"]["value"] == "1250.00"
    assert results["Children reached"]["note"] == "Mostly primary pupils."
    assert results["Children reached"]["breakdown"] == {"Primary": "1000", "Secondary": "250"}
    assert results["Attendance"]["value"] == "93.50"
    assert {r["local_authority_name"]: r["children_reached"] for r in out["reach"]} == {
        "Birmingham": 900,
        "Dudley": 350,
    }
    draft.refresh_from_db()
    assert draft.spend_to_date == Decimal("2500.50")
    assert draft.results.get(indicator=ind["Attendance"]).value == Decimal("93.5")

    # A null figure removes that result; the others stay.
    removed = api(world.partner).patch(
        f"/api/v1/updates/{draft.pk}/", {"results": [{"indicator": ind["Attendance"].pk, "value": None}]}, format="json"
    )
    assert [r["indicator_name"] for r in removed.json()["results"]] == ["Children reached"]


def test_edit_errors_are_400_by_field_in_plain_words_and_change_nothing(api, world, award, draft):
    ind = indicators(award)
    la = f.LocalAuthorityFactory()
    body = {
        "progress": "Changed",
        "spend_to_date": "-5",
        "results": [
            {"indicator": ind["Children reached"].pk, "value": "lots"},
            {"indicator": ind["Attendance"].pk, "value": "140"},
            {"indicator": 999999, "value": "1"},
        ],
        "reach": [{"local_authority": la.pk, "children": 3}, {"local_authority": la.pk, "children": 4}],
    }
    response = api(world.partner).patch(f"/api/v1/updates/{draft.pk}/", body, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert errors["spend_to_date"] == ["Spend to date cannot be negative."]
    assert errors["results"][str(ind["Children reached"].pk)] == [
        "Children reached must be a number, like 120 or 12.5."
    ]
    assert "between 0 and 100" in errors["results"][str(ind["Attendance"].pk)][0]
    assert "does not report on" in errors["results"]["non_field_errors"][0]
    assert "listed twice" in errors["reach"][0]
    draft.refresh_from_db()
    assert draft.progress == "Twelve peer reviews completed." and not draft.results.exists()

    shape = api(world.partner).patch(
        f"/api/v1/updates/{draft.pk}/", {"results": [{"value": "3"}], "reach": [{"children": -1}]}, format="json"
    )
    assert shape.status_code == 400
    assert "indicator" in shape.json()["results"]["0"] and "local_authority" in shape.json()["reach"]["0"]
    twice = [{"indicator": ind["Attendance"].pk, "value": "90"}] * 2
    assert api(world.partner).patch(f"/api/v1/updates/{draft.pk}/", {"results": twice}, format="json").json() == {
        "results": ["Give each indicator once."]
    }


@pytest.mark.parametrize(
    "who, state, status",
    [
        ("partner", ProgressUpdate.State.DRAFT, 200),
        ("partner", ProgressUpdate.State.CHANGES_REQUESTED, 200),
        ("partner", ProgressUpdate.State.SUBMITTED, 409),
        ("partner", ProgressUpdate.State.ACCEPTED, 409),
        ("partner_b", ProgressUpdate.State.DRAFT, 404),
        ("partner_b", ProgressUpdate.State.ACCEPTED, 404),
        ("manager", ProgressUpdate.State.SUBMITTED, 403),
        ("manager_b", ProgressUpdate.State.SUBMITTED, 403),
        ("funder", ProgressUpdate.State.ACCEPTED, 403),
        ("funder_b", ProgressUpdate.State.ACCEPTED, 403),
    ],
)
def test_who_may_edit_an_update(api, world, draft, who, state, status):
    update = force_state(draft, state)
    response = api(getattr(world, who)).patch(f"/api/v1/updates/{update.pk}/", {"next_steps": "More"}, format="json")
    assert response.status_code == status, response.content
    update.refresh_from_db()
    assert (update.next_steps == "More") is (status == 200)


def test_an_accepted_update_is_locked_with_the_reason(api, world, draft):
    update = force_state(draft, ProgressUpdate.State.ACCEPTED)
    response = api(world.partner).patch(f"/api/v1/updates/{update.pk}/", {"progress": "Rewritten"}, format="json")
    assert response.status_code == 409
    assert "accepted, so it is locked" in response.json()["detail"]


def test_partner_other_organisation_cannot_edit_by_guessing(api, world, award_b, draft):
    """partner_b's own work is reachable; partner A's is not, even as a write."""
    update_b = services.update_start(
        actor=world.partner_b, award=award_b, period_start=dt.date(2026, 1, 5), period_end=dt.date(2026, 3, 31)
    )
    assert (
        api(world.partner).patch(f"/api/v1/updates/{update_b.pk}/", {"progress": "x"}, format="json").status_code == 404
    )
    assert (
        api(world.partner_b).patch(f"/api/v1/updates/{update_b.pk}/", {"progress": "x"}, format="json").status_code
        == 200
    )


# Evidence ----------------------------------------------------------------------------------------


def upload(client, update, name, content):
    return client.post(
        f"/api/v1/updates/{update.pk}/evidence/", {"file": SimpleUploadedFile(name, content)}, format="multipart"
    )


def test_partner_uploads_and_downloads_evidence(api, world, draft, media):
    response = upload(api(world.partner), draft, "../../etc/peer review.pdf", PDF)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["original_name"], body["content_type"], body["size"]) == (
        "peer_review.pdf",
        "application/pdf",
        len(PDF),
    )
    assert api(world.partner).get(f"/api/v1/updates/{draft.pk}/").json()["evidence"][0]["id"] == body["id"]
    listed = api(world.partner).get("/api/v1/evidence/", {"update": draft.pk}).json()
    assert [e["id"] for e in listed["results"]] == [body["id"]]

    file = api(world.partner).get(body["download"])
    assert file.status_code == 200
    assert file["Content-Type"] == "application/pdf" and file["X-Content-Type-Options"] == "nosniff"
    assert b"".join(file.streaming_content) == PDF
    assert "peer_review.pdf" in file["Content-Disposition"]
    stored = EvidenceFile.objects.get(pk=body["id"])
    assert "peer" not in stored.file.name and stored.uploaded_by == world.partner


def test_evidence_of_another_organisation_is_not_found(api, world, draft, media):
    evidence_id = upload(api(world.partner), draft, "notes.txt", b"Peer review notes\n").json()["id"]
    for who in ("partner_b", "manager_b", "funder", "funder_b", "manager"):  # a draft: the partner's own
        client = api(getattr(world, who))
        assert client.get(f"/api/v1/evidence/{evidence_id}/download/").status_code == 404, who
        assert client.get(f"/api/v1/evidence/{evidence_id}/").status_code == 404, who
        assert client.get("/api/v1/evidence/").json()["count"] == 0, who
    submitted = force_state(draft, ProgressUpdate.State.SUBMITTED)
    assert api(world.manager).get(f"/api/v1/evidence/{evidence_id}/download/").status_code == 200
    assert api(world.manager_b).get(f"/api/v1/evidence/{evidence_id}/download/").status_code == 404
    assert upload(api(world.partner_b), submitted, "x.txt", b"hello").status_code == 404
    assert api(world.partner).get("/api/v1/evidence/999999/download/").status_code == 404


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("report.pdf", EXE, "whatever its name says"),
        ("empty.txt", b"", "empty"),
        ("big.txt", b"x" * 2000, "smaller than"),
    ],
)
def test_evidence_refusals_are_400_on_the_file(api, world, draft, media, settings, name, content, message):
    settings.EVIDENCE_MAX_BYTES = 1000
    response = upload(api(world.partner), draft, name, content)
    assert response.status_code == 400
    assert message in response.json()["file"][0]
    assert not EvidenceFile.objects.exists()


def test_evidence_needs_a_file_and_an_editable_update_of_ones_own(api, world, draft, media):
    client = api(world.partner)
    assert "file" in client.post(f"/api/v1/updates/{draft.pk}/evidence/", {}, format="multipart").json()
    accepted = force_state(draft, ProgressUpdate.State.ACCEPTED)
    locked = upload(client, accepted, "notes.txt", b"Notes\n")
    assert locked.status_code == 409 and "locked" in locked.json()["detail"]
    assert upload(api(world.funder), accepted, "notes.txt", b"Notes\n").status_code == 403
    assert upload(api(world.manager), accepted, "notes.txt", b"Notes\n").status_code == 403


def test_partner_removes_evidence_only_while_editable(api, world, draft, media):
    client = api(world.partner)
    first = upload(client, draft, "a.txt", b"A\n").json()["id"]
    second = upload(client, draft, "b.txt", b"B\n").json()["id"]
    assert client.delete(f"/api/v1/evidence/{first}/").status_code == 204
    assert list(EvidenceFile.objects.values_list("pk", flat=True)) == [second]
    force_state(draft, ProgressUpdate.State.SUBMITTED)
    assert client.delete(f"/api/v1/evidence/{second}/").status_code == 409
    assert api(world.manager).delete(f"/api/v1/evidence/{second}/").status_code == 403
    assert api(world.partner_b).delete(f"/api/v1/evidence/{second}/").status_code == 404
    assert EvidenceFile.objects.filter(pk=second).exists()


# Schedules, extra due dates, extensions ----------------------------------------------------------


def test_manager_sets_the_schedule_of_an_award(api, world, award):
    client = api(world.manager)
    saved = client.post("/api/v1/schedules/", {"award": award.pk}, format="json")
    assert saved.status_code == 201, saved.content
    assert (saved.json()["frequency"], saved.json()["starts_on"], saved.json()["ends_on"]) == (
        "termly",
        "2026-01-05",
        "2026-12-18",
    )
    changed = client.post("/api/v1/schedules/", {"award": award.pk, "frequency": "quarterly"}, format="json")
    assert changed.status_code == 200 and changed.json()["id"] == saved.json()["id"]
    schedule_id = saved.json()["id"]
    patched = client.patch(f"/api/v1/schedules/{schedule_id}/", {"ends_on": "2027-03-31"}, format="json")
    assert patched.status_code == 200 and patched.json()["ends_on"] == "2027-03-31"
    award.refresh_from_db()
    assert award.reporting_frequency == "quarterly"
    bad = client.patch(f"/api/v1/schedules/{schedule_id}/", {"ends_on": "2025-01-01"}, format="json")
    assert bad.status_code == 400 and "end on or after" in bad.json()["ends_on"][0]
    periods = client.get(f"/api/v1/schedules/{schedule_id}/periods/").json()
    assert periods[0]["period_start"] == "2026-01-05" and periods[-1]["is_final"] is True


@pytest.mark.parametrize(
    "who, create_status, read_status",
    [
        ("partner", 403, 200),
        ("funder", 403, 200),
        ("manager_b", 400, 404),
        ("partner_b", 403, 404),
        ("funder_b", 403, 404),
    ],
)
def test_who_may_set_schedules(api, world, award, who, create_status, read_status):
    schedule_id = api(world.manager).post("/api/v1/schedules/", {"award": award.pk}, format="json").json()["id"]
    client = api(getattr(world, who))
    assert client.post(
        "/api/v1/schedules/", {"award": award.pk, "frequency": "monthly"}, format="json"
    ).status_code == (create_status)
    assert client.get(f"/api/v1/schedules/{schedule_id}/").status_code == read_status
    patch = client.patch(f"/api/v1/schedules/{schedule_id}/", {"frequency": "monthly"}, format="json")
    assert patch.status_code == (403 if who.startswith(("partner", "funder")) else 404)
    assert ReportingSchedule.objects.get(pk=schedule_id).frequency == "termly"


def test_manager_extends_a_due_date_and_it_is_kept_with_who_and_why(api, world, award, draft):
    client = api(world.manager)
    schedule_id = client.post("/api/v1/schedules/", {"award": award.pk}, format="json").json()["id"]
    url = f"/api/v1/schedules/{schedule_id}/extend/"
    body = {"period_end": "2026-03-31", "new_due_on": "2026-05-01", "reason": "Ofsted inspection in April."}
    response = client.post(url, body, format="json")
    assert response.status_code == 200, response.content
    (extension,) = response.json()["extensions"]
    assert (extension["extended_by"], extension["original_due_on"], extension["new_due_on"]) == (
        "manager",
        "2026-04-14",
        "2026-05-01",
    )
    row = DueDateExtension.objects.get()
    assert (row.extended_by, row.reason) == (world.manager, "Ofsted inspection in April.")
    draft.refresh_from_db()
    assert draft.due_on == dt.date(2026, 5, 1)  # the partner's update moves with it
    spring = api(world.partner).get(f"/api/v1/schedules/{schedule_id}/periods/").json()[0]
    assert (spring["due_on"], spring["extended"], spring["update"]) == ("2026-05-01", True, draft.pk)
    # The manager sees the period, but not the partner's draft in it.
    assert client.get(f"/api/v1/schedules/{schedule_id}/periods/").json()[0]["update"] is None

    no_reason = client.post(url, {**body, "new_due_on": "2026-06-01", "reason": " "}, format="json")
    assert no_reason.status_code == 400 and "Say why" in no_reason.json()["reason"][0]
    earlier = client.post(url, {**body, "new_due_on": "2026-04-20"}, format="json")
    assert earlier.status_code == 400 and "after the current one" in earlier.json()["new_due_on"][0]
    unknown = client.post(url, {**body, "period_end": "2026-02-28"}, format="json")
    assert unknown.status_code == 409 and "no report for a period ending" in unknown.json()["detail"]
    assert api(world.partner).post(url, body, format="json").status_code == 403
    assert api(world.funder).post(url, body, format="json").status_code == 403
    assert api(world.manager_b).post(url, body, format="json").status_code == 404
    assert DueDateExtension.objects.count() == 1


def test_manager_adds_an_extra_due_date(api, world, award):
    client = api(world.manager)
    schedule_id = client.post("/api/v1/schedules/", {"award": award.pk}, format="json").json()["id"]
    url = f"/api/v1/schedules/{schedule_id}/due-dates/"
    body = {"period_start": "2026-01-05", "period_end": "2026-02-13", "due_on": "2026-02-20", "label": "Board"}
    response = client.post(url, body, format="json")
    assert response.status_code == 200, response.content
    assert [(d["label"], d["added_by"]) for d in response.json()["ad_hoc_dates"]] == [("Board", "manager")]
    again = client.post(url, body, format="json")
    assert again.status_code == 400 and "already an extra report" in again.json()["period_start"][0]
    backwards = client.post(url, {**body, "period_end": "2026-01-01", "due_on": "2026-01-01"}, format="json")
    assert backwards.status_code == 400 and "period_end" in backwards.json()
    assert api(world.partner).post(url, {**body, "label": "x"}, format="json").status_code == 403
    assert api(world.manager_b).post(url, {**body, "label": "x"}, format="json").status_code == 404
    # The partner can then start the extra report.
    started = api(world.partner).post(
        "/api/v1/updates/", start_body(award, ("2026-01-05", "2026-02-13")), format="json"
    )
    assert started.status_code == 201 and started.json()["due_on"] == "2026-02-20"


# Evaluations -------------------------------------------------------------------------------------


def test_manager_begins_writes_and_completes_an_evaluation(api, world, award):
    client = api(world.manager)
    response = client.post("/api/v1/evaluations/", {"award": award.pk, "note": "Delivery finished."}, format="json")
    assert response.status_code == 201, response.content
    evaluation = response.json()
    assert "Children reached" in evaluation["outcomes"]  # prefilled from the indicators
    award.refresh_from_db()
    assert award.state == "in_evaluation"
    again = client.post("/api/v1/evaluations/", {"award": award.pk}, format="json")
    assert again.status_code == 200 and again.json()["id"] == evaluation["id"]

    url = f"/api/v1/evaluations/{evaluation['id']}/"
    assert "rating" in client.patch(url, {"rating": "brilliant"}, format="json").json()
    early = client.post(f"{url}complete/")
    assert early.status_code == 409 and "what worked" in early.json()["detail"]
    fields = {
        "what_worked": "Paired headteachers.",
        "lessons": "Start with a shared audit.",
        "rating": "met",
        "stage_reached": "improve",
    }
    edited = client.patch(url, fields, format="json")
    assert edited.status_code == 200 and edited.json()["rating"] == "met"
    assert api(world.partner).post(f"{url}complete/").status_code == 403
    assert api(world.manager_b).post(f"{url}complete/").status_code == 404
    done = client.post(f"{url}complete/")
    assert done.status_code == 200 and done.json()["completed_at"]
    frozen = client.patch(url, {"lessons": "Changed"}, format="json")
    assert frozen.status_code == 409 and "can no longer change" in frozen.json()["detail"]
    assert Evaluation.objects.get().lessons == "Start with a shared audit."


@pytest.mark.parametrize("who, status", [("partner", 403), ("funder", 403), ("manager_b", 400), ("partner_b", 403)])
def test_only_the_manager_of_the_work_begins_its_evaluation(api, world, award, who, status):
    response = api(getattr(world, who)).post("/api/v1/evaluations/", {"award": award.pk}, format="json")
    assert response.status_code == status
    award.refresh_from_db()
    assert award.state == "active" and not Evaluation.objects.exists()


def test_evaluation_edit_by_others_is_refused(api, world, award):
    evaluation = services.evaluation_begin(actor=world.manager, award=award)
    url = f"/api/v1/evaluations/{evaluation.pk}/"
    assert api(world.partner).patch(url, {"lessons": "x"}, format="json").status_code == 403
    assert api(world.funder).patch(url, {"lessons": "x"}, format="json").status_code == 403
    assert api(world.manager_b).patch(url, {"lessons": "x"}, format="json").status_code == 404
    assert api(world.second_manager).patch(url, {"lessons": "Shared"}, format="json").status_code == 200


# Query counts ------------------------------------------------------------------------------------


def grow(world, award, n, media):
    for i in range(n):
        other = active_award(
            world, world.programme, world.partner_org, world.partner, world.manager, world.partnership, "100.00"
        )
        schedule = services.schedule_save(
            actor=world.manager,
            award=other,
            frequency="termly",
            starts_on=other.planned_start,
            ends_on=other.planned_end,
        )
        services.due_date_add(
            actor=world.manager,
            award=other,
            due_on=dt.date(2026, 2, 20),
            period_start=dt.date(2026, 1, 5),
            period_end=dt.date(2026, 2, 13),
            label=f"Board {i}",
        )
        services.due_date_extend(
            actor=world.manager,
            award=other,
            period_end=dt.date(2026, 3, 31),
            new_due_on=dt.date(2026, 5, 1),
            reason="x",
        )
        assert schedule.pk
        update = services.update_start(
            actor=world.partner, award=other, period_start=dt.date(2026, 1, 5), period_end=dt.date(2026, 3, 31)
        )
        update = services.update_edit(
            update=update,
            actor=world.partner,
            progress="Done",
            reach=[{"local_authority": f.LocalAuthorityFactory(), "settings": 1, "children": 2}],
        )
        for name in ("a.txt", "b.txt"):
            services.evidence_add(update=update, actor=world.partner, upload=SimpleUploadedFile(name, b"Notes\n"))
        services.update_submit(update=update, actor=world.partner)


@pytest.mark.parametrize("who", ["manager", "partner"])
def test_new_lists_run_a_fixed_number_of_queries(api, world, award, media, who, django_assert_max_num_queries):
    client = api(getattr(world, who))
    endpoints = ["schedules", "evidence", "updates"]

    def measure():
        counts = {}
        for endpoint in endpoints:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(f"/api/v1/{endpoint}/", {"page_size": 200})
            assert response.status_code == 200
            counts[endpoint] = (len(ctx.captured_queries), response.json()["count"])
        return counts

    grow(world, award, 2, media)
    measure()
    small = measure()
    grow(world, award, 5, media)
    for endpoint in endpoints:
        with django_assert_max_num_queries(10):
            client.get(f"/api/v1/{endpoint}/", {"page_size": 200})
    large = measure()
    for endpoint in endpoints:
        assert large[endpoint][0] == small[endpoint][0], endpoint
        assert large[endpoint][1] > small[endpoint][1], endpoint


def test_unfunded_project_schedule_update_and_evaluation(api, world):
    """A project in delivery with no award reports itself: the same endpoints take `project`."""
    project = f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org)
    project = partnership_services.project_transition(project=project, name="propose", actor=world.partner)
    for name in ("start_review", "approve", "start_delivery"):
        project = partnership_services.project_transition(project=project, name=name, actor=world.manager)
    body = {"project": project.pk, "frequency": "one_off", "starts_on": "2026-01-05", "ends_on": "2026-07-17"}
    assert api(world.partner).post("/api/v1/schedules/", body, format="json").status_code == 403
    saved = api(world.manager).post("/api/v1/schedules/", body, format="json")
    assert saved.status_code == 201 and saved.json()["project_reference"] == project.reference
    period = {"project": project.pk, "period_start": "2026-01-05", "period_end": "2026-07-17"}
    started = api(world.partner).post("/api/v1/updates/", period, format="json")
    assert started.status_code == 201, started.content
    assert started.json()["is_final"] is True
    evaluation = api(world.manager).post("/api/v1/evaluations/", {"project": project.pk}, format="json")
    assert evaluation.status_code == 201 and evaluation.json()["project"] == project.pk
    project.refresh_from_db()
    assert project.state == "in_evaluation"
