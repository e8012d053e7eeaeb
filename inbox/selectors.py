"""What is waiting for one person: their work inbox, read from the one source of truth for what is due
(reporting.periods, through the kept due periods of reporting.selectors.due_rows, and grants.due),
scoped by the same rules as every page.

Each section is a fixed number of queries (a count and the first LIMIT rows), so the inbox costs the
same for ten awards as for ten thousand in the database."""

import datetime as dt
from typing import cast

from django.db.models import Count, Q, QuerySet, Window
from django.urls import reverse

from accounts import roles
from grants import due as payment_due
from grants.models import Award, FundingProgramme, Payment
from grants.selectors import award_list, payment_list, programme_list
from partnerships.models import Project
from partnerships.selectors import project_list
from reporting.models import ProgressUpdate
from reporting.periods import DuePeriod
from reporting.selectors import due_rows, update_list

from .items import COUNT_CAP, LIMIT, Inbox, InboxItem, InboxSection
from .models import CalendarFeed
from .reminders import reminders_section

TAG_COLOURS = {"overdue": "red", "due_soon": "yellow", "awaiting_review": "blue", "upcoming": "grey"}


def _period_item(period: DuePeriod, *, verb: str) -> InboxItem:
    update = cast(ProgressUpdate | None, period.update)
    if update is not None:
        url = reverse("reporting:update_detail", args=[update.pk])
    else:
        url = reverse("reporting:due") + f"#{period.key}"
    if period.urgency == "overdue":
        tag = f"{period.days_late} day{'s' if period.days_late != 1 else ''} late"
    elif period.urgency == "due_soon":
        days = period.days_until_due
        tag = "Due today" if days == 0 else f"Due in {days} day{'s' if days != 1 else ''}"
    elif period.urgency == "awaiting_review":
        tag = "Awaiting review"
    else:
        tag = "Upcoming"
    return InboxItem(
        title=f"{verb} {period.subject_reference}, {period.label}{' (final)' if period.is_final else ''}",
        url=url,
        detail=f"{period.period_label}; due {period.due_on.day} {period.due_on:%B %Y}; {period.state_label.lower()}",
        tag=tag,
        colour=TAG_COLOURS.get(period.urgency, "grey"),
        when=period.due_on,
    )


def _payment_item(payment: Payment, today: dt.date, verb: str) -> InboxItem:
    kind = payment_due.urgency(payment, today)
    late = payment_due.days_late(payment, today)
    tag = {
        payment_due.OVERDUE: f"{late} day{'s' if late != 1 else ''} overdue",
        payment_due.DUE_SOON: "Due soon",
        payment_due.UPCOMING: "Upcoming",
    }.get(kind, payment.get_state_display())
    return InboxItem(
        title=f"{verb} £{payment.amount:,.2f} to {payment.award.recipient} ({payment.award.identifier})",
        url=reverse("grants:payment_detail", args=[payment.pk]),
        detail=f"Due {payment.due_on.day} {payment.due_on:%B %Y}; {payment.get_state_display().lower()}",
        tag=tag,
        colour={"overdue": "red", "due_soon": "yellow"}.get(kind, "grey"),
        when=payment.due_on,
    )


def _section_of(qs: QuerySet, key: str, heading: str, role: str, item, **kwargs) -> InboxSection:
    """The first LIMIT rows and how many there are, counted to COUNT_CAP (a bounded walk of the list's
    index, as the paginators count: a window count over every row grew with the data)."""
    rows = list(qs[:LIMIT])
    count = qs[: COUNT_CAP + 1].count()  # asked even when short, so a section is always two queries
    return InboxSection(
        key=key,
        heading=heading,
        role=role,
        items=[item(r) for r in rows],
        count=min(count, COUNT_CAP),
        capped=count > COUNT_CAP,
        **kwargs,
    )


def _periods_section(periods: list[DuePeriod], count: int, key: str, heading: str, role: str, verb: str, **kwargs):
    return InboxSection(
        key=key,
        heading=heading,
        role=role,
        items=[_period_item(p, verb=verb) for p in periods[:LIMIT]],
        count=count,
        **kwargs,
    )


def _manager_sections(user, r, today: dt.date, counts: dict[str, int] | None = None) -> list[InboxSection]:
    if counts is None:
        counts = due_rows.managed_counts(user=user, today=today)
    to_review = due_rows.managed_periods(user=user, today=today, urgency="awaiting_review", limit=LIMIT)
    overdue = due_rows.managed_periods(user=user, today=today, urgency="overdue", limit=LIMIT)
    payments = payment_list(user=user)
    if not r.is_admin:
        payments = payments.filter(award__programme__managed_by_id__in=r.manager_orgs)
    horizon = today + dt.timedelta(days=payment_due.due_soon_days())
    awards = award_list(user=user)
    projects = project_list(user=user)
    if not r.is_admin:
        awards = awards.filter(programme__managed_by_id__in=r.manager_orgs)
        projects = projects.filter(partnership__lead_organisation_id__in=r.manager_orgs)
    return [
        _periods_section(
            to_review,
            counts["awaiting_review"],
            "updates_to_review",
            "Progress updates to review",
            "manager",
            "Review the update for",
            more_url=reverse("reporting:review_queue"),
            more_label="Review queue",
        ),
        _section_of(
            payments.filter(state=Payment.State.SCHEDULED, due_on__lte=horizon).order_by("due_on", "pk"),
            "payments_to_approve",
            f"Payments to approve (due in the next {payment_due.due_soon_days()} days or overdue)",
            "manager",
            lambda p: _payment_item(p, today, "Approve"),
            more_url=reverse("grants:payment_list") + "?state=scheduled",
            more_label="Scheduled payments",
        ),
        _section_of(
            payments.filter(state=Payment.State.APPROVED).order_by("due_on", "pk"),
            "payments_to_release",
            "Payments to release",
            "manager",
            lambda p: _payment_item(p, today, "Release"),
            more_url=reverse("grants:payment_list") + "?state=approved",
            more_label="Approved payments",
        ),
        _section_of(
            awards.filter(state__in=(Award.State.SUBMITTED, Award.State.IN_ASSESSMENT)).order_by("submitted_at", "pk"),
            "applications_to_decide",
            "Applications to assess and decide",
            "manager",
            lambda a: InboxItem(
                title=f"{'Assess' if a.state == Award.State.SUBMITTED else 'Decide'} {a.identifier} {a.title}",
                url=reverse("grants:award_detail", args=[a.pk]),
                detail=f"{a.recipient}; {a.get_state_display().lower()}",
                tag=a.get_state_display(),
                colour="blue",
            ),
            more_url=reverse("grants:award_list") + "?state=submitted",
            more_label="Submitted applications",
        ),
        _section_of(
            projects.filter(state__in=(Project.State.PROPOSED, Project.State.UNDER_REVIEW)).order_by("pk"),
            "proposals_to_review",
            "Project proposals to review",
            "manager",
            lambda p: InboxItem(
                title=f"Review {p.reference} {p.title}",
                url=reverse("partnerships:project_detail", args=[p.pk]),
                detail=f"{p.lead_organisation}; {p.get_state_display().lower()}",
                tag=p.get_state_display(),
                colour="blue",
            ),
            more_url=reverse("partnerships:project_list") + "?state=proposed",
            more_label="Proposed projects",
        ),
        _periods_section(
            overdue,
            counts["overdue"],
            "reports_overdue",
            "Progress updates overdue from partners",
            "manager",
            "Chase the update for",
            more_url=reverse("reporting:overdue"),
            more_label="Overdue and missing updates",
        ),
    ]


def _owed_section(user, today: dt.date, which: str, *args, **kwargs) -> InboxSection:
    rows = list(
        due_rows.owed_rows(user=user, today=today, which=which).annotate(_inbox_total=Window(Count("pk")))[:LIMIT]
    )
    periods = due_rows.owed_periods(user=user, today=today, which=which, limit=LIMIT) if rows else []
    return _periods_section(periods, rows[0]._inbox_total if rows else 0, *args, **kwargs)


def _partner_sections(user, r, today: dt.date) -> list[InboxSection]:
    mine = Q(lead_organisation_id__in=r.partner_orgs)
    return [
        _owed_section(
            user,
            today,
            "corrections",
            "changes_requested",
            "Changes requested on your updates",
            "partner",
            "Correct the update for",
        ),
        _section_of(
            project_list(user=user).filter(mine, state=Project.State.CHANGES_REQUESTED).order_by("pk"),
            "proposals_changes_requested",
            "Project proposals with changes requested",
            "partner",
            lambda p: InboxItem(
                title=f"Change and resubmit {p.reference} {p.title}",
                url=reverse("partnerships:project_detail", args=[p.pk]),
                tag="Changes requested",
                colour="orange",
            ),
        ),
        _owed_section(
            user,
            today,
            "to_write",
            "reports_to_write",
            "Progress updates due or overdue",
            "partner",
            "Write the update for",
            more_url=reverse("reporting:due"),
            more_label="Everything due, by reporting period",
        ),
        _section_of(
            award_list(user=user)
            .filter(recipient_id__in=r.partner_orgs, state=Award.State.DRAFT)
            .order_by("created_at", "pk"),
            "applications_to_submit",
            "Draft applications to submit",
            "partner",
            lambda a: InboxItem(
                title=f"Finish and submit {a.identifier} {a.title}",
                url=reverse("grants:award_detail", args=[a.pk]),
                tag="Draft",
            ),
        ),
        _section_of(
            project_list(user=user).filter(mine, state=Project.State.DRAFT).order_by("pk"),
            "proposals_to_submit",
            "Draft project proposals to submit",
            "partner",
            lambda p: InboxItem(
                title=f"Finish and propose {p.reference} {p.title}",
                url=reverse("partnerships:project_detail", args=[p.pk]),
                tag="Draft",
            ),
        ),
    ]


def _funder_sections(user, r, today: dt.date) -> list[InboxSection]:
    payments = payment_list(user=user).filter(award__programme__funder_id__in=r.funder_orgs)
    soon = payment_due.overdue_q(today) | payment_due.due_within_q(today, payment_due.due_soon_days())
    since = today - dt.timedelta(days=30)
    return [
        _section_of(
            payments.filter(soon).order_by("due_on", "pk"),
            "payments_due_on_your_awards",
            f"Payments due on your awards (next {payment_due.due_soon_days()} days or overdue)",
            "funder",
            lambda p: _payment_item(p, today, "Payment of"),
            action=False,
            more_url=reverse("grants:payment_list") + "?when=overdue",
            more_label="Overdue payments",
        ),
        _section_of(
            update_list(user=user)
            .filter(award__programme__funder_id__in=r.funder_orgs, state=ProgressUpdate.State.ACCEPTED)
            .filter(reviewed_at__date__gte=since)
            .order_by("-reviewed_at", "-pk"),
            "updates_to_read",
            "Progress updates accepted in the last 30 days",
            "funder",
            lambda u: InboxItem(
                title=f"Read the update for {u.subject.reference}, {u.period_label}",
                url=reverse("reporting:update_detail", args=[u.pk]),
                tag="Accepted",
                colour="green",
            ),
            action=False,
        ),
    ]


def inbox_for(*, user, today: dt.date | None = None, managed_counts: dict[str, int] | None = None) -> Inbox:
    """The person's inbox: a section for each kind of thing waiting, for each role they hold.
    `managed_counts`: the due figures of the work they manage on `today` (reporting.selectors.due_rows
    .managed_counts), when the caller has them already (the dashboard shows them too)."""
    today = today or payment_due.today()
    r = roles.of(user)
    inbox = Inbox(today=today)
    if r.is_manager:
        inbox.sections += _manager_sections(user, r, today, managed_counts)
    if r.is_partner:
        inbox.sections += _partner_sections(user, r, today)
    if r.is_funder:
        inbox.sections += _funder_sections(user, r, today)
    reminders = reminders_section(user)
    if reminders is not None:
        inbox.sections.append(reminders)
    return inbox


def calendar_feed_of(*, user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def calendar_feed_owner(*, token: str):
    """The active person whose feed this token opens, or None (a renewed token opens nothing)."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
    return feed.user if feed is not None else None


def payments_in_calendar(*, user, limit: int = 1000) -> QuerySet:
    """Unpaid payments the person may see, soonest first (a feed of at most `limit` of them)."""
    return payment_list(user=user).filter(state__in=payment_due.UNPAID).order_by("due_on", "pk")[:limit]


def programmes_closing(*, user, today: dt.date) -> QuerySet:
    """Programmes open to the person that close from today on: their application deadlines."""
    return programme_list(user=user).filter(closes_on__gte=today).order_by("closes_on", "pk")


__all__ = [
    "FundingProgramme",
    "Inbox",
    "InboxItem",
    "InboxSection",
    "calendar_feed_of",
    "calendar_feed_owner",
    "inbox_for",
    "payments_in_calendar",
    "programmes_closing",
]
