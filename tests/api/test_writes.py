"""Create and edit through the services, as each role may: managers set up programmes,
partnerships, projects, awards and payments; partners draft projects and applications for their
own organisation; funders only read. Money and state are never written directly."""

from decimal import Decimal

import pytest

from grants.models import Award, FundingProgramme, Payment
from partnerships.models import Partnership, Project
from tests.helpers import force_state
from workflow.models import MoneyChange


def project_body(world, **extra):
    return {
        "partnership": world.partnership.pk,
        "lead_organisation": world.partner_org.pk,
        "title": "Wellbeing peer network",
        "theme": "wellbeing",
        "summary": "Pastoral leads meet termly.",
        "planned_start": "2026-01-05",
        "planned_end": "2026-07-17",
        **extra,
    }


def test_partner_drafts_a_project_for_its_own_organisation(api, world, sides):
    response = api(world.partner).post("/api/v1/projects/", project_body(world), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["lead_organisation"], body["title"]) == (
        "draft",
        world.partner_org.pk,
        "Wellbeing peer network",
    )
    project = Project.objects.get(pk=body["id"])
    assert project.proposed_by == world.partner
    assert [t["name"] for t in body["available_transitions"]] == ["propose", "withdraw"]


def test_partner_cannot_draft_for_another_organisation(api, world, sides):
    body = project_body(world, lead_organisation=world.partner_org_b.pk)
    response = api(world.partner).post("/api/v1/projects/", body, format="json")
    assert response.status_code == 403
    assert "your own organisation" in response.json()["detail"]


def test_partner_cannot_use_a_partnership_it_cannot_see(api, world, sides):
    body = project_body(world, partnership=world.partnership_b.pk)
    response = api(world.partner).post("/api/v1/projects/", body, format="json")
    assert response.status_code == 400
    assert "partnership" in response.json()
    missing = api(world.partner).post("/api/v1/projects/", project_body(world, partnership=999999), format="json")
    # A partnership outside the partner's scope reads exactly like one that does not exist.
    assert missing.json()["partnership"] == [
        m.replace(str(world.partnership_b.pk), "999999") for m in response.json()["partnership"]
    ]


def test_funder_cannot_write_anything(api, world, sides):
    client = api(world.funder)
    assert client.post("/api/v1/projects/", project_body(world), format="json").status_code == 403
    assert client.patch(f"/api/v1/awards/{sides[0].award.pk}/", {"title": "x"}, format="json").status_code == 403
    assert client.post("/api/v1/programmes/", {}, format="json").status_code == 403


def test_validation_errors_are_400_by_field(api, world, sides):
    body = project_body(world, planned_start="2026-07-17", planned_end="2026-01-05", theme="knitting")
    response = api(world.manager).post("/api/v1/projects/", body, format="json")
    assert response.status_code == 400
    assert "theme" in response.json()
    body = project_body(world, planned_start="2026-07-17", planned_end="2026-01-05")
    response = api(world.manager).post("/api/v1/projects/", body, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_partner_edits_its_draft_but_not_once_proposed(api, world, sides):
    a = sides[0]
    client = api(world.partner)
    response = client.patch(f"/api/v1/projects/{a.project_draft.pk}/", {"children_reached": 120}, format="json")
    assert response.status_code == 200 and response.json()["children_reached"] == 120
    response = client.patch(f"/api/v1/projects/{a.project.pk}/", {"children_reached": 5}, format="json")
    assert response.status_code == 409
    assert "only while it is a draft" in response.json()["detail"]
    response = api(world.manager).patch(f"/api/v1/projects/{a.project.pk}/", {"children_reached": 5}, format="json")
    assert response.status_code == 200


def test_manager_sets_up_a_partnership_for_its_own_organisation_only(api, world, sides):
    body = {
        "name": "Black Country Alliance",
        "region": world.partnership.region_id,
        "lead_organisation": world.central.pk,
        "starts_on": "2026-09-01",
    }
    response = api(world.manager).post("/api/v1/partnerships/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["members"][0]["role"] == "lead"
    response = api(world.manager).post(
        "/api/v1/partnerships/", {**body, "name": "Other", "lead_organisation": world.central_b.pk}, format="json"
    )
    assert response.status_code == 403
    assert api(world.partner).post("/api/v1/partnerships/", body, format="json").status_code == 403
    duplicate = api(world.manager).post("/api/v1/partnerships/", body, format="json")
    assert duplicate.status_code == 400 and "name" in duplicate.json()
    assert Partnership.objects.filter(name="Black Country Alliance").count() == 1


def test_manager_creates_a_programme_and_the_budget_is_logged(api, world, sides):
    body = {
        "name": "Recruitment Fund",
        "funder": world.funder_org.pk,
        "managed_by": world.central.pk,
        "partnership": world.partnership.pk,
        "budget": "250000.00",
        "opens_on": "2026-01-01",
        "closes_on": "2027-01-01",
        "identifier_prefix": "360G-WMREC",
    }
    response = api(world.manager).post("/api/v1/programmes/", body, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["budget"], response.json()["committed_total"]) == ("250000.00", "0.00")
    programme = FundingProgramme.objects.get(name="Recruitment Fund")
    assert MoneyChange.objects.get(object_id=programme.pk, field="budget").new_amount == Decimal("250000.00")


def test_programme_budget_cannot_drop_below_committed(api, world, sides):
    force_state(sides[0].award, Award.State.APPROVED)
    Award.objects.filter(pk=sides[0].award.pk).update(amount_awarded=Decimal("60000.00"))
    # Set past the services, so the programme's running total (which the services keep) is set alike.
    FundingProgramme.objects.filter(pk=world.programme.pk).update(committed_amount=Decimal("60000.00"))
    client = api(world.manager)
    response = client.patch(f"/api/v1/programmes/{world.programme.pk}/", {"budget": "50000.00"}, format="json")
    assert response.status_code == 409
    assert "already committed" in response.json()["detail"]
    response = client.patch(
        f"/api/v1/programmes/{world.programme.pk}/", {"budget": "70000.00", "note": "Trimmed"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["budget"], response.json()["committed_total"]) == ("70000.00", "60000.00")


def test_partner_applies_for_its_own_organisation(api, world, sides):
    body = {"programme": world.programme.pk, "recipient": world.partner_org.pk, "title": "Attendance pilot"}
    response = api(world.partner).post("/api/v1/awards/", {**body, "amount_requested": "12000"}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["state"], response.json()["amount_requested"]) == ("draft", "12000.00")
    assert response.json()["amount_awarded"] is None
    award_id = response.json()["id"]
    response = api(world.partner).patch(f"/api/v1/awards/{award_id}/", {"amount_requested": "9000"}, format="json")
    assert response.status_code == 200 and response.json()["amount_requested"] == "9000.00"
    assert [m.new_amount for m in MoneyChange.objects.filter(object_id=award_id, field="amount_requested")] == [
        Decimal("9000.00"),
        Decimal("12000.00"),
    ]
    other = {**body, "recipient": world.partner_org_b.pk, "amount_requested": "1"}
    assert api(world.partner).post("/api/v1/awards/", other, format="json").status_code == 403


def test_award_vary_changes_the_amount_awarded_through_the_service(api, world, sides):
    Award.objects.filter(pk=sides[0].award.pk).update(amount_awarded=Decimal("20000.00"))
    award = force_state(sides[0].award, Award.State.ACTIVE)
    client = api(world.manager)
    response = client.post(f"/api/v1/awards/{award.pk}/vary/", {"amount": "4000", "note": "Cut"}, format="json")
    assert response.status_code == 409  # a 5,000 payment is scheduled already
    assert "already in its payment schedule" in response.json()["detail"]
    response = client.post(f"/api/v1/awards/{award.pk}/vary/", {"amount": "18000", "note": "Cut"}, format="json")
    assert response.status_code == 200 and response.json()["amount_awarded"] == "18000.00"
    assert api(world.partner).post(f"/api/v1/awards/{award.pk}/vary/", {"amount": "1", "note": "x"}).status_code == 403


def test_payments_never_exceed_the_award(api, world, sides):
    Award.objects.filter(pk=sides[0].award.pk).update(amount_awarded=Decimal("20000.00"))
    award = force_state(sides[0].award, Award.State.ACTIVE)
    client = api(world.manager)
    body = {"award": award.pk, "due_on": "2026-06-30", "amount": "15000.00"}
    response = client.post("/api/v1/payments/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "scheduled"
    response = client.post("/api/v1/payments/", {**body, "amount": "0.01"}, format="json")
    assert response.status_code == 409
    assert "more than the £20,000.00 awarded" in response.json()["detail"]
    payment_id = Payment.objects.get(amount=Decimal("15000.00")).pk
    response = client.patch(f"/api/v1/payments/{payment_id}/", {"amount": "15000.01"}, format="json")
    assert response.status_code == 409
    response = client.patch(
        f"/api/v1/payments/{payment_id}/", {"amount": "14000", "note": "Re-profiled"}, format="json"
    )
    assert response.status_code == 200 and response.json()["amount"] == "14000.00"
    award_body = client.get(f"/api/v1/awards/{award.pk}/").json()
    assert (award_body["scheduled_total"], award_body["paid_total"]) == ("19000.00", "0.00")


@pytest.mark.parametrize("who", ["partner", "funder"])
def test_only_managers_schedule_payments(api, world, sides, who):
    body = {"award": sides[0].award.pk, "due_on": "2026-06-30", "amount": "10.00"}
    assert api(getattr(world, who)).post("/api/v1/payments/", body, format="json").status_code == 403


def test_manager_cannot_schedule_on_another_programmes_award(api, world, sides):
    body = {"award": sides[1].award.pk, "due_on": "2026-06-30", "amount": "10.00"}
    response = api(world.manager).post("/api/v1/payments/", body, format="json")
    assert response.status_code == 400 and "award" in response.json()


def test_put_and_delete_are_not_offered(api, world, sides):
    client = api(world.manager)
    assert client.put(f"/api/v1/awards/{sides[0].award.pk}/", {}, format="json").status_code == 405
    assert client.delete(f"/api/v1/awards/{sides[0].award.pk}/").status_code == 405
