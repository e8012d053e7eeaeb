"""Who sees a need: a matrix of role × relationship × the need's sharing, through the page and the API.
The partnership's managers always; the needing organisation always; an offering organisation (one with
an offer in that partnership) once the need is shared and open, or matched with its offer; nobody else."""

import pytest
from rest_framework.test import APIClient

from support import services
from support.models import Match
from tests.conftest import member

from .conftest import Role, areas, join, make_need, make_offer, school

pytestmark = pytest.mark.django_db

SITUATIONS = ("private", "shared", "matched", "shared_then_withdrawn")
# who -> the situations in which they see the need
EXPECTED = {
    "admin": set(SITUATIONS),
    "manager": set(SITUATIONS),
    "needing_partner": set(SITUATIONS),
    "offering_partner": {"shared", "matched"},
    "offering_elsewhere": set(),  # has an offer, but in another partnership
    "member_not_offering": set(),  # in the partnership, offers nothing
    "other_manager": set(),
    "funder": set(),
}


@pytest.fixture
def people(world, places):
    p = world.partnership
    a = areas(p, "SEND")
    other_areas = areas(world.partnership_b, "SEND")
    needing, offering, quiet, elsewhere = (
        school("Needing Primary", places.sandwell),
        school("Offering Primary", places.sandwell),
        school("Quiet Primary", places.sandwell),
        school("Elsewhere Primary", places.sandwell),
    )
    join(p, needing, offering, quiet)
    join(world.partnership_b, elsewhere)
    offer = make_offer(world, offering, [a["SEND"]])
    services.offer_create(
        actor=world.manager_b,
        partnership=world.partnership_b,
        organisation=elsewhere,
        areas=[other_areas["SEND"]],
        title="Elsewhere",
        capacity_days=3,
        available_until=offer.available_until,
    )
    users = {
        "admin": world.admin,
        "manager": world.manager,
        "needing_partner": member(Role.PARTNER, needing, username="needing"),
        "offering_partner": member(Role.PARTNER, offering, username="offering"),
        "offering_elsewhere": member(Role.PARTNER, elsewhere, username="elsewhere"),
        "member_not_offering": member(Role.PARTNER, quiet, username="quiet"),
        "other_manager": world.manager_b,
        "funder": world.funder,
    }
    return {"users": users, "needing": needing, "offer": offer, "area": a["SEND"]}


def situation(world, people, name):
    need = make_need(world, people["needing"], [people["area"]], title=f"SEND {name}", shared=name != "private")
    if name == "matched":
        services.need_update(need=need, actor=world.manager, shared=False)
        Match.objects.create(need=need, offer=people["offer"], days=1)
    if name == "shared_then_withdrawn":
        services.need_transition(need=need, name="withdraw", actor=world.manager, note="Found help elsewhere.")
    return need


@pytest.mark.parametrize("name", SITUATIONS)
def test_who_sees_a_need(client, world, people, name):
    need = situation(world, people, name)
    seen = {}
    for who, user in people["users"].items():
        client.force_login(user)
        page = client.get(f"/support/needs/{need.pk}/").status_code
        listed = need.title in client.get("/support/").content.decode()
        api = APIClient()
        api.force_authenticate(user)
        api_detail = api.get(f"/api/v1/needs/{need.pk}/").status_code
        api_listed = need.pk in [row["id"] for row in api.get("/api/v1/needs/").json()["results"]]
        assert page in (200, 404) and api_detail in (200, 404)
        assert (page == 200) == listed == (api_detail == 200) == api_listed, (who, page, listed, api_detail, api_listed)
        seen[who] = page == 200
    assert seen == {who: name in situations for who, situations in EXPECTED.items()}


def test_the_ranked_offers_are_for_the_needing_organisation_and_managers_only(world, people):
    need = situation(world, people, "shared")
    for who, status in (("manager", 200), ("needing_partner", 200), ("offering_partner", 403)):
        api = APIClient()
        api.force_authenticate(people["users"][who])
        assert api.get(f"/api/v1/needs/{need.pk}/matches/").status_code == status, who
