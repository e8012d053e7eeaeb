"""One source of truth for what is due: the dashboards, the lists, the overdue page, the inbox, the
API, the calendar feed and the reminders give the same counts on the same data, on an ordinary day and
far from it."""

import datetime as dt
from decimal import Decimal

import pytest
from icalendar import Calendar
from rest_framework.test import APIClient

from inbox.calendar import feed_for
from reporting.models import SentReminder
from reporting.services import reminders_send
from tests.inbox.conftest import build_due_world

# Two reports overdue (one never started, one a draft), one awaiting review, one due soon, one
# upcoming; one payment overdue (the cancelled one never is), one due today (due, not late), one
# approved and due in five days.
MANAGER = {"overdue": 2, "awaiting_review": 1, "due_soon": 1}
PAYMENTS = {"overdue_count": 1, "overdue_total": Decimal("1500"), "due_count": 2, "due_total": Decimal("2250")}


def _get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def _api(user, url):
    api = APIClient()
    api.force_authenticate(user)
    response = api.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return response.json()


@pytest.mark.parametrize("today", [dt.date(2026, 6, 15), dt.date(2099, 11, 30), dt.date(1995, 2, 28)])
def test_manager_pages_inbox_and_api_agree_on_what_is_overdue(client, world, today):
    due = build_due_world(world, today)
    with due.at():
        dashboard = _get(client, world.manager, "/").context
        overdue_page = _get(client, world.manager, "/updates/overdue/").context
        inbox = _get(client, world.manager, "/inbox/").context["inbox"]
        api_inbox = _api(world.manager, "/api/v1/inbox/")
        payments_page = _get(client, world.manager, "/payments/?when=overdue").context
        api_payments = _api(world.manager, "/api/v1/payments/?when=overdue")
        api_all = _api(world.manager, "/api/v1/payments/?page_size=100")

        tabs = {k: _get(client, world.manager, f"/updates/overdue/?show={k}").context for k in MANAGER}
        feed = report_events(world.manager, today)
        updates_page = _get(client, world.manager, "/updates/").context
        review_page = _get(client, world.manager, "/updates/?show=awaiting_review").context
        done_page = _get(client, world.manager, "/updates/?show=done").context

    updates = dashboard["manager"]["updates"]
    assert {k: updates[k] for k in MANAGER} == MANAGER
    assert {k: overdue_page["counts"][k] for k in MANAGER} == MANAGER
    assert [t["count"] for t in overdue_page["tabs"]] == list(MANAGER.values())
    # Each list of the overdue page holds as many rows as its count, the overdue ones first (and those
    # the inbox's overdue section lists, in its order).
    for key, n in MANAGER.items():
        assert tabs[key]["page"].paginator.count == len(tabs[key]["periods"]) == n, key
        assert all(p.urgency == key for p in tabs[key]["periods"]), key
    assert [p.due_on for p in overdue_page["periods"]] == [i.when for i in inbox.section("reports_overdue").items]
    # What is due (the manager's /updates/: the work they manage): the partner's turn, and the rest.
    assert updates_page["page"].paginator.count == updates["with_partner"] == len(updates_page["to_do"])
    assert review_page["page"].paginator.count == updates["awaiting_review"]
    assert done_page["page"].paginator.count == updates["done"]
    # The calendar feed: one event for each report not yet accepted.
    assert len(feed) == updates["with_partner"] + updates["awaiting_review"]
    assert sorted(feed.values()) == sorted(
        "review" if p.urgency == "awaiting_review" else "due"
        for p in [*updates_page["to_do"], *tabs["awaiting_review"]["periods"]]
    )
    assert inbox.section("reports_overdue").count == MANAGER["overdue"]
    assert inbox.section("updates_to_review").count == MANAGER["awaiting_review"]
    api_counts = {s["key"]: s["count"] for s in api_inbox["sections"]}
    assert api_counts == inbox.counts
    assert api_inbox["today"] == today.isoformat()

    money = dashboard["manager"]["payments"]
    assert {k: money[k] for k in PAYMENTS} == PAYMENTS
    assert payments_page["page"].paginator.count == PAYMENTS["overdue_count"] == api_payments["count"]
    assert [p["id"] for p in api_payments["results"]] == [due.payments["overdue"].pk]
    by_id = {p["id"]: p for p in api_all["results"]}
    assert by_id[due.payments["overdue"].pk]["urgency"] == "overdue"
    assert by_id[due.payments["overdue"].pk]["days_overdue"] == 3
    assert by_id[due.payments["due_soon_approved"].pk]["urgency"] == "due_soon"
    assert by_id[due.payments["cancelled"].pk]["urgency"] == "cancelled"
    assert by_id[due.payments["paid"].pk]["urgency"] == "paid"
    assert due.payments["elsewhere"].pk not in by_id
    assert by_id[due.payments["due_today"].pk]["urgency"] == "due_soon"
    # The inbox's payments: the scheduled ones due (overdue, today) to approve, the approved one to release.
    assert inbox.section("payments_to_approve").count == 2
    assert inbox.section("payments_to_release").count == 1


@pytest.mark.parametrize("today", [dt.date(2026, 6, 15), dt.date(2099, 11, 30)])
def test_partner_dashboard_list_inbox_and_reminders_agree(client, world, settings, today):
    settings.REMINDER_DAYS_AFTER = 3
    settings.REMINDER_DAYS_BEFORE = 7
    due = build_due_world(world, today)
    with due.at():
        dashboard = _get(client, world.partner, "/").context
        due_page = _get(client, world.partner, "/updates/").context
        inbox = _get(client, world.partner, "/inbox/").context["inbox"]
        api_inbox = _api(world.partner, "/api/v1/inbox/")
        review_page = _get(client, world.partner, "/updates/?show=awaiting_review").context
        done_page = _get(client, world.partner, "/updates/?show=done").context
        overdue_page = _get(client, world.partner, "/updates/overdue/").context
        feed = report_events(world.partner, today)
        sent = reminders_send()

    counts = dashboard["partner"]["updates"]
    assert counts["overdue"] == 2
    assert counts["with_partner"] == 4  # two overdue, one due soon, one upcoming
    assert len(due_page["to_do"]) == due_page["page"].paginator.count == counts["with_partner"]
    assert review_page["page"].paginator.count == counts["awaiting_review"] == 1
    assert [p.state for p in review_page["awaiting_review"]] == ["submitted"]
    assert done_page["page"].paginator.count == counts["done"] == 1
    assert [p.state for p in done_page["done"]] == ["accepted"]
    assert {k: overdue_page["counts"][k] for k in MANAGER} == {k: counts[k] for k in MANAGER}
    assert len(feed) == counts["with_partner"] + counts["awaiting_review"] == 5
    assert [p.subject.pk for p in dashboard["partner"]["updates_due"]] == [p.subject.pk for p in due_page["to_do"]]
    # What the partner must write now: overdue and due soon.
    assert inbox.section("reports_to_write").count == counts["overdue"] + counts["due_soon"] == 3
    assert {s["key"]: s["count"] for s in api_inbox["sections"]} == inbox.counts
    # The reminder run reads the same periods: two overdue (at least 3 days late), one due within 7 days
    # (and, on the other partnership, partner B's one overdue report); each manager gets one summary of
    # the overdue reports on the work they manage (two managers here, one on the other programme).
    assert sent == {"overdue": 3, "due_soon": 1, "manager_overdue": 3}
    summary = SentReminder.objects.filter(recipient=world.manager, kind="manager_overdue")
    assert summary.count() == dashboard_overdue_for(client, world, due)
    mine = SentReminder.objects.filter(recipient=world.partner)
    assert sorted(mine.values_list("kind", flat=True)) == ["due_soon", "overdue", "overdue"]


def report_events(user, today) -> dict[str, str]:
    """The calendar feed's progress-update events: {uid: "due" or "review"}."""
    cal = Calendar.from_ical(feed_for(user=user, today=today))
    return {
        str(e["uid"]): "review" if "to review" in str(e["summary"]) else "due"
        for e in cal.walk("VEVENT")
        if str(e["uid"]).startswith("update-")
    }


def dashboard_overdue_for(client, world, due) -> int:
    with due.at():
        return _get(client, world.manager, "/").context["manager"]["updates"]["overdue"]


def test_payment_list_total_leaves_out_cancelled_payments(client, due_world, world):
    with due_world.at():
        page = _get(client, world.manager, "/payments/")
    # 1,500 + 2,000 + 250 + 3,000 + 900 (paid counts) and not the cancelled 700.
    assert page.context["total"] == Decimal("7650")
    text = page.content.decode()
    assert "6 payments totalling <strong>£7,650</strong> (1 cancelled, £700, not counted in the total)" in text
    assert "3 days overdue" in text


def test_a_report_due_today_is_due_not_late_and_late_the_day_after(client, world):
    due = build_due_world(world, dt.date(2026, 6, 15))
    award = due.awards["soon"]  # its report is due on 22 June 2026
    for day, overdue in [(dt.date(2026, 6, 22), 2), (dt.date(2026, 6, 23), 3)]:
        due.today = day
        with due.at():
            counts = _get(client, world.manager, "/").context["manager"]["updates"]
        assert counts["overdue"] == overdue, (day, award)
