"""A person's due dates as an iCalendar feed (RFC 5545, written with the icalendar library): reports
owed, payments to approve or release (or due to them), evaluations and application deadlines. Each
event is an all-day event on its due date with a stable UID, so calendar apps update rather than
duplicate it when the date moves."""

import datetime as dt

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event

from accounts import roles
from grants import due as payment_due
from reporting.selectors import due_rows
from workflow import clock

from . import selectors

PRODID = "-//Exchange//Due dates//EN"
LIMIT = 1000  # reports in a feed, soonest due first (as payments_in_calendar's)


def _base_url() -> str:
    return getattr(settings, "EXCHANGE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def _event(uid: str, day: dt.date, summary: str, url: str, description: str, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"{uid}@exchange")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", _base_url() + url)
    event.add("transp", "TRANSPARENT")
    return event


def feed_for(*, user, today: dt.date | None = None) -> bytes:
    """Every open due date the person may see, as the pages show it (the same selectors and scopes)."""
    today = today or payment_due.today()
    stamp = clock.now()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Exchange: due dates for {user.get_full_name() or user.get_username()}")
    r = roles.of(user)
    periods = []
    if r.is_manager or r.is_partner:
        periods = due_rows.merged(user=user, today=today, urgencies=("with_partner", "awaiting_review"), limit=LIMIT)
    for period in periods:
        verb = "Progress update due" if period.with_partner else "Progress update to review"
        url = (
            reverse("reporting:update_detail", args=[period.update.pk])
            if period.update is not None
            else reverse("reporting:due")
        )
        cal.add_component(
            _event(
                f"update-{period.key}",
                period.due_on,
                f"{verb}: {period.subject_reference}, {period.label}",
                url,
                f"{period.work.title}. Period {period.period_label}. Now: {period.state_label.lower()}.",
                stamp,
            )
        )
    for payment in selectors.payments_in_calendar(user=user):
        cal.add_component(
            _event(
                f"payment-{payment.pk}",
                payment.due_on,
                f"Payment due: £{payment.amount:,.2f} to {payment.award.recipient} ({payment.award.identifier})",
                reverse("grants:payment_detail", args=[payment.pk]),
                f"{payment.award.title}. {payment.get_state_display()}.",
                stamp,
            )
        )
    for programme in selectors.programmes_closing(user=user, today=today):
        cal.add_component(
            _event(
                f"programme-closes-{programme.pk}",
                programme.closes_on,
                f"Applications close: {programme.name}",
                reverse("grants:programme_detail", args=[programme.pk]),
                f"{programme.name}, funded by {programme.funder}. Last day to apply.",
                stamp,
            )
        )
    return cal.to_ical()
