"""The API under /api/v1/: calls, applications (steps), assessments (scores and steps), conflicts."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from assessment.models import Assignment, Call
from grants.models import FundingProgramme

from .builders import open_assignment


def _iso(days):
    return (timezone.now() + dt.timedelta(days=days)).isoformat()


def test_a_manager_opens_a_call_and_adds_criteria_a_partner_cannot(client, world):
    client.force_login(world.manager)
    response = client.post(
        "/api/v1/calls/",
        {
            "programme": world.programme.pk,
            "title": "API round",
            "opens_at": _iso(-1),
            "closes_at": _iso(9),
            "eligible_kinds": ["mat", "school"],
            "max_amount": "25000.00",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    call = Call.objects.get(title="API round")
    response = client.post(
        f"/api/v1/calls/{call.pk}/criteria/", {"title": "Need", "weight": 60, "scale_max": 5}, "application/json"
    )
    assert response.status_code == 200 and response.json()["criteria"][0]["title"] == "Need"
    bad = client.post(
        "/api/v1/calls/",
        {"programme": world.programme.pk, "title": "x", "opens_at": _iso(2), "closes_at": _iso(1)},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "close after it opens" in str(bad.json())
    client.force_login(world.manager_b)
    other = client.post(
        "/api/v1/calls/",
        {"programme": world.programme.pk, "title": "Not mine", "opens_at": _iso(-1), "closes_at": _iso(9)},
        content_type="application/json",
    )
    assert other.status_code == 400  # the programme is not one of theirs: as if it did not exist
    client.force_login(world.partner)
    assert client.post("/api/v1/calls/", {}, content_type="application/json").status_code == 403


def test_assign_score_submit_and_decide_over_budget_through_the_api(client, world, application, assessor):
    FundingProgramme.objects.filter(pk=world.programme.pk).update(budget=Decimal("20000.00"))
    client.force_login(world.manager)
    assigned = client.post(
        f"/api/v1/applications/{application.pk}/assign/", {"assessor": assessor.pk}, "application/json"
    )
    assert assigned.status_code == 200, assigned.json()
    assignment = Assignment.objects.get(assessor=assessor)

    client.force_login(assessor)
    assert client.post(f"/api/v1/assessments/{assignment.pk}/declare_none/", {}, "application/json").status_code == 200
    criteria = list(application.call.criteria.all())
    saved = client.post(
        f"/api/v1/assessments/{assignment.pk}/scores/",
        {
            "scores": [
                {"criterion": c.pk, "score": v, "comment": "ok"} for c, v in zip(criteria, (4, 3, 7), strict=True)
            ],
            "recommendation": "fund",
        },
        content_type="application/json",
    )
    assert saved.status_code == 200 and saved.json()["weighted_score"] == "72.00"
    too_high = client.post(
        f"/api/v1/assessments/{assignment.pk}/scores/",
        {"scores": [{"criterion": criteria[0].pk, "score": 6}]},
        content_type="application/json",
    )
    assert too_high.status_code == 400 and "scored from 0 to 5" in str(too_high.json())
    submitted = client.post(f"/api/v1/assessments/{assignment.pk}/submit/", {}, "application/json")
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"

    client.force_login(world.manager)
    refused = client.post(
        f"/api/v1/applications/{application.pk}/decide/",
        {"decision": "approved", "reasons": "Strong"},
        content_type="application/json",
    )
    assert refused.status_code == 409
    assert "would take WM Fund past its budget of £20,000.00" in str(refused.json())
    declined = client.post(
        f"/api/v1/applications/{application.pk}/decide/",
        {"decision": "declined", "reasons": "Over what is left"},
        content_type="application/json",
    )
    assert declined.status_code == 200 and declined.json()["decision"] == "declined"


def test_a_blind_call_hides_the_applicant_from_assessors_in_the_api(client, world, call, application, assessor):
    Call.objects.filter(pk=call.pk).update(blind=True)
    open_assignment(application, world.manager, assessor)
    client.force_login(assessor)
    assert client.get(f"/api/v1/applications/{application.pk}/").json()["recipient"] is None
    page = client.get(f"/calls/applications/{application.pk}/").content.decode()
    assert world.partner_org.name not in page
    client.force_login(world.manager)
    assert client.get(f"/api/v1/applications/{application.pk}/").json()["recipient"] == world.partner_org.name
