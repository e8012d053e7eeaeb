"""Filtering, search, ordering and pagination on the lists, always inside the user's scope."""

from decimal import Decimal

import pytest

from grants.models import Award
from tests import factories as f
from tests.helpers import force_state


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def awards(world):
    walsall = f.LocalAuthorityFactory(
        name="Walsall",
        gss_code="E08000030",
        dfe_code="335",
        sub_region=f.SubRegionFactory(name="Black Country", number=2),
    )
    walsall_trust = f.OrganisationFactory(name="Walsall Academy Trust", local_authority=walsall)
    small = f.AwardFactory(programme=world.programme, recipient=world.partner_org, amount_requested=Decimal("5000"))
    large = f.AwardFactory(
        programme=world.programme,
        recipient=walsall_trust,
        amount_requested=Decimal("45000"),
        title="Attendance in the Black Country",
        planned_start="2026-09-01",
        planned_end="2027-07-20",
    )
    large = force_state(large, Award.State.SUBMITTED)
    other = f.AwardFactory(programme=world.programme_b, recipient=walsall_trust, amount_requested=Decimal("45000"))
    return small, large, other, walsall


def test_filters_by_state_amount_place_and_dates(api, world, awards):
    small, large, other, walsall = awards
    client = api(world.manager)
    assert ids(client.get("/api/v1/awards/", {"state": "submitted"})) == [large.pk]
    assert ids(client.get("/api/v1/awards/", {"state": ["draft", "submitted"], "ordering": "id"})) == [
        small.pk,
        large.pk,
    ]
    assert ids(client.get("/api/v1/awards/", {"amount_requested_min": "10000"})) == [large.pk]
    assert ids(client.get("/api/v1/awards/", {"amount_requested_max": "10000"})) == [small.pk]
    assert ids(client.get("/api/v1/awards/", {"local_authority": walsall.pk})) == [large.pk]
    assert ids(client.get("/api/v1/awards/", {"sub_region": walsall.sub_region_id})) == [large.pk]
    assert ids(client.get("/api/v1/awards/", {"planned_start_after": "2026-06-01"})) == [large.pk]
    assert ids(client.get("/api/v1/awards/", {"programme": world.programme_b.pk})) == []  # not theirs: empty, no 400
    assert ids(client.get("/api/v1/awards/", {"programme": 987654})) == []


def test_search_ordering_and_pagination(api, world, awards):
    small, large, _, _ = awards
    client = api(world.manager)
    assert ids(client.get("/api/v1/awards/", {"search": "black country"})) == [large.pk]
    assert ids(client.get("/api/v1/awards/", {"ordering": "amount_requested"})) == [small.pk, large.pk]
    assert ids(client.get("/api/v1/awards/", {"ordering": "-amount_requested"})) == [large.pk, small.pk]
    page = client.get("/api/v1/awards/", {"page_size": 1, "ordering": "amount_requested"}).json()
    assert (page["count"], len(page["results"]), page["results"][0]["id"]) == (2, 1, small.pk)
    assert page["next"].endswith("page=2&page_size=1&ordering=amount_requested") or "page=2" in page["next"]
    assert client.get("/api/v1/awards/", {"page": 9}).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"programme": "99999999999999999999999999"},
        {"local_authority": "-1"},
        {"submitted_at_after": "0001-01-01T00:00:00+23:59"},
        {"amount_requested_min": "lots"},
        {"state": "approved-ish"},
    ],
)
def test_bad_filters_are_400_not_500(api, world, query):
    assert api(world.manager).get("/api/v1/awards/", query).status_code == 400


def test_project_and_update_filters(api, world, sides):
    a, _ = sides
    client = api(world.manager)
    assert ids(client.get("/api/v1/projects/", {"state": "draft"})) == [a.project_draft.pk]
    assert ids(client.get("/api/v1/projects/", {"partnership": world.partnership.pk, "ordering": "id"})) == [
        a.project.pk,
        a.project_draft.pk,
    ]
    assert ids(client.get("/api/v1/updates/", {"state": "accepted"})) == [a.update.pk]
    assert ids(
        api(world.partner).get("/api/v1/updates/", {"organisation": world.partner_org.pk, "ordering": "id"})
    ) == [
        a.update.pk,
        a.update_draft.pk,
    ]
    assert ids(client.get("/api/v1/payments/", {"amount_min": "4000", "due_on_before": "2026-12-31"})) == [a.payment.pk]
    assert ids(client.get("/api/v1/transitions/", {"model": "award", "actor": "partner"})) != []
    assert ids(client.get("/api/v1/transitions/", {"model": "project"})) == []


def test_search_with_nul_characters_is_400(api, world, sides):
    # PostgreSQL cannot take them; DRF's search refuses them first.
    assert api(world.manager).get("/api/v1/projects/", {"search": "Peer\x00"}).status_code == 400
