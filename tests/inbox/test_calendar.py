"""The calendar feed: a secret per-person URL shown on the account page, renewable, listing the due
dates that person may see (the pages' scope), read back as iCalendar."""

import datetime as dt

from icalendar import Calendar

from inbox.models import CalendarFeed
from tests import factories as f


def _feed_url(client, user) -> str:
    client.force_login(user)
    page = client.get("/accounts/me/")
    assert page.status_code == 200
    url = page.context["feed_url"]
    assert url in page.content.decode()
    return url.replace("http://testserver", "")


def _events(client, url, due) -> dict:
    client.logout()  # a calendar app has no session: the token is the key
    with due.at():
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}


def test_partner_feed_lists_their_reports_and_payments_and_nothing_else(client, world, due_world):
    events = _events(client, _feed_url(client, world.partner), due_world)
    soon = due_world.awards["soon"]
    summary = f"Progress update due: {soon.identifier}, Whole period"
    assert summary in events
    assert events[summary].decoded("dtstart") == due_world.today + dt.timedelta(days=7)
    assert events[summary].decoded("dtend") == due_world.today + dt.timedelta(days=8)
    assert str(events[summary]["uid"]).endswith("@exchange")
    payment = due_world.payments["overdue"]
    assert f"Payment due: £1,500.00 to Summit Learning Trust ({payment.award.identifier})" in events
    assert not any("elsewhere" in s or due_world.awards["elsewhere"].identifier in s for s in events)
    # Accepted, paid and cancelled things are not due.
    assert not any(due_world.awards["done"].identifier in s for s in events)
    assert not any("£700.00" in s or "£900.00" in s for s in events)


def test_manager_feed_shows_reviews_and_programme_deadlines(client, world, due_world):
    world.programme.closes_on = due_world.today + dt.timedelta(days=20)
    world.programme.save()
    events = _events(client, _feed_url(client, world.manager), due_world)
    submitted = due_world.awards["submitted"]
    assert f"Progress update to review: {submitted.identifier}, Whole period" in events
    assert f"Applications close: {world.programme.name}" in events
    assert f"Applications close: {world.programme_b.name}" not in events


def test_renewing_the_address_stops_the_old_one(client, world, due_world):
    old = _feed_url(client, world.partner)
    response = client.post("/account/calendar/renew/", follow=True)
    assert "The old address no longer works" in response.content.decode()
    new = _feed_url(client, world.partner)
    assert new != old
    client.logout()
    with due_world.at():
        assert client.get(old).status_code == 404
        assert client.get(new).status_code == 200
    assert CalendarFeed.objects.get(user=world.partner).renewed_at is not None


def test_a_guessed_token_or_a_deactivated_person_opens_nothing(client, world, due_world):
    url = _feed_url(client, world.partner)
    client.logout()
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    world.partner.is_active = False
    world.partner.save()
    assert client.get(url).status_code == 404


def test_renewal_needs_a_post_and_sign_in(client, world):
    assert client.post("/account/calendar/renew/").status_code == 302
    client.force_login(world.partner)
    assert client.get("/account/calendar/renew/").status_code == 405


def test_each_person_has_their_own_token(client, world):
    a, b = _feed_url(client, world.partner), _feed_url(client, world.partner_b)
    assert a != b and len(a.split("/")[-1]) > 40
    f.UserFactory()  # someone who never opened the page has no feed
    assert CalendarFeed.objects.count() == 2


def test_there_is_one_account_page_and_it_shows_the_calendar_feed(client, world):
    client.force_login(world.partner)
    old = client.get("/account/")
    assert old.status_code == 301 and old["Location"] == "/accounts/me/"
    page = client.get("/accounts/me/").content.decode()
    assert "Second factor" in page and "Your personal data" in page  # the sign-in helper's page
    assert 'id="calendar"' in page and "/calendar/" in page and "Get a new calendar address" in page
    renewed = client.post("/account/calendar/renew/")
    assert renewed["Location"] == "/accounts/me/#calendar"
    nav = client.get("/inbox/").content.decode().split('id="navigation"', 1)[1].split("</ul>", 1)[0]
    assert 'href="/accounts/me/">Your account' in nav


def test_a_feed_holds_the_soonest_reports_of_both_turns_up_to_its_limit(client, world, due_world, monkeypatch):
    """The feed reads at most LIMIT reports: the soonest due, whichever turn they are at (two lists read
    along their indexes and merged), so a feed costs the same for a national funder's manager."""
    from inbox import calendar

    monkeypatch.setattr(calendar, "LIMIT", 2)
    events = _events(client, _feed_url(client, world.manager), due_world)
    reports = sorted(s for s in events if s.startswith("Progress update"))
    late, submitted = due_world.awards["late_draft"], due_world.awards["submitted"]  # both due 16 days ago
    assert reports == [
        f"Progress update due: {late.identifier}, Whole period",
        f"Progress update to review: {submitted.identifier}, Whole period",
    ]
