"""The conflict rule as a matrix: every kind of person tied to a bid × every door (pages, the CSV export,
the PDF summary, the API, the admin). A conflicted person reads 0 scores of that application anywhere;
an assessor it is not theirs to see cannot open it; nobody conflicted can score. The unconflicted
manager and assessor, asked the same way, do see the scores — so each assertion can fail."""

import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from pypdf import PdfReader

from accounts import roles
from accounts.models import OrganisationMembership
from assessment import services
from assessment.models import Assignment, Conflict
from assessment.scopes import _FAMILY_ATTR
from tests import factories as f
from tests.conftest import member

from .builders import complete

Role = OrganisationMembership.Role
SCORE_SECRET = "Sc0re-SECRET"
FILE_SECRET = "F1le-SECRET"
BID_SECRET = "Qx9-BID-SECRET"
# The two weighted scores as a page shows them: not the seconds of a timestamp ("16:10:57.001234"),
# which made the API's history look like a leak about one run in a hundred.
SCORE_FIGURES = re.compile(r"(?<![\d:.])(?:72|57)\.00(?!\d)")


def _shows_scores(text: str) -> bool:
    return SCORE_SECRET in text or SCORE_FIGURES.search(text) is not None


def _score(assignment, actor, values, note):
    criteria = list(assignment.application.call.criteria.all())
    services.scores_save(
        assignment=assignment,
        actor=actor,
        scores={c.pk: (v, f"{SCORE_SECRET} {note} on {c.title}") for c, v in zip(criteria, values, strict=True)},
        recommendation="fund",
        comment=f"{SCORE_SECRET} {note} overall",
    )
    return services.assessment_submit(assignment=assignment, actor=actor)


def _file(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("letter.txt", text.encode(), content_type="text/plain")


def _forget(user):
    roles.forget(user)
    if hasattr(user, _FAMILY_ATTR):
        delattr(user, _FAMILY_ATTR)


@pytest.fixture
def bid(world, call):
    """world.partner_org (a trust) leads, with a co-applicant and a school taking part; people tied to the bid
    every way Exchange knows, each assigned; two outside assessors score it."""
    co_applicant = f.OrganisationFactory(name="Co-applicant Trust")
    school = f.OrganisationFactory(name="School in the bid", kind="school")
    sibling = f.OrganisationFactory(name="Sibling school", kind="school", trust=world.partner_org)
    application = services.application_start(
        call=call, actor=world.partner, organisation=world.partner_org, title="Peer reviews", amount_requested=30000
    )
    invitation = services.application_add_organisation(
        application=application, actor=world.partner, organisation=co_applicant, role="co_applicant"
    )
    co_head = member(Role.PARTNER, co_applicant, username="co_head")
    services.invitation_answer(entry=invitation, actor=co_head, accept=True)
    attachment = services.attachment_add(
        application=application, actor=world.partner, upload=_file(f"{FILE_SECRET} letter of support")
    )
    services.application_add_organisation(
        application=application, actor=world.partner, organisation=school, role="school", gives_support=True
    )
    complete(application, world.partner)
    application = services.application_submit(application=application, actor=world.partner)

    people = {
        "clean": member(Role.PARTNER, f.OrganisationFactory(name="Clean Trust"), username="clean"),
        "clean2": member(Role.PARTNER, f.OrganisationFactory(name="Clean Trust 2"), username="clean2"),
        "applicant": member(Role.PARTNER, world.partner_org, username="applicant_head"),
        "co_applicant": co_head,
        "school": member(Role.PARTNER, school, username="school_head"),
        "same_trust": member(Role.PARTNER, sibling, username="sibling_head"),
        "declared": member(Role.PARTNER, f.OrganisationFactory(name="Declaring Trust"), username="declarer"),
        "joined_later": member(Role.PARTNER, f.OrganisationFactory(name="Mover Trust"), username="mover"),
        "manager_conflicted": world.second_manager,
    }
    f.MembershipFactory(user=world.second_manager, organisation=co_applicant, role=Role.PARTNER)
    assignments = {
        name: services.assessor_assign(application=application, actor=world.manager, assessor=user)
        for name, user in people.items()
    }
    opened = {}
    for name in ("clean", "clean2", "joined_later"):
        opened[name] = services.assessment_declare(assignment=assignments[name], actor=people[name], conflict=False)
    services.assessment_declare(
        assignment=assignments["declared"], actor=people["declared"], conflict=True, reason="My sister chairs it."
    )
    _score(opened["clean"], people["clean"], [4, 3, 7], "clean")
    _score(opened["clean2"], people["clean2"], [2, 2, 5], "clean2")
    _score(opened["joined_later"], people["joined_later"], [5, 5, 10], "mover")
    # After scoring, the mover joins the co-applicant trust: the live rule shuts the application to them.
    f.MembershipFactory(user=people["joined_later"], organisation=co_applicant, role=Role.PARTNER)
    for user in people.values():
        _forget(user)
    return {
        "application": application,
        "people": people,
        "assignments": assignments,
        "call": call,
        "attachment": attachment,
    }


CONFLICTED = ["applicant", "co_applicant", "school", "same_trust", "declared", "joined_later", "manager_conflicted"]
# Assessors whose organisation gives them no other way into the bid: they cannot open it at all, nor get
# its attached files (the others are in the applying team: the applicant's own people, the co-applicant's).
NO_WAY_IN = ["school", "same_trust", "declared"]


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf") and response.status_code == 200:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", "replace")


def _doors(bid, person_name) -> list[tuple[str, str]]:
    application, call = bid["application"], bid["call"]
    clean = bid["assignments"]["clean"]
    own = bid["assignments"][person_name]
    return [
        ("page: application", f"/calls/applications/{application.pk}/"),
        ("page: own assessment", f"/calls/assessments/{own.pk}/"),
        ("page: call", f"/calls/{call.pk}/"),
        ("page: calls", "/calls/"),
        ("page: panel", f"/calls/{call.pk}/panel/"),
        ("export: panel CSV", f"/calls/{call.pk}/panel.csv"),
        ("PDF: assessment summary", f"/calls/applications/{application.pk}/assessment.pdf"),
        ("API: assessments", "/api/v1/assessments/"),
        ("API: an assessment", f"/api/v1/assessments/{clean.pk}/"),
        ("API: own assessment", f"/api/v1/assessments/{own.pk}/"),
        ("API: application", f"/api/v1/applications/{application.pk}/"),
        ("API: conflicts", "/api/v1/conflicts/"),
        ("admin: assessments", "/admin/assessment/assignment/"),
        ("admin: an assessment", f"/admin/assessment/assignment/{clean.pk}/change/"),
        ("page: attachment", f"/calls/attachments/{bid['attachment'].pk}/"),
        ("API: attachments", "/api/v1/attachments/"),
        ("API: attachment file", f"/api/v1/attachments/{bid['attachment'].pk}/download/"),
        ("admin: attachments", "/admin/assessment/attachment/"),
        ("history API", "/api/v1/transitions/"),
    ]


@pytest.mark.parametrize("person_name", CONFLICTED)
def test_a_conflicted_person_reads_no_score_through_any_door(client, bid, person_name):
    person = bid["people"][person_name]
    person.is_staff = True  # the admin door too (it refuses non-managers at the door)
    person.save()
    client.force_login(person)
    client.raise_request_exception = False
    leaks, errors = [], []
    for door, url in _doors(bid, person_name):
        response = client.get(url)
        text = _text(response)
        if response.status_code >= 500:
            errors.append(f"{door} {url}: {response.status_code}")
        if _shows_scores(text):
            leaks.append(f"{door} {url}: {response.status_code} shows scores")
        if person_name in NO_WAY_IN and (BID_SECRET in text or FILE_SECRET in text or "letter.txt" in text):
            leaks.append(f"{door} {url}: {response.status_code} shows the bid or its file")
    assert not errors, errors
    assert leaks == [], f"{person_name}: {len(leaks)} leaks\n" + "\n".join(leaks)


@pytest.mark.parametrize("person_name", CONFLICTED)
def test_a_conflicted_person_cannot_score(client, bid, person_name):
    from workflow.errors import TransitionRefused

    person = bid["people"][person_name]
    assignment = Assignment.objects.get(pk=bid["assignments"][person_name].pk)
    criterion = bid["call"].criteria.first()
    with pytest.raises(TransitionRefused):
        services.scores_save(assignment=assignment, actor=person, scores={criterion.pk: (1, "")})
    client.force_login(person)
    response = client.post(
        f"/api/v1/assessments/{assignment.pk}/scores/",
        {"scores": [{"criterion": criterion.pk, "score": 1}]},
        content_type="application/json",
    )
    assert response.status_code in (403, 404, 409)
    if person_name != "joined_later":
        assert not assignment.scores.exists()


def test_exchange_finds_each_tie_to_the_bid_and_the_manager_sees_who_stood_aside(client, world, bid):
    conflicts = {c.assignment.assessor.username: c for c in Conflict.objects.select_related("assignment__assessor")}
    assert conflicts["applicant_head"].source == "detected"
    assert "You belong to Summit Learning Trust" in conflicts["applicant_head"].reason
    assert "co-applicant" in conflicts["co_head"].reason
    assert "school taking part" in conflicts["school_head"].reason
    assert "same trust" in conflicts["sibling_head"].reason
    assert conflicts["declarer"].source == "declared"
    assert "mover" not in conflicts  # found live, by the scope, not recorded when they were assigned
    client.force_login(world.manager)
    page = client.get(f"/calls/applications/{bid['application'].pk}/").content.decode()
    assert "Stood aside: My sister chairs it." in page
    assert "co-applicant in this bid" in page
    api = client.get("/api/v1/conflicts/").json()
    assert {row["assessor_username"] for row in api["results"]} >= {"declarer", "co_head", "school_head"}


UNCONFLICTED_DOORS = [
    ("page: panel", "/calls/{call}/panel/"),
    ("export: panel CSV", "/calls/{call}/panel.csv"),
    ("PDF: assessment summary", "/calls/applications/{application}/assessment.pdf"),
    ("API: an assessment", "/api/v1/assessments/{clean}/"),
    ("admin: an assessment", "/admin/assessment/assignment/{clean}/change/"),
]


@pytest.mark.parametrize("door,url", UNCONFLICTED_DOORS)
def test_the_unconflicted_manager_reads_the_scores_at_every_door(client, world, bid, door, url):
    client.force_login(world.manager)
    ids = {"call": bid["call"].pk, "application": bid["application"].pk, "clean": bid["assignments"]["clean"].pk}
    response = client.get(url.format(**ids))
    assert response.status_code == 200, door
    text = _text(response)
    assert _shows_scores(text), door


def test_an_assessor_reads_their_own_scores_and_no_one_elses(client, bid):
    clean = bid["people"]["clean"]
    client.force_login(clean)
    own = client.get(f"/api/v1/assessments/{bid['assignments']['clean'].pk}/")
    assert own.status_code == 200 and own.json()["weighted_score"] == "72.00"
    other = client.get(f"/api/v1/assessments/{bid['assignments']['clean2'].pk}/")
    assert other.status_code == 404
    listed = client.get("/api/v1/assessments/").json()
    assert [row["id"] for row in listed["results"]] == [bid["assignments"]["clean"].pk]


def test_partners_and_funders_never_read_scores(client, world, bid):
    for person in (world.partner, world.funder, world.partner_b, world.manager_b):
        client.force_login(person)
        for door, url in _doors(bid, "clean")[:-1]:
            if "own" in door:
                continue
            response = client.get(url)
            assert SCORE_SECRET not in _text(response), (person.username, door)


def test_a_manager_with_a_conflict_cannot_record_the_decision(world, bid):
    from workflow.errors import PermissionRefused

    with pytest.raises(PermissionRefused, match="conflict of interest"):
        services.panel_decide(
            application=bid["application"], actor=world.second_manager, decision="approved", reasons="Good."
        )
    assert User.objects.filter(pk=world.second_manager.pk).exists()
    assert bid["application"].award.amount_requested == Decimal("30000.00")
