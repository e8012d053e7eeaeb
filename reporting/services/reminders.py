"""Reminder emails: partners before and after their reports are due, managers about overdue work.

Each reminder is recorded (SentReminder, unique key) in the same transaction that decides to send it,
and the email goes out only after that transaction commits: a rolled-back run sends nothing, and a
reminder recorded once is never sent again."""

import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import OrganisationMembership
from workflow import clock

from ..models import Delivery, SentReminder
from ..periods import DuePeriod
from ..selectors import due_rows
from .notifications import deliveries_for, delivery_of


def _people(org_ids, role) -> dict[int, list]:
    found = defaultdict(list)
    memberships = OrganisationMembership.objects.filter(
        organisation_id__in=set(org_ids), role=role, user__is_active=True
    ).select_related("user")
    for membership in memberships:
        if membership.user.email:
            found[membership.organisation_id].append(membership.user)
    return found


def _base_url() -> str:
    return getattr(settings, "EXCHANGE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def _send_once(
    keys: list[str], *, kind, user, period_reprs, due_on, template: str, context: dict, delivery: str = "immediate"
) -> bool:
    """Record the reminder under its keys and, if the person wants it straight away, send it after commit:
    a key already recorded (sent before, or by a run at the same moment) means it is not sent again. A
    digest reminder waits for the daily digest (notifications.digests_send); an "off" one is in the inbox only."""
    now = clock.now()
    try:
        with transaction.atomic():
            SentReminder.objects.bulk_create(
                SentReminder(
                    key=key,
                    kind=kind,
                    recipient=user,
                    email=user.email,
                    subject_repr=text[:300],
                    due_on=due,
                    delivery=delivery,
                    emailed_at=now if delivery == Delivery.IMMEDIATE else None,
                )
                for key, text, due in zip(keys, period_reprs, due_on, strict=True)
            )
            if delivery == Delivery.IMMEDIATE:
                subject = render_to_string(f"emails/{template}_subject.txt", context).strip().replace("\n", " ")
                body = render_to_string(f"emails/{template}.txt", context)
                transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    except IntegrityError:
        return False
    return True


BATCH = 1000


def reminders_send(*, today: dt.date | None = None) -> dict[str, int]:
    """Email partners before and after their reports are due, and managers about overdue work.
    Safe to run as often as you like: each reminder is sent once (SentReminder.key is unique).

    Reads the kept due periods (reporting.selectors.due_rows.reminder_rows): only the periods a reminder
    may be due for, a batch at a time, in a fixed number of queries a batch, never every live award's periods."""
    today = today or clock.today()
    before = int(getattr(settings, "REMINDER_DAYS_BEFORE", 7))
    after = int(getattr(settings, "REMINDER_DAYS_AFTER", 3))
    sent = {"due_soon": 0, "overdue": 0, "manager_overdue": 0}
    overdue_for_manager: dict = defaultdict(list)
    managers_by_pk: dict = {}
    batch: list = []
    for row in due_rows.reminder_rows(today=today, before=before, after=after).iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            _remind_partners(batch, today, before, after, sent, overdue_for_manager, managers_by_pk)
            batch = []
    if batch:
        _remind_partners(batch, today, before, after, sent, overdue_for_manager, managers_by_pk)
    choices = deliveries_for(list(managers_by_pk))
    for manager_pk, fresh in overdue_for_manager.items():
        manager = managers_by_pk[manager_pk]
        context = {
            "user": manager,
            "periods": [p for _k, p in fresh],
            "url": _base_url() + reverse("reporting:overdue"),
            "today": today,
        }
        if _send_once(
            [k for k, _p in fresh],
            kind=SentReminder.Kind.MANAGER_OVERDUE,
            user=manager,
            period_reprs=[f"{p.subject_reference}, {p.label}" for _k, p in fresh],
            due_on=[p.due_on for _k, p in fresh],
            template="reminder_manager_overdue",
            context=context,
            delivery=delivery_of(choices, manager.pk, SentReminder.Kind.MANAGER_OVERDUE),
        ):
            sent["manager_overdue"] += 1
    return sent


def _remind_partners(rows, today, before, after, sent, overdue_for_manager, managers_by_pk) -> None:
    """Remind the partners of one batch of owed periods, and gather the overdue ones each manager has not
    yet been told of."""
    owed = [due_rows.period_of(row, today, row.update) for row in rows if row.award or row.project]
    partners = _people({p.owner_organisation_id for p in owed}, OrganisationMembership.Role.PARTNER)
    manager_org = {p.key: p.work.manager_organisation_id for p in owed}
    managers = _people(set(manager_org.values()), OrganisationMembership.Role.MANAGER)
    candidates = []
    reminders: list[tuple[str, Any, str | None, DuePeriod]] = []
    for period in owed:
        if 0 <= period.days_until_due <= before:
            kind = SentReminder.Kind.DUE_SOON
        elif period.days_late >= after:
            kind = SentReminder.Kind.OVERDUE
            for manager in managers[manager_org[period.key]]:
                key = f"manager_overdue:{period.key}:{period.due_on:%Y%m%d}:{manager.pk}"
                candidates.append(key)
                reminders.append((key, manager, None, period))
        else:
            continue
        for user in partners[period.owner_organisation_id]:
            key = f"{kind}:{period.key}:{period.due_on:%Y%m%d}:{user.pk}"
            candidates.append(key)
            reminders.append((key, user, kind, period))
    already = set(SentReminder.objects.filter(key__in=candidates).values_list("key", flat=True))
    choices = deliveries_for([u.pk for users in partners.values() for u in users])
    for key, user, what, period in reminders:
        if key in already:
            continue
        if what is None:  # an overdue period for the manager's summary, sent at the end
            managers_by_pk[user.pk] = user
            overdue_for_manager[user.pk].append((key, period))
            continue
        context = {"user": user, "period": period, "url": _base_url() + reverse("reporting:due"), "today": today}
        if _send_once(
            [key],
            kind=what,
            user=user,
            period_reprs=[f"{period.subject_reference}, {period.label}"],
            due_on=[period.due_on],
            template=f"reminder_{what}",
            context=context,
            delivery=delivery_of(choices, user.pk, what),
        ):
            sent[what] += 1
