"""The pages under /calls/ end to end with a test client, and constant queries on the lists."""

import datetime as dt

from django.utils import timezone

from assessment.models import Application, Assignment, Call
from partnerships.models import PartnershipMember
from tests import factories as f

from .builders import open_assignment, score_all, submitted_application


def _local(days):
    return timezone.localtime(timezone.now() + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_from_a_new_call_to_a_decision_through_the_pages(client, world, assessor):
    PartnershipMember.objects.get_or_create(partnership=world.partnership, organisation=world.partner_org)
    client.force_login(world.manager)
    response = client.post(
        "/calls/new/",
        {
            "programme": world.programme.pk,
            "title": "Wellbeing round",
            "opens_at": _local(-1),
            "closes_at": _local(5),
            "stages": "1",
            "guidance": "Trusts across the region.",
            "max_amount": "20,000",
            "disagreement_points": "20",
        },
    )
    call = Call.objects.get(title="Wellbeing round")
    assert response.status_code == 302
    for title, weight in (("Need", "60"), ("Plan", "40")):
        client.post(f"/calls/{call.pk}/criteria/new/", {"title": title, "weight": weight, "scale_max": "5"})
    assert call.criteria.count() == 2

    client.force_login(world.partner)
    assert "Wellbeing round" in client.get("/calls/").content.decode()
    response = client.post(
        f"/calls/{call.pk}/apply/",
        {"organisation": world.partner_org.pk, "title": "Calm classrooms", "amount_requested": "15000"},
    )
    application = Application.objects.get(award__title="Calm classrooms")
    page = client.get(f"/calls/applications/{application.pk}/").content.decode()
    assert "Say what the project is and why it is needed" in page
    school = f.OrganisationFactory(kind="school", name="Elm Primary")
    client.post(
        f"/calls/applications/{application.pk}/organisations/",
        {"organisation": school.pk, "role": "school", "receives_support": "on"},
    )
    sections = {
        "details": {
            "title": "Calm classrooms",
            "amount_requested": "15000",
            "planned_start": "2027-01-04",
            "planned_end": "2027-07-16",
        },
        "project": {"project_summary": "Wellbeing leads in six schools."},
        "outcomes": {"outcomes": "Fewer exclusions."},
        "budget": {"budget_summary": "Supply cover."},
    }
    for section, fields in sections.items():
        response = client.post(f"/calls/applications/{application.pk}/edit/{section}/", fields)
        assert response.status_code == 302, section
    assert (
        "Everything the call asks for is there."
        in client.get(f"/calls/applications/{application.pk}/").content.decode()
    )
    client.post(f"/calls/applications/{application.pk}/submit/")
    application.award.refresh_from_db()
    assert application.award.state == "submitted"

    client.force_login(world.manager)
    client.post(f"/calls/applications/{application.pk}/assign/", {"assessor": assessor.pk})
    assignment = Assignment.objects.get(assessor=assessor)

    client.force_login(assessor)
    assert "Before you open" in client.get(f"/calls/assessments/{assignment.pk}/").content.decode()
    client.post(f"/calls/assessments/{assignment.pk}/declare/", {"conflict": "no"})
    need, plan = call.criteria.order_by("position")
    response = client.post(
        f"/calls/assessments/{assignment.pk}/",
        {
            f"score_{need.pk}": "4",
            f"comment_{need.pk}": "Clear need",
            f"score_{plan.pk}": "3",
            f"comment_{plan.pk}": "",
            "recommendation": "fund",
            "comment": "Good",
            "submit": "yes",
        },
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.state == "submitted"

    client.force_login(world.manager)
    panel = client.get(f"/calls/{call.pk}/panel/").content.decode()
    assert "72.00" in panel  # (60 x 4/5 + 40 x 3/5) / 100 x 100
    client.post(
        f"/calls/applications/{application.pk}/decide/",
        {"decision": "approved", "reasons": "Strong need", "amount": ""},
    )
    application.award.refresh_from_db()
    assert application.award.state == "approved"
    csv_text = client.get(f"/calls/{call.pk}/panel.csv").content.decode()
    assert "72.00" in csv_text and "Approved" in csv_text


def test_a_refused_form_keeps_what_was_typed(client, world, call):
    PartnershipMember.objects.get_or_create(partnership=world.partnership, organisation=world.partner_org)
    client.force_login(world.partner)
    response = client.post(
        f"/calls/{call.pk}/apply/",
        {"organisation": world.partner_b.pk, "title": "Typed title", "amount_requested": "lots"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "Typed title" in page


def test_a_late_application_page_says_when_the_call_closed(client, world):
    from .builders import open_call

    PartnershipMember.objects.get_or_create(partnership=world.partnership, organisation=world.partner_org)
    call = open_call(
        world.manager,
        world.programme,
        opens_at=timezone.now() - dt.timedelta(days=5),
        closes_at=timezone.now() - dt.timedelta(hours=1),
    )
    client.force_login(world.partner)
    response = client.post(
        f"/calls/{call.pk}/apply/", {"organisation": world.partner_org.pk, "title": "Late", "amount_requested": "100"}
    )
    assert "closed at" in response.content.decode()
    assert not Application.objects.exists()


LISTS = [
    "/calls/",
    "/calls/{call}/",
    "/calls/{call}/panel/",
    "/calls/{call}/panel.csv",
    "/api/v1/calls/",
    "/api/v1/assessments/",
    "/api/v1/applications/",
    "/api/v1/conflicts/",
    "/api/v1/attachments/",
    "/api/v1/criteria/",
]


def _counts(client, call) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for url in LISTS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url.format(call=call.pk)).status_code == 200, url
        counts[url] = len(queries)
    return counts


def test_the_lists_cost_the_same_queries_whatever_their_length(client, world, call, assessor, assessor2):
    def add(i):
        application = submitted_application(call, world.partner, world.partner_org, title=f"Bid {i}", files=2)
        score_all(open_assignment(application, world.manager, assessor), assessor, [3, 3, 5])
        open_assignment(application, world.manager, assessor2)

    add(0)
    client.force_login(world.manager)
    client.get("/calls/")  # warm the session
    one = _counts(client, call)
    for i in range(1, 5):
        add(i)
    assert _counts(client, call) == one


def test_a_manager_changes_the_call_and_a_partner_cannot(client, world, call):
    client.force_login(world.manager)
    response = client.get(f"/calls/{call.pk}/edit/")
    data = {k: v for k, v in response.context["form"].initial.items() if v is not None}
    data.update(
        {
            "opens_at": _local(-10),
            "closes_at": _local(3),
            "stages": "1",
            "title": "Peer review round 1 (extended)",
            "max_amount": "40000",
            "eligible_kinds": ["mat"],
            "eligible_size_bands": [],
            "eligible_sub_regions": [],
            "eligible_local_authorities": [],
            "full_closes_at": "",
        }
    )
    response = client.post(f"/calls/{call.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    call.refresh_from_db()
    assert (call.title, call.eligible_kinds) == ("Peer review round 1 (extended)", ["mat"])
    data["closes_at"] = _local(-20)
    response = client.post(f"/calls/{call.pk}/edit/", data)
    assert "The call must close after it opens." in response.content.decode()
    client.force_login(world.partner)
    response = client.post(f"/calls/{call.pk}/edit/", {**data, "title": "Hijacked"})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.title == "Peer review round 1 (extended)"
