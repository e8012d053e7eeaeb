"""Finding 10: work withdrawn before it was ever submitted stays its author's: funders and other partners
do not see it through any door (pages, API, reports, exports), because the scoped selectors leave it out."""

from decimal import Decimal

import pytest
from django.urls import reverse

from grants import services as grant_services
from grants.selectors import award_list
from partnerships import services as partnership_services
from partnerships.models import PartnershipMember
from partnerships.selectors import project_list
from tests import factories as f


@pytest.fixture
def withdrawn_application(world):
    award = f.AwardFactory(
        programme=world.programme,
        recipient=world.partner_org,
        title="Secret first thoughts",
        amount_requested=Decimal("90000"),
    )
    return grant_services.award_transition(award=award, name="withdraw", actor=world.partner, note="Not ready")


@pytest.fixture
def withdrawn_after_submission(world):
    award = f.AwardFactory(programme=world.programme, recipient=world.partner_org, title="Submitted then withdrawn")
    award = grant_services.award_transition(award=award, name="submit", actor=world.partner)
    return grant_services.award_transition(award=award, name="withdraw", actor=world.partner, note="Changed plans")


def test_a_funder_never_sees_an_application_withdrawn_while_a_draft(
    client, api, world, withdrawn_application, withdrawn_after_submission
):
    visible = set(award_list(user=world.funder, include_archived=True).values_list("pk", flat=True))
    assert withdrawn_application.pk not in visible
    assert withdrawn_after_submission.pk in visible  # it was submitted: the funder saw it then
    client.force_login(world.funder)
    assert client.get(reverse("grants:award_detail", args=[withdrawn_application.pk])).status_code == 404
    assert "Secret first thoughts" not in client.get(reverse("grants:award_list") + "?state=withdrawn").content.decode()
    assert api(world.funder).get(f"/api/v1/awards/{withdrawn_application.pk}/").status_code == 404
    assert client.get(reverse("reports:award", args=[withdrawn_application.pk])).status_code == 404
    # its applicant and the programme's managers still see it
    assert withdrawn_application.pk in award_list(user=world.partner).values_list("pk", flat=True)
    assert withdrawn_application.pk in award_list(user=world.manager).values_list("pk", flat=True)


def test_project_partners_and_funders_never_see_a_project_withdrawn_while_a_draft(client, api, world):
    other = f.UserFactory()
    other_org = f.OrganisationFactory(name="Other Trust")
    f.MembershipFactory(user=other, organisation=other_org, role="partner")
    PartnershipMember.objects.create(partnership=world.partnership, organisation=other_org)
    drafted = f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org, title="Half an idea")
    f.ProjectPartnerFactory(project=drafted, organisation=other_org)
    f.AwardFactory(programme=world.programme, recipient=world.partner_org, project=drafted)
    drafted = partnership_services.project_transition(project=drafted, name="withdraw", actor=world.partner, note="No")
    for person in (other, world.funder):
        assert drafted.pk not in project_list(user=person, include_archived=True).values_list("pk", flat=True)
        client.force_login(person)
        assert client.get(reverse("partnerships:project_detail", args=[drafted.pk])).status_code == 404
        assert api(person).get(f"/api/v1/projects/{drafted.pk}/").status_code == 404
    assert drafted.pk in project_list(user=world.partner).values_list("pk", flat=True)

    proposed = f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org, title="Proposed")
    f.ProjectPartnerFactory(project=proposed, organisation=other_org)
    proposed = partnership_services.project_transition(project=proposed, name="propose", actor=world.partner)
    proposed = partnership_services.project_transition(
        project=proposed, name="withdraw", actor=world.partner, note="No"
    )
    assert proposed.pk in project_list(user=other).values_list("pk", flat=True)  # it was proposed: they saw it
