"""The inbox's list of reminders and notices: every one recorded for the person, whichever way they chose
to hear of it (reporting.services.notifications)."""

import datetime as dt

from django.urls import reverse

from reporting.models import SentReminder
from workflow import clock

from .items import LIMIT, InboxItem, InboxSection

REMINDER_DAYS = 30
DELIVERY_TAGS = {"immediate": "Emailed", "digest": "In the daily digest", "off": "Inbox only"}


def reminders_section(user) -> InboxSection | None:
    """Every reminder Exchange recorded for the person in the last 30 days, however they chose to get it
    (by email, in the digest, or here only): to know, not to do (the things to do are the sections above)."""
    since = clock.now() - dt.timedelta(days=REMINDER_DAYS)
    rows = list(
        SentReminder.objects.filter(recipient=user, sent_at__gte=since).order_by("-sent_at", "-id")[: LIMIT + 1]
    )
    if not rows:
        return None
    count = len(rows) if len(rows) <= LIMIT else SentReminder.objects.filter(recipient=user, sent_at__gte=since).count()
    items = [
        InboxItem(
            title=row.subject_repr,
            url=reverse("reporting:overdue" if row.kind == SentReminder.Kind.MANAGER_OVERDUE else "reporting:due"),
            detail=f"{row.get_kind_display()}, {row.sent_at:%-d %B %Y}; due {row.due_on:%-d %B %Y}",
            tag=DELIVERY_TAGS.get(row.delivery, ""),
            when=row.due_on,
        )
        for row in rows[:LIMIT]
    ]
    return InboxSection(
        key="reminders",
        heading="Reminders and notices",
        role="everyone",
        items=items,
        count=count,
        more_url=reverse("inbox:notifications"),
        more_label="Choose how you get reminders",
        action=False,
    )
