"""A call's managers set its criteria — add, change the weight, remove — on the page, the API and the admin,
until applicants are writing to them; weights are shares of 100; once scoring has begun every door refuses,
in words. Each change is in the call's history."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessment import services
from assessment.models import Criterion
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.models import TransitionLog

from .builders import open_assignment, open_call, score_all, submitted_application


@pytest.fixture
def upcoming(world):
    """A call that opens next week: its criteria (50/30/20) can still change."""
    now = timezone.now()
    return open_call(world.manager, world.programme, opens_at=now + dt.timedelta(7), closes_at=now + dt.timedelta(30))


def test_a_manager_changes_and_removes_a_criterion_on_the_page(client, world, upcoming):
    need = upcoming.criteria.get(title="Need")
    client.force_login(world.manager)
    page = client.get(f"/calls/{upcoming.pk}/").content.decode()
    assert f"/calls/criteria/{need.pk}/edit/" in page and "Add a criterion" in page
    response = client.post(
        f"/calls/criteria/{need.pk}/edit/", {"title": "Need and evidence", "weight": "40", "scale_max": "5"}
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.title, need.weight) == ("Need and evidence", 40)
    plan = upcoming.criteria.get(title="Plan")
    assert client.post(f"/calls/criteria/{plan.pk}/remove/").status_code == 302
    assert list(upcoming.criteria.values_list("title", "position")) == [("Need and evidence", 1), ("Value", 2)]
    logged = TransitionLog.objects.filter(object_id=upcoming.pk, transition__startswith="criterion_")
    assert {row.transition for row in logged} >= {"criterion_add", "criterion_change", "criterion_remove"}


def test_weights_are_shares_of_a_hundred(client, world, upcoming):
    need = upcoming.criteria.get(title="Need")
    with pytest.raises(ValidationError, match="at most 50"):
        services.criterion_update(criterion=need, actor=world.manager, weight=70)
    with pytest.raises(ValidationError, match="at most 0"):
        services.criterion_add(call=upcoming, actor=world.manager, title="Reach", weight=5)
    client.force_login(world.manager)
    response = client.post(f"/calls/criteria/{need.pk}/edit/", {"title": "Need", "weight": "90", "scale_max": "5"})
    assert response.status_code == 400 and "at most 50" in response.content.decode()
    assert (
        client.post(f"/calls/criteria/{need.pk}/edit/", {"title": "Need", "weight": "0", "scale_max": "5"}).status_code
        == 400
    )
    assert Criterion.objects.get(pk=need.pk).weight == 50


def test_the_api_changes_and_removes_and_refuses_partners(client, world, upcoming):
    value = upcoming.criteria.get(title="Value")
    client.force_login(world.partner)
    assert client.patch(
        f"/api/v1/criteria/{value.pk}/", {"weight": 10}, content_type="application/json"
    ).status_code in (403, 404)
    client.force_login(world.manager)
    listed = client.get(f"/api/v1/criteria/?call={upcoming.pk}").json()["results"]
    assert [row["title"] for row in listed] == ["Need", "Plan", "Value"]
    response = client.patch(f"/api/v1/criteria/{value.pk}/", {"weight": 10}, content_type="application/json")
    assert response.status_code == 200 and response.json()["weight"] == 10
    too_much = client.patch(f"/api/v1/criteria/{value.pk}/", {"weight": 30}, content_type="application/json")
    assert too_much.status_code == 400 and "at most 20" in str(too_much.json())
    assert client.delete(f"/api/v1/criteria/{value.pk}/").status_code == 204
    assert not Criterion.objects.filter(pk=value.pk).exists()
    client.force_login(world.manager_b)
    need = upcoming.criteria.get(title="Need")
    assert client.delete(f"/api/v1/criteria/{need.pk}/").status_code == 404


def test_once_scoring_has_begun_every_door_refuses_in_words(client, world, call, assessor):
    application = submitted_application(call, world.partner, world.partner_org)
    score_all(open_assignment(application, world.manager, assessor), assessor, [3, 3, 5])
    need = call.criteria.get(title="Need")
    words = "Assessors have started scoring this call"
    with pytest.raises(TransitionRefused, match=words):
        services.criterion_update(criterion=need, actor=world.manager, weight=40)
    with pytest.raises(TransitionRefused, match=words):
        services.criterion_remove(criterion=need, actor=world.manager)
    client.force_login(world.manager)
    page = client.get(f"/calls/{call.pk}/").content.decode()
    assert words in page and f"/calls/criteria/{need.pk}/edit/" not in page
    assert words in client.post(f"/calls/criteria/{need.pk}/remove/", follow=True).content.decode()
    api = client.patch(f"/api/v1/criteria/{need.pk}/", {"weight": 40}, content_type="application/json")
    assert api.status_code == 409 and words in api.json()["detail"]
    assert client.delete(f"/api/v1/criteria/{need.pk}/").status_code == 409
    assert Criterion.objects.get(pk=need.pk).weight == 50


def test_an_open_call_with_applications_keeps_its_criteria(world, call):
    services.application_start(
        call=call, actor=world.partner, organisation=world.partner_org, title="x", amount_requested=1000
    )
    with pytest.raises(TransitionRefused, match="1 application has been started against these criteria"):
        services.criterion_add(call=call, actor=world.manager, title="Reach", weight=1)
    with pytest.raises(PermissionRefused):
        services.criterion_update(criterion=call.criteria.first(), actor=world.partner, weight=1)


def test_the_admin_sets_criteria_through_the_services(client, world, upcoming):
    world.manager.is_staff = True
    world.manager.save()
    client.force_login(world.manager)
    value = upcoming.criteria.get(title="Value")
    url = f"/admin/assessment/criterion/{value.pk}/change/"
    form = {"title": "Value", "weight": "60", "scale_max": "10", "position": "3", "guidance": "", "score_guidance": ""}
    response = client.post(url, form)
    assert response.status_code == 200 and "at most 20" in response.content.decode()
    response = client.post(url, {**form, "weight": "15"})
    assert response.status_code == 302
    assert Criterion.objects.get(pk=value.pk).weight == 15
    delete = client.post(f"/admin/assessment/criterion/{value.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 302 and not Criterion.objects.filter(pk=value.pk).exists()
    assert TransitionLog.objects.filter(object_id=upcoming.pk, transition="criterion_remove").exists()
