"""Reminder emails: partners before and after their reports are due, managers about overdue work.

Each reminder is recorded (SentReminder, unique key) in the same transaction that decides to send it,
and the email goes out only after that transaction commits: a rolled-back run sends nothing, and a
reminder recorded once is never sent again."""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import OrganisationMembership
from workflow import clock

from .. import selectors
from ..models import Delivery, ProgressUpdate, SentReminder
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


def reminders_send(*, today: dt.date | None = None) -> dict[str, int]:
    """Email partners before and after their reports are due, and managers about overdue work.
    Safe to run as often as you like: each reminder is sent once (SentReminder.key is unique)."""
    today = today or clock.today()
    before = int(getattr(settings, "REMINDER_DAYS_BEFORE", 7))
    after = int(getattr(settings, "REMINDER_DAYS_AFTER", 3))
    periods = selectors.periods_for_subjects(
        selectors.reporting_awards(), selectors.reporting_projects(), updates=ProgressUpdate.objects.all(), today=today
    )
    owed = [p for p in periods if p.with_partner]
    partners = _people({p.owner_organisation_id for p in owed}, OrganisationMembership.Role.PARTNER)
    manager_org = {p.key: p.work.manager_organisation_id for p in owed}
    managers = _people(set(manager_org.values()), OrganisationMembership.Role.MANAGER)
    sent = {"due_soon": 0, "overdue": 0, "manager_overdue": 0}
    overdue_for_manager = defaultdict(list)
    oldest = min((p.due_on for p in owed), default=today)
    already = set(SentReminder.objects.filter(due_on__gte=oldest).values_list("key", flat=True))
    people = [u.pk for users in (*partners.values(), *managers.values()) for u in users]
    choices = deliveries_for(people)
    for period in owed:
        if 0 <= period.days_until_due <= before:
            kind = SentReminder.Kind.DUE_SOON
        elif period.days_late >= after:
            kind = SentReminder.Kind.OVERDUE
            for manager in managers[manager_org[period.key]]:
                overdue_for_manager[manager].append(period)
        else:
            continue
        for user in partners[period.owner_organisation_id]:
            key = f"{kind}:{period.key}:{period.due_on:%Y%m%d}:{user.pk}"
            if key in already:
                continue
            context = {"user": user, "period": period, "url": _base_url() + reverse("reporting:due"), "today": today}
            if _send_once(
                [key],
                kind=kind,
                user=user,
                period_reprs=[f"{period.subject_reference}, {period.label}"],
                due_on=[period.due_on],
                template=f"reminder_{kind}",
                context=context,
                delivery=delivery_of(choices, user.pk, kind),
            ):
                sent[kind] += 1
    for manager, items in overdue_for_manager.items():
        fresh = []
        for period in items:
            key = f"manager_overdue:{period.key}:{period.due_on:%Y%m%d}:{manager.pk}"
            if key not in already:
                fresh.append((key, period))
        if not fresh:
            continue
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
