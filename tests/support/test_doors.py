"""The pages, the API and the admin: the same rules through every door, a constant number of queries."""

import pytest
from rest_framework.test import APIClient

from partnerships.models import Project
from support.models import Match, Need, Offer
from tests.conftest import member

from .conftest import Role, areas, join, make_need, make_offer, school

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world, places):
    p = world.partnership
    a = areas(p, "Attendance", "SEND")
    needing = school("Greenfield Primary", places.sandwell)
    giving = school("Oak Academy", places.sandwell)
    join(p, needing, giving, world.partner_org)
    need = make_need(world, needing, [a["Attendance"]], days_wanted=3)
    offer = make_offer(world, giving, [a["Attendance"], a["SEND"]], capacity_days=5)
    return need, offer, a


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_manager_accepts_a_match_on_the_needs_page_and_lands_on_the_draft_project(client, world, setup):
    need, offer, _ = setup
    client.force_login(world.manager)
    page = client.get(f"/support/needs/{need.pk}/")
    text = page.content.decode()
    assert "Offers that could help, best first" in text
    assert "Close by: both in Sandwell." in text
    response = client.post(f"/support/needs/{need.pk}/accept/", {"offer": offer.pk, "days": "3"})
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    assert project.state == Project.State.DRAFT
    offer.refresh_from_db()
    assert offer.days_left == 2


def test_too_many_days_on_the_page_come_back_with_the_reason(client, world, setup):
    need, offer, _ = setup
    client.force_login(world.manager)
    response = client.post(f"/support/needs/{need.pk}/accept/", {"offer": offer.pk, "days": "9"}, follow=True)
    assert (
        "would take Oak Academy&#x27;s offer past its capacity: only 5 of 5 days a term are left."
        in response.content.decode()
    )
    assert not Match.objects.filter(state=Match.State.ACCEPTED).exists()


def test_recording_a_need_on_the_page_keeps_what_was_typed_when_it_is_refused(client, world, setup):
    client.force_login(world.partner)
    response = client.post(
        "/support/needs/new/",
        {
            "partnership": world.partnership.pk,
            "organisation": world.partner_org.pk,
            "title": "Reading",
            "phase": "repair",
            "urgency": "high",
            "days_wanted": "2",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in text and "Choose at least one area." in text
    assert 'value="Reading"' in text


def test_a_partner_records_a_need_for_its_own_organisation(client, world, setup):
    _, _, a = setup
    client.force_login(world.partner)
    response = client.post(
        "/support/needs/new/",
        {
            "partnership": world.partnership.pk,
            "organisation": world.partner_org.pk,
            "title": "Reading",
            "areas": [a["SEND"].pk],
            "phase": "repair",
            "urgency": "high",
            "days_wanted": "2",
        },
    )
    need = Need.objects.get(title="Reading")
    assert response.status_code == 302 and need.organisation == world.partner_org and not need.shared


def test_pages_answer_for_every_role(client, world, setup):
    need, offer, _ = setup
    for user in (world.manager, world.partner, world.funder, world.admin):
        client.force_login(user)
        for url in ("/support/", "/support/offers/", f"/support/organisations/{offer.organisation_id}/"):
            assert client.get(url).status_code == 200, (user, url)
    client.force_login(world.manager)
    intelligence = client.get("/support/intelligence/").content.decode()
    assert "<svg" in intelligence and "Days a term needed and offered, by area" in intelligence
    assert client.get(f"/support/partnerships/{world.partnership.pk}/settings/").status_code == 200
    client.force_login(world.partner)
    assert client.get("/support/intelligence/").status_code == 403
    assert client.get(f"/support/needs/{need.pk}/").status_code == 404  # not shared, not theirs


def test_the_api_ranks_and_accepts(world, setup):
    need, offer, _ = setup
    ranked = api(world.manager).get(f"/api/v1/needs/{need.pk}/matches/")
    assert ranked.status_code == 200
    first = ranked.json()[0]
    assert first["offer"] == offer.pk and first["rank"] == 1
    assert [r["kind"] for r in first["reasons"]] == ["areas", "evidence", "capacity", "distance", "phase", "difference"]
    refused = api(world.manager).post(
        f"/api/v1/needs/{need.pk}/matches/accept/", {"offer": offer.pk, "days": 6}, format="json"
    )
    assert refused.status_code == 409 and "past its capacity" in refused.json()["detail"]
    partner = api(world.partner).post(f"/api/v1/needs/{need.pk}/matches/accept/", {"offer": offer.pk}, format="json")
    assert partner.status_code == 404
    accepted = api(world.manager).post(f"/api/v1/needs/{need.pk}/matches/accept/", {"offer": offer.pk}, format="json")
    assert accepted.status_code == 201
    assert accepted.json()["days"] == 3 and accepted.json()["project_reference"]
    figures = api(world.manager).get("/api/v1/needs/intelligence/").json()
    assert {"name", "needs", "days_needed", "offers", "days_offered"} <= set(figures["areas"][0])
    assert api(world.partner).get("/api/v1/needs/intelligence/").status_code == 403


def test_the_api_creates_a_need_and_an_offer_through_the_services(world, setup):
    _, _, a = setup
    need = api(world.partner).post(
        "/api/v1/needs/",
        {
            "partnership": world.partnership.pk,
            "organisation": world.partner_org.pk,
            "title": "SEND",
            "areas": [a["SEND"].pk],
            "phase": "sustain",
        },
        format="json",
    )
    assert need.status_code == 201, need.json()
    offer = api(world.partner).post(
        "/api/v1/offers/",
        {
            "partnership": world.partnership.pk,
            "organisation": world.partner_org.pk,
            "title": "Attendance hubs",
            "areas": [a["Attendance"].pk],
            "capacity_days": 4,
            "available_until": "2029-07-31",
            "phases": ["repair", "improve"],
        },
        format="json",
    )
    assert offer.status_code == 201, offer.json()
    assert Offer.objects.get(pk=offer.json()["id"]).phases == ["repair", "improve"]
    bad = api(world.partner).post(
        "/api/v1/offers/",
        {
            "partnership": world.partnership.pk,
            "organisation": world.partner_org.pk,
            "title": "x",
            "areas": [a["SEND"].pk],
            "capacity_days": 0,
            "available_until": "2029-07-31",
        },
        format="json",
    )
    assert bad.status_code == 400 and "capacity_days" in bad.json()


@pytest.mark.parametrize("resource", ["needs", "offers"])
def test_api_lists_take_the_same_queries_for_few_or_many(world, setup, places, resource, django_assert_num_queries):
    need, offer, a = setup
    client = api(world.manager)
    client.get(f"/api/v1/{resource}/")  # warm the content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/api/v1/{resource}/").status_code == 200
    for i in range(6):
        org = school(f"More Primary {i}", places.dudley)
        join(world.partnership, org)
        make_need(world, org, [a["SEND"]])
        make_offer(world, org, [a["SEND"]])
    with django_assert_num_queries(len(few)):
        assert len(client.get(f"/api/v1/{resource}/").json()["results"]) >= 7


def test_the_admin_lists_only_what_the_manager_may_see(client, world, setup):
    need, offer, _ = setup
    for model in ("need", "offer", "match", "supportarea", "matchingsettings"):
        client.force_login(world.manager)
        assert client.get(f"/admin/support/{model}/").status_code == 200, model
        client.force_login(world.manager_b)
        assert client.get(f"/admin/support/{model}/").status_code == 200, model
    assert need.title not in client.get("/admin/support/need/").content.decode()
    assert client.get(f"/admin/support/need/{need.pk}/change/").status_code in (302, 404)
    client.force_login(world.manager)
    assert client.get(f"/admin/support/need/{need.pk}/change/").status_code == 200


def test_needs_partner_sees_ranked_offers_and_asks(client, world, setup):
    need, offer, _ = setup
    needing = member(Role.PARTNER, need.organisation, username="needing")
    client.force_login(needing)
    page = client.get(f"/support/needs/{need.pk}/").content.decode()
    assert "Ask Oak Academy for this support" in page
    client.post(f"/support/needs/{need.pk}/agree/", {"offer": offer.pk})
    match = Match.objects.get()
    assert match.state == Match.State.PROPOSED and match.need_agreed_by == needing
