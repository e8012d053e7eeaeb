"""The work inbox: what waits for each role, only within their scope, at a constant query count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants.models import Award, Payment
from partnerships.models import Project
from tests import factories as f
from tests.helpers import force_state
from tests.inbox.conftest import build_due_world


def _inbox(client, user, due):
    client.force_login(user)
    with due.at():
        response = client.get("/inbox/")
    assert response.status_code == 200
    return response.context["inbox"], response.content.decode()


def test_manager_inbox_lists_what_waits_for_them_and_nothing_of_another_programme(client, world, due_world):
    force_state(f.AwardFactory(programme=world.programme, title="Reading recovery bid"), Award.State.SUBMITTED)
    force_state(f.AwardFactory(programme=world.programme_b, title="Not my programme"), Award.State.SUBMITTED)
    force_state(
        f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org, title="Oracy pairs"),
        Project.State.PROPOSED,
    )
    inbox, page = _inbox(client, world.manager, due_world)
    review = inbox.section("updates_to_review")
    assert review.count == 1 and review.items[0].url == f"/updates/{due_world.updates['submitted'].pk}/"
    assert [i.title.split(" (")[0] for i in inbox.section("payments_to_release").items] == [
        "Release £2,000.00 to Summit Learning Trust"
    ]
    assert inbox.section("applications_to_decide").count == 1
    assert "Reading recovery bid" in page and "Not my programme" not in page
    assert inbox.section("proposals_to_review").count == 1 and "Oracy pairs" in page
    overdue = inbox.section("reports_overdue")
    assert [i.tag for i in overdue.items] == ["16 days late", "6 days late"]  # most late first
    assert "Award elsewhere" not in page
    assert inbox.waiting == sum(s.count for s in inbox.sections)
    assert 'id="payments_to_approve"' in page  # the dashboard's links land on each section


def test_partner_inbox_lists_reports_to_write_and_changes_requested(client, world, due_world):
    force_state(due_world.updates["late_draft"], "changes_requested")
    f.AwardFactory(programme=world.programme, recipient=world.partner_org, title="Half-written bid")
    inbox, page = _inbox(client, world.partner, due_world)
    assert inbox.section("changes_requested").count == 1
    write = inbox.section("reports_to_write")
    assert [i.tag for i in write.items] == ["6 days late", "Due in 7 days"]  # soonest due first
    assert inbox.section("applications_to_submit").count == 1 and "Half-written bid" in page
    assert inbox.section("payments_to_release") is None  # not a manager
    assert "Award elsewhere" not in page


def test_funder_inbox_shows_payments_due_on_their_awards_only(client, world, due_world):
    inbox, page = _inbox(client, world.funder, due_world)
    payments = inbox.section("payments_due_on_your_awards")
    assert payments.count == 3 and not payments.action  # overdue, due today, due in five days
    assert "£400.00" not in page  # the other funder's
    assert inbox.waiting == 0
    assert "Nothing is waiting for you." in page


def test_dashboard_shows_the_inbox_first(client, world, due_world):
    client.force_login(world.manager)
    with due_world.at():
        page = client.get("/").content.decode()
    assert page.index("Waiting for you") < page.index("Programme management")
    assert 'href="/inbox/#reports_overdue">Progress updates overdue from partners</a>: <strong>2</strong>' in page


def test_the_dashboard_reads_the_managed_due_figures_once_for_its_figures_and_its_inbox(client, world, due_world):
    client.force_login(world.manager)
    with due_world.at():
        client.get("/")  # the first request of a session writes to it
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/")
    assert sum("reporting_duetally" in q["sql"] for q in captured) == 1
    figures, inbox = response.context["manager"]["updates"], response.context["inbox"]
    assert figures["overdue"] == inbox.section("reports_overdue").count == 2
    assert figures["awaiting_review"] == inbox.section("updates_to_review").count


def test_someone_without_an_organisation_has_an_empty_inbox(client, db):
    client.force_login(f.UserFactory())
    response = client.get("/inbox/")
    assert response.status_code == 200 and "not linked to an organisation" in response.content.decode()


def test_inbox_needs_sign_in(client, db):
    assert client.get("/inbox/")["Location"].startswith("/accounts/login/")
    assert APIClientAnon().get("/api/v1/inbox/").status_code in (401, 403)


def APIClientAnon():
    from rest_framework.test import APIClient

    return APIClient()


def _grow(world, today, n):
    for i in range(n):
        award = force_state(
            f.AwardFactory(
                programme=world.programme,
                recipient=world.partner_org,
                amount_awarded=Decimal("10"),
                reporting_frequency=Award.Frequency.ONE_OFF,
                planned_start=today - dt.timedelta(days=200),
                planned_end=today - dt.timedelta(days=30 + i),
            ),
            Award.State.ACTIVE,
        )
        force_state(f.AwardFactory(programme=world.programme, amount_requested=Decimal("5")), Award.State.SUBMITTED)
        f.PaymentFactory(award=award, due_on=today - dt.timedelta(days=i), amount=Decimal("1"))
        force_state(f.PaymentFactory(award=award, due_on=today, amount=Decimal("1")), Payment.State.APPROVED)
        force_state(
            f.ProgressUpdateFactory(award=award, period_start=award.planned_start, period_end=award.planned_end),
            "submitted" if i % 2 else "draft",
        )
        force_state(f.ProjectFactory(partnership=world.partnership), Project.State.PROPOSED)


@pytest.mark.parametrize("role", ["manager", "partner", "funder"])
def test_inbox_query_count_does_not_grow_with_the_data(client, world, role):
    today = dt.date(2026, 6, 15)
    type(world.programme).objects.filter(pk=world.programme.pk).update(budget=Decimal("10000000"))
    due = build_due_world(world, today)
    client.force_login(getattr(world, role))
    counts = []
    for n in (2, 25):
        _grow(world, today, n)
        with due.at():
            client.get("/inbox/")
            with CaptureQueriesContext(connection) as ctx:
                response = client.get("/inbox/")
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    # (each list of due periods reads its updates in a query of their own: cheaper than planning the join)
    assert counts[0] <= 18


def test_a_section_counts_to_its_cap_and_says_there_are_more(client, world, due_world, monkeypatch):
    """Two scheduled payments wait for approval; counted to a cap of one, the section says "1 or more"."""
    from inbox import selectors

    monkeypatch.setattr(selectors, "LIMIT", 1)
    monkeypatch.setattr(selectors, "COUNT_CAP", 1)
    inbox, html = _inbox(client, world.manager, due_world)
    section = inbox.section("payments_to_approve")
    assert (section.count, section.capped, len(section.items)) == (1, True, 1)
    assert "1 or more" in html
    monkeypatch.setattr(selectors, "COUNT_CAP", 1000)
    section = _inbox(client, world.manager, due_world)[0].section("payments_to_approve")
    assert (section.count, section.capped) == (2, False)
