"""Role × endpoint × own/other organisation: lists hold exactly what the selectors allow, every
other object answers 404 (never 403, which would reveal it exists), and nothing in a response
names another side's organisation."""

import pytest

from accounts.models import OrganisationMembership
from tests import factories as f
from tests.conftest import member

# endpoint -> attribute of a Side holding the objects listed there
ENDPOINTS = {
    "partnerships": ["partnership"],
    "programmes": ["programme"],
    "projects": ["project", "project_draft"],
    "awards": ["award", "award_draft"],
    "payments": ["payment"],
    "updates": ["update", "update_draft"],
    "indicators": ["indicator"],
}

# What each role sees on its own side (the other side: nothing). Funders never see drafts or
# updates that are not yet accepted; a draft update is the partner's own until it is submitted.
OWN = {
    "manager": {name for names in ENDPOINTS.values() for name in names} - {"update_draft"},
    "partner": {name for names in ENDPOINTS.values() for name in names},
    "funder": {"partnership", "programme", "project", "award", "payment", "update", "indicator"},
}


def users(world):
    return {
        ("manager", "A"): world.manager,
        ("manager", "B"): world.manager_b,
        ("funder", "A"): world.funder,
        ("funder", "B"): world.funder_b,
        ("partner", "A"): world.partner,
        ("partner", "B"): world.partner_b,
    }


def listed_ids(client, endpoint):
    response = client.get(f"/api/v1/{endpoint}/", {"page_size": 200})
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
@pytest.mark.parametrize("role", ["manager", "funder", "partner"])
@pytest.mark.parametrize("side", ["A", "B"])
def test_role_sees_exactly_its_own_side(api, world, sides, endpoint, role, side):
    own, other = sides if side == "A" else sides[::-1]
    client = api(users(world)[(role, side)])
    expected = {getattr(own, name).pk for name in ENDPOINTS[endpoint] if name in OWN[role]}

    assert listed_ids(client, endpoint) == expected
    for name in ENDPOINTS[endpoint]:
        for owner, visible in ((own, name in OWN[role]), (other, False)):
            response = client.get(f"/api/v1/{endpoint}/{getattr(owner, name).pk}/")
            assert response.status_code == (200 if visible else 404), (name, response.content)


@pytest.mark.parametrize("role", ["manager", "funder", "partner"])
def test_no_response_names_the_other_sides_organisation(api, world, sides, role):
    client = api(users(world)[(role, "A")])
    for endpoint in [*ENDPOINTS, "transitions", "money-changes", "evaluations"]:
        body = client.get(f"/api/v1/{endpoint}/", {"page_size": 200}).content.decode()
        for secret in ("Robin Hood MAT", "EM Fund", "East Midlands Partnership", "360G-B-", "PRJ-B", "Paul Hamlyn"):
            assert secret not in body, (endpoint, secret)


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_admin_sees_both_sides(api, world, sides, endpoint):
    ids = listed_ids(api(world.admin), endpoint)
    assert {getattr(s, name).pk for s in sides for name in ENDPOINTS[endpoint]} <= ids


@pytest.mark.parametrize("endpoint", [*sorted(ENDPOINTS), "transitions", "money-changes", "evaluations"])
def test_signed_in_user_without_an_organisation_sees_nothing(api, sides, endpoint):
    stranger = f.UserFactory(username="stranger")
    assert listed_ids(api(stranger), endpoint) == set()


@pytest.mark.parametrize("endpoint", [*sorted(ENDPOINTS), "organisations", "transitions"])
def test_anonymous_requests_are_refused(api, sides, endpoint):
    assert api(None).get(f"/api/v1/{endpoint}/").status_code == 401


def test_transition_log_shows_only_visible_objects(api, world, sides):
    a, b = sides
    rows = api(world.funder).get("/api/v1/transitions/").json()["results"]
    assert {(r["model"], r["object_id"]) for r in rows} == {("award", a.award.pk)}
    assert rows[0]["actor"] == "partner"
    rows = api(world.partner_b).get("/api/v1/transitions/").json()["results"]
    assert {(r["model"], r["object_id"]) for r in rows} == {("award", b.award.pk)}


def test_project_partner_sees_proposed_project_but_not_its_draft(api, world, sides):
    a, _ = sides
    school = f.OrganisationFactory(name="Oak Primary")
    user = member(OrganisationMembership.Role.PARTNER, school)
    f.ProjectPartnerFactory(project=a.project, organisation=school)
    f.ProjectPartnerFactory(project=a.project_draft, organisation=school)
    assert listed_ids(api(user), "projects") == {a.project.pk}
    assert api(user).get(f"/api/v1/projects/{a.project_draft.pk}/").status_code == 404


def test_organisation_directory_is_open_to_signed_in_users(api, world, sides):
    ids = listed_ids(api(world.partner), "organisations")
    assert {world.partner_org.pk, world.partner_org_b.pk} <= ids
