"""A co-applicant is invited by the lead and answers: its people read the bid while the invitation waits,
edit only after accepting, and the checklist holds Submit back while an answer is outstanding. Each step
is in the award's history. Pages and API alike."""

import pytest

from accounts.models import OrganisationMembership
from assessment import selectors, services
from assessment.models import Application, ApplicationOrganisation
from assessment.rules import checklist
from tests import factories as f
from tests.conftest import member
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import history

from .builders import complete

Role = OrganisationMembership.Role


@pytest.fixture
def invited(world, call):
    application = services.application_start(
        call=call, actor=world.partner, organisation=world.partner_org, title="Together", amount_requested=20000
    )
    complete(application, world.partner)
    co_org = f.OrganisationFactory(name="Hillside Trust")
    entry = services.application_add_organisation(
        application=application, actor=world.partner, organisation=co_org, role="co_applicant"
    )
    co_person = member(Role.PARTNER, co_org, username="hillside_head")
    return application, entry, co_person


def test_an_invitation_waits_for_an_answer_and_the_checklist_says_so(client, world, invited):
    application, entry, co_person = invited
    assert entry.invitation == "pending"
    client.force_login(world.partner)
    page = client.get(f"/calls/applications/{application.pk}/").content.decode()
    assert "Hillside Trust has not yet answered the invitation" in page
    assert "Submit the application" not in page
    with pytest.raises(TransitionRefused, match="has not yet answered the invitation"):
        services.application_submit(application=application, actor=world.partner)
    api = client.get(f"/api/v1/applications/{application.pk}/").json()
    assert any("has not yet answered" in item for item in api["checklist"])
    assert [o["name"] for o in api["organisations"] if o["invitation"] == "pending"] == ["Hillside Trust"]


def test_the_invited_read_the_bid_but_edit_only_after_accepting_on_the_page(client, invited):
    application, entry, co_person = invited
    client.force_login(co_person)
    page = client.get(f"/calls/applications/{application.pk}/").content.decode()
    assert "invites Hillside Trust to apply with it as a co-applicant" in page
    edit = client.get(f"/calls/applications/{application.pk}/edit/project/", follow=True)
    assert "accept the invitation before you edit" in edit.content.decode()
    response = client.post(
        f"/calls/applications/{application.pk}/invitation/", {"organisation": entry.organisation_id, "answer": "accept"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.invitation == "accepted" and entry.answered_by == co_person and entry.answered_at is not None
    assert client.get(f"/calls/applications/{application.pk}/edit/project/").status_code == 200
    steps = [e.transition for e in history(application.award)]
    assert "invite_co_applicant" in steps and "co_applicant_accepted" in steps
    # Accepted: nothing left for the checklist about invitations, and Submit is offered to the lead.
    assert not [item for item in checklist(Application.objects.get(pk=application.pk)) if "invitation" in item]


def test_declining_takes_the_organisation_out_of_the_bid_and_it_can_be_invited_again(client, world, invited):
    application, entry, co_person = invited
    client.force_login(co_person)
    response = client.post(
        f"/api/v1/applications/{application.pk}/invitation/",
        {"organisation": entry.organisation_id, "accept": False},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    entry.refresh_from_db()
    assert entry.invitation == "declined"
    assert not selectors.application_list(user=co_person).filter(pk=application.pk).exists()
    assert client.get(f"/calls/applications/{application.pk}/").status_code == 404
    assert "co_applicant_declined" in [e.transition for e in history(application.award)]
    client.force_login(world.partner)
    assert "Declined" in client.get(f"/calls/applications/{application.pk}/").content.decode()
    again = services.application_add_organisation(
        application=application, actor=world.partner, organisation=entry.organisation, role="co_applicant"
    )
    assert again.pk == entry.pk and again.invitation == "pending"


def test_only_the_invited_organisations_people_answer(client, world, invited):
    application, entry, co_person = invited
    for outsider in (world.partner, world.partner_b, world.manager):
        with pytest.raises(PermissionRefused):
            services.invitation_answer(entry=entry, actor=outsider, accept=True)
    client.force_login(world.partner)  # the lead cannot accept on the invitee's behalf through the API either
    response = client.post(
        f"/api/v1/applications/{application.pk}/invitation/",
        {"organisation": entry.organisation_id, "accept": True},
        content_type="application/json",
    )
    assert response.status_code == 409
    client.force_login(world.partner_b)
    response = client.post(
        f"/api/v1/applications/{application.pk}/invitation/",
        {"organisation": entry.organisation_id, "accept": True},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert ApplicationOrganisation.objects.get(pk=entry.pk).invitation == "pending"
    services.invitation_answer(entry=entry, actor=co_person, accept=True)
    with pytest.raises(TransitionRefused, match="no invitation waiting"):
        services.invitation_answer(entry=entry, actor=co_person, accept=False)


def test_the_lead_invites_through_the_api_and_the_invited_accept_there(client, world, call):
    application = services.application_start(
        call=call, actor=world.partner, organisation=world.partner_org, title="API bid", amount_requested=1000
    )
    co_org = f.OrganisationFactory(name="Valley Trust")
    co_person = member(Role.PARTNER, co_org, username="valley_head")
    client.force_login(world.partner)
    response = client.post(
        f"/api/v1/applications/{application.pk}/organisations/",
        {"organisation": co_org.pk, "role": "co_applicant"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert [o["invitation"] for o in response.json()["organisations"]] == ["pending"]
    client.force_login(co_person)
    sections = f"/api/v1/applications/{application.pk}/sections/"
    refused = client.post(sections, {"section": "project", "project_summary": "x"}, "application/json")
    assert refused.status_code == 403 and "accept the invitation" in refused.json()["detail"]
    client.post(
        f"/api/v1/applications/{application.pk}/invitation/",
        {"organisation": co_org.pk, "accept": True},
        content_type="application/json",
    )
    saved = client.post(sections, {"section": "project", "project_summary": "Ours together"}, "application/json")
    assert saved.status_code == 200 and saved.json()["project_summary"] == "Ours together"


def test_a_funder_is_never_offered_or_named_in_a_bid(client, world, call):
    from django.core.exceptions import ValidationError

    application = services.application_start(
        call=call, actor=world.partner, organisation=world.partner_org, title="No funders", amount_requested=1000
    )
    school = f.OrganisationFactory(name="Oak Primary", kind="school")
    funder = world.funder_org
    assert funder.kind == "funder"
    offered = set(selectors.bid_organisation_list(user=world.partner).values_list("pk", flat=True))
    assert school.pk in offered and funder.pk not in offered

    client.force_login(world.partner)
    response = client.get(f"/calls/applications/{application.pk}/")
    page = response.content.decode()
    assert "Oak Primary" in page and f'value="{funder.pk}"' not in page
    offered = set(response.context["organisation_form"].fields["organisation"].queryset.values_list("pk", flat=True))
    assert school.pk in offered and funder.pk not in offered
    assert world.partner_org.pk not in offered  # the lead applicant is in the bid already
    api = client.post(
        f"/api/v1/applications/{application.pk}/organisations/",
        {"organisation": funder.pk, "role": "co_applicant"},
        content_type="application/json",
    )
    assert api.status_code == 400 and "organisation" in api.json()
    with pytest.raises(ValidationError, match="is a funder"):
        services.application_add_organisation(
            application=application, actor=world.partner, organisation=funder, role="co_applicant"
        )
    assert not ApplicationOrganisation.objects.filter(application=application, organisation=funder).exists()
