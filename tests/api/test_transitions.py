"""Transition actions: POST /api/v1/<resource>/{id}/<step>/ runs the service, answers 200 with the
new state, 409 with the reason, 400 for a missing note, 403 when the role may not, 404 outside scope; the log row names
the API user."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from grants.models import Award, Payment
from partnerships.models import Project
from reporting.models import ProgressUpdate
from tests import factories as f
from tests.helpers import force_state
from workflow.models import MoneyChange, TransitionLog


def last_log(obj):
    return TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(obj.__class__), object_id=obj.pk
    ).first()


def test_manager_starts_assessment_and_the_log_names_the_api_user(api, world, sides):
    award = sides[0].award
    response = api(world.manager).post(f"/api/v1/awards/{award.pk}/start_assessment/", {"note": "Looks complete"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "in_assessment"
    assert response.json()["state_label"] == "In assessment"
    log = last_log(award)
    assert (log.transition, log.source, log.target, log.actor, log.note) == (
        "start_assessment",
        "submitted",
        "in_assessment",
        world.manager,
        "Looks complete",
    )


def test_award_approve_takes_an_amount_and_logs_the_money(api, world, sides):
    award = force_state(sides[0].award, Award.State.IN_ASSESSMENT)
    response = api(world.manager).post(f"/api/v1/awards/{award.pk}/approve/", {"amount": "15000.50"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["amount_awarded"], body["amount_requested"]) == ("approved", "15000.50", "20000.00")
    assert MoneyChange.objects.get(object_id=award.pk, field="amount_awarded").actor == world.manager
    assert last_log(award).actor == world.manager


@pytest.mark.parametrize("amount", ["0", "20000.01"])
def test_award_approve_with_an_amount_out_of_range_is_a_400_on_the_amount(api, world, sides, amount):
    """Bad input is a 400 naming the field; a 409 is kept for a state conflict such as the budget."""
    award = force_state(sides[0].award, Award.State.IN_ASSESSMENT)
    response = api(world.manager).post(f"/api/v1/awards/{award.pk}/approve/", {"amount": amount}, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["amount"]
    assert Award.objects.get(pk=award.pk).state == Award.State.IN_ASSESSMENT


def test_award_approve_past_the_budget_is_409_with_the_reason(api, world, sides):
    award = force_state(sides[0].award, Award.State.IN_ASSESSMENT)
    response = api(world.manager).post(f"/api/v1/awards/{award.pk}/approve/", {"amount": "20000.00"})
    assert response.status_code == 200
    second = force_state(
        f.AwardFactory(programme=world.programme, recipient=world.partner_org, amount_requested=Decimal("90000")),
        Award.State.IN_ASSESSMENT,
    )
    response = api(world.manager).post(f"/api/v1/awards/{second.pk}/approve/")
    assert response.status_code == 409
    assert "past its budget" in response.json()["detail"]
    assert Award.objects.get(pk=second.pk).state == Award.State.IN_ASSESSMENT
    assert last_log(second) is None


def test_wrong_state_is_409_in_words(api, world, sides):
    response = api(world.manager).post(f"/api/v1/awards/{sides[0].award.pk}/activate/")
    assert response.status_code == 409
    assert response.json() == {"detail": "This award is submitted, so it cannot be moved with “Start delivery”."}


def test_missing_or_overlong_note_is_400_asking_for_a_reason(api, world, sides):
    """Bad input is a 400 (the request must change), not a 409 (nothing about the award's state is wrong)."""
    response = api(world.manager).post(f"/api/v1/awards/{sides[0].award.pk}/decline/")
    assert response.status_code == 400
    assert "needs a note" in response.json()["detail"]
    response = api(world.manager).post(f"/api/v1/awards/{sides[0].award.pk}/decline/", {"note": "x" * 1001})
    assert response.status_code == 400 and "note" in response.json()
    assert Award.objects.get(pk=sides[0].award.pk).state == Award.State.SUBMITTED
    response = api(world.manager).post(f"/api/v1/awards/{sides[0].award.pk}/decline/", {"note": "Out of scope"})
    assert response.status_code == 200 and response.json()["state"] == "declined"


@pytest.mark.parametrize("who", ["funder", "partner"])
def test_roles_without_the_permission_get_403(api, world, sides, who):
    award = sides[0].award
    response = api(getattr(world, who)).post(f"/api/v1/awards/{award.pk}/start_assessment/")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("You do not have permission")
    assert Award.objects.get(pk=award.pk).state == Award.State.SUBMITTED


def test_other_sides_objects_are_404_not_403(api, world, sides):
    b = sides[1]
    client = api(world.manager)
    assert client.post(f"/api/v1/awards/{b.award.pk}/start_assessment/").status_code == 404
    assert client.post(f"/api/v1/projects/{b.project.pk}/start_review/").status_code == 404
    assert client.post(f"/api/v1/payments/{b.payment.pk}/approve/").status_code == 404
    assert client.post(f"/api/v1/updates/{b.update_draft.pk}/accept/").status_code == 404
    assert Award.objects.get(pk=b.award.pk).state == Award.State.SUBMITTED


def test_unknown_step_is_404(api, world, sides):
    assert api(world.manager).post(f"/api/v1/awards/{sides[0].award.pk}/explode/").status_code == 404


def test_partner_proposes_own_draft_project(api, world, sides):
    project = sides[0].project_draft
    response = api(world.partner).post(f"/api/v1/projects/{project.pk}/propose/")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "proposed"
    assert last_log(project).actor == world.partner


def test_incomplete_project_cannot_be_proposed(api, world, sides):
    project = f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org, summary="")
    response = api(world.partner).post(f"/api/v1/projects/{project.pk}/propose/")
    assert response.status_code == 409
    assert "needs a summary" in response.json()["detail"]
    assert Project.objects.get(pk=project.pk).state == Project.State.DRAFT


def test_payment_release_records_date_and_reference(api, world, sides):
    Award.objects.filter(pk=sides[0].award.pk).update(amount_awarded=Decimal("20000.00"))
    force_state(sides[0].award, Award.State.ACTIVE)
    payment = sides[0].payment
    client = api(world.manager)
    assert client.post(f"/api/v1/payments/{payment.pk}/approve/").json()["state"] == "approved"
    response = client.post(
        f"/api/v1/payments/{payment.pk}/release/", {"paid_on": "2026-04-01", "reference": "BACS-991"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["paid_on"], response.json()["reference"]) == (
        "paid",
        "2026-04-01",
        "BACS-991",
    )
    assert last_log(payment).actor == world.manager


def test_gated_payment_is_held_with_the_reason(api, world, sides):
    award = force_state(sides[0].award, Award.State.ACTIVE)
    payment = f.PaymentFactory(award=award, gated_on_update=sides[0].update_draft)
    response = api(world.manager).post(f"/api/v1/payments/{payment.pk}/approve/")
    assert response.status_code == 409
    assert "held until the progress update" in response.json()["detail"]
    assert Payment.objects.get(pk=payment.pk).state == Payment.State.SCHEDULED


def test_update_submit_and_review_with_separation_of_duties(api, world, sides):
    update = sides[0].update_draft
    response = api(world.partner).post(f"/api/v1/updates/{update.pk}/submit/")
    assert response.status_code == 200 and response.json()["state"] == "submitted"
    assert api(world.partner).post(f"/api/v1/updates/{update.pk}/accept/").status_code == 403
    response = api(world.manager).post(f"/api/v1/updates/{update.pk}/request_changes/", {"note": "Add the figures"})
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["review_note"]) == ("changes_requested", "Add the figures")
    assert last_log(update).actor == world.manager
    assert ProgressUpdate.objects.get(pk=update.pk).reviewed_by == world.manager


def test_available_transitions_follow_role_and_state(api, world, sides):
    award = sides[0].award

    def names(user):
        return [t["name"] for t in api(user).get(f"/api/v1/awards/{award.pk}/").json()["available_transitions"]]

    assert sorted(names(world.manager)) == ["decline", "start_assessment", "withdraw"]
    assert names(world.partner) == ["withdraw"]
    assert names(world.funder) == []
    decline = next(
        t
        for t in api(world.manager).get(f"/api/v1/awards/{award.pk}/").json()["available_transitions"]
        if t["name"] == "decline"
    )
    assert decline == {"name": "decline", "label": "Decline", "target": "declined", "note_required": True}


def test_state_is_never_writable(api, world, sides):
    award = sides[0].award
    response = api(world.manager).patch(f"/api/v1/awards/{award.pk}/", {"state": "approved"}, format="json")
    # An award in assessment is still editable by the manager; the state field is simply ignored.
    assert response.status_code == 200
    assert Award.objects.get(pk=award.pk).state == Award.State.SUBMITTED
    response = api(world.manager).patch(f"/api/v1/awards/{award.pk}/", {"amount_awarded": "1"}, format="json")
    assert Award.objects.get(pk=award.pk).amount_awarded is None


def test_finished_award_is_archived_out_of_the_list_but_kept(api, world, sides):
    award = sides[0].award
    client = api(world.manager)
    assert client.post(f"/api/v1/awards/{award.pk}/archive/").status_code == 409  # still submitted
    client.post(f"/api/v1/awards/{award.pk}/withdraw/", {"note": "Merged into another bid"})
    assert api(world.partner).post(f"/api/v1/awards/{award.pk}/archive/").status_code == 403
    response = client.post(f"/api/v1/awards/{award.pk}/archive/", {"note": "Tidy up"})
    assert response.status_code == 200 and response.json()["archived_at"]
    listed = [row["id"] for row in client.get("/api/v1/awards/").json()["results"]]
    assert award.pk not in listed
    listed = [row["id"] for row in client.get("/api/v1/awards/", {"include_archived": "true"}).json()["results"]]
    assert award.pk in listed
    assert client.get(f"/api/v1/awards/{award.pk}/").status_code == 200
    assert last_log(award).transition == "archive" and last_log(award).actor == world.manager


def test_project_archive_goes_through_the_service(api, world, sides):
    project = sides[0].project
    client = api(world.manager)
    client.post(f"/api/v1/projects/{project.pk}/reject/", {"note": "Outside the partnership's aims"})
    response = client.post(f"/api/v1/projects/{project.pk}/archive/")
    assert response.status_code == 200 and response.json()["archived_at"]
    assert project.pk not in [row["id"] for row in client.get("/api/v1/projects/").json()["results"]]
