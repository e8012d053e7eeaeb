"""Who sees what: a matrix of role × owner over the selectors every page, API and report uses."""

import pytest

from grants import selectors as grant_selectors
from grants.models import Award
from partnerships import selectors as partnership_selectors
from partnerships.models import Project
from reporting import selectors as reporting_selectors
from reporting.models import ProgressUpdate
from tests import factories as f
from tests.helpers import force_state
from workflow import selectors as workflow_selectors


@pytest.fixture
def objects(world):
    """For each side (a: West Midlands, b: East Midlands) a draft and a submitted award, a draft and a
    proposed project, and an update in draft and accepted."""
    made = {}
    for side, programme, partnership, org in (
        ("a", world.programme, world.partnership, world.partner_org),
        ("b", world.programme_b, world.partnership_b, world.partner_org_b),
    ):
        made[f"award_draft_{side}"] = f.AwardFactory(programme=programme, recipient=org)
        made[f"award_live_{side}"] = force_state(
            f.AwardFactory(programme=programme, recipient=org), Award.State.SUBMITTED
        )
        made[f"project_draft_{side}"] = f.ProjectFactory(partnership=partnership, lead_organisation=org)
        made[f"project_live_{side}"] = force_state(
            f.ProjectFactory(partnership=partnership, lead_organisation=org), Project.State.PROPOSED
        )
        made[f"update_draft_{side}"] = f.ProgressUpdateFactory(award=made[f"award_live_{side}"])
        made[f"update_accepted_{side}"] = force_state(
            f.ProgressUpdateFactory(award=made[f"award_live_{side}"]), ProgressUpdate.State.ACCEPTED
        )
    return made


EXPECTED = {
    # role: the objects they see (everything else must be invisible)
    "admin": "all",
    "manager": {"award_draft_a", "award_live_a", "project_draft_a", "project_live_a", "update_accepted_a"},
    "funder": {"award_live_a", "update_accepted_a"},
    "partner": {
        "award_draft_a",
        "award_live_a",
        "project_draft_a",
        "project_live_a",
        "update_draft_a",
        "update_accepted_a",
    },
    "manager_b": {"award_draft_b", "award_live_b", "project_draft_b", "project_live_b", "update_accepted_b"},
    "funder_b": {"award_live_b", "update_accepted_b"},
    "partner_b": {
        "award_draft_b",
        "award_live_b",
        "project_draft_b",
        "project_live_b",
        "update_draft_b",
        "update_accepted_b",
    },
}


def visible(user, objects):
    seen = set()
    lists = [
        grant_selectors.award_list(user=user),
        partnership_selectors.project_list(user=user),
        reporting_selectors.update_list(user=user),
    ]
    for name, obj in objects.items():
        if any(qs.model is obj.__class__ and qs.filter(pk=obj.pk).exists() for qs in lists):
            seen.add(name)
    return seen


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_exactly_its_own_organisations_work(world, objects, role):
    user = getattr(world, role)
    expected = set(objects) if EXPECTED[role] == "all" else EXPECTED[role]
    assert visible(user, objects) == expected


def test_project_partner_sees_a_proposed_project_but_never_a_draft(world, objects):
    for name in ("project_draft_b", "project_live_b"):
        f.ProjectPartnerFactory(project=objects[name], organisation=world.partner_org)
    seen = set(partnership_selectors.project_list(user=world.partner).values_list("pk", flat=True))
    assert objects["project_live_b"].pk in seen
    assert objects["project_draft_b"].pk not in seen


def test_funder_sees_only_programmes_it_funds_and_their_partnerships(world, objects):
    assert list(grant_selectors.programme_list(user=world.funder)) == [world.programme]
    assert list(partnership_selectors.partnership_list(user=world.funder)) == [world.partnership]


def test_payments_and_history_follow_the_award(world, objects):
    from grants import services

    award = force_state(objects["award_live_b"], Award.State.IN_ASSESSMENT)
    services.award_approve(award=award, actor=world.manager_b)
    services.payment_schedule(award=award, due_on="2026-06-01", amount="10", actor=world.manager_b)
    assert not grant_selectors.payment_list(user=world.manager).exists()
    assert not workflow_selectors.transition_list(user=world.funder).exists()
    assert workflow_selectors.transition_list(user=world.funder_b).filter(target="approved").count() == 1
    assert workflow_selectors.money_change_list(user=world.partner_b).filter(field="amount").count() == 1
    assert not workflow_selectors.money_change_list(user=world.partner).exists()


def test_a_person_with_no_organisation_sees_nothing(db, objects):
    stranger = f.UserFactory(username="stranger")
    assert visible(stranger, objects) == set()
    assert not partnership_selectors.partnership_list(user=stranger).exists()


def test_list_selectors_use_a_constant_number_of_queries(world, objects, django_assert_num_queries):
    for _ in range(20):
        f.AwardFactory(programme=world.programme, recipient=world.partner_org)
    user = world.manager
    from accounts import roles

    roles.of(user)
    with django_assert_num_queries(1):
        rows = [
            (a.programme.funder.name, a.recipient.name, a.project_id) for a in grant_selectors.award_list(user=user)
        ]
    assert len(rows) == 22
    # Each recipient's place (the API and downloads show it): one query more for the whole list.
    with django_assert_num_queries(2):
        places = [
            a.recipient.local_authority.sub_region.name
            for a in grant_selectors.with_places(grant_selectors.award_list(user=user))
        ]
    assert len(places) == 22


def test_partner_sees_the_programmes_of_its_own_partnerships_to_apply_to(world):
    assert not grant_selectors.programme_list(user=world.partner).exists()
    f.PartnershipMemberFactory(partnership=world.partnership, organisation=world.partner_org)
    f.PartnershipMemberFactory(partnership=world.partnership, organisation=f.OrganisationFactory())
    assert list(grant_selectors.programme_list(user=world.partner)) == [world.programme]
    assert not grant_selectors.programme_list(user=world.partner_b).exists()
