"""Reads of reporting schedules and due periods: what is owed, when, and what needs chasing."""

import datetime as dt
from collections import defaultdict

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts import roles
from grants.models import Award
from grants.selectors import award_scope
from grants.subjects import Subject, key_of
from partnerships.models import Project
from partnerships.selectors import NOTHING, scoped
from workflow import clock

from ..models import ReportingSchedule
from ..periods import DuePeriod, build_periods
from .scopes import award_or_project
from .updates import update_list

REPORTING_AWARD_STATES = (Award.State.ACTIVE, Award.State.SUSPENDED, Award.State.IN_EVALUATION)
REPORTING_PROJECT_STATES = (Project.State.IN_DELIVERY, Project.State.ON_HOLD, Project.State.IN_EVALUATION)


def default_schedule(subject) -> ReportingSchedule | None:
    """The schedule a subject has before a manager saves one: an award's own frequency and planned
    dates; termly over its planned dates for a project without an award."""
    if not (subject.planned_start and subject.planned_end):
        return None
    work = Subject(subject)
    return ReportingSchedule(
        **work.kwargs(),
        frequency=work.own_frequency or ReportingSchedule.Frequency.TERMLY,
        starts_on=subject.planned_start,
        ends_on=subject.planned_end,
    )


def schedule_for(subject) -> ReportingSchedule | None:
    try:
        return subject.reporting_schedule
    except ReportingSchedule.DoesNotExist:
        return default_schedule(subject)


def _funded():
    """The project has an award that funds it. NOT EXISTS (an index probe per project), not
    `NOT IN (every funded project id)`: PostgreSQL cannot hash a million awards' ids in its working memory
    and then compares every project with every one of them (over twenty minutes at 1,000,000 awards)."""
    return Exists(Award.objects.filter(project=OuterRef("pk"), state__in=Award.COMMITTED_STATES))


def reporting_awards() -> QuerySet:
    """Awards whose partners report now (in delivery or evaluation), unscoped: for the system's own jobs."""
    return Award.objects.filter(state__in=REPORTING_AWARD_STATES).select_related(
        "programme__managed_by", "recipient", "project", "reporting_schedule"
    )


def reporting_projects() -> QuerySet:
    """Projects in delivery that report themselves, because no award funds them."""
    return (
        Project.objects.filter(state__in=REPORTING_PROJECT_STATES)
        .exclude(_funded())
        .select_related("partnership", "lead_organisation", "reporting_schedule")
    )


def _project_report_scope(user) -> Q | None:
    """Projects whose reports the person writes (the lead partner) or reviews (its managers)."""
    r = roles.of(user)
    if r.is_admin:
        return None
    q = NOTHING
    if r.manager_orgs:
        q |= Q(partnership__lead_organisation_id__in=r.manager_orgs)
    if r.partner_orgs:
        q |= Q(lead_organisation_id__in=r.partner_orgs)
    return q


def _award_in(programme=None, partnership=None) -> Q:
    q = Q()
    if programme is not None:
        q &= Q(programme=programme)
    if partnership is not None:
        q &= Q(partnership=partnership) | Q(programme__partnership=partnership) | Q(project__partnership=partnership)
    return q


def periods_for_subjects(awards, projects, *, updates: QuerySet, today: dt.date | None = None) -> list[DuePeriod]:
    """Due periods of the given awards and projects, with their updates, in a fixed number of queries."""
    today = today or clock.today()
    awards = list(awards.prefetch_related("reporting_schedule__extensions", "reporting_schedule__ad_hoc_dates"))
    projects = list(projects.prefetch_related("reporting_schedule__extensions", "reporting_schedule__ad_hoc_dates"))
    by_subject = defaultdict(list)
    if awards or projects:
        for update in updates.filter(Q(award__in=[a.pk for a in awards]) | Q(project__in=[p.pk for p in projects])):
            by_subject[key_of(update)].append(update)
    periods = []
    for award in awards:
        periods += build_periods(award, schedule_for(award), by_subject["award", award.pk], today)
    for project in projects:
        periods += build_periods(project, schedule_for(project), by_subject["project", project.pk], today)
    periods.sort(key=lambda p: (p.due_on, p.subject_reference))
    return periods


def due_period_list(
    *, user, award=None, project=None, programme=None, partnership=None, today: dt.date | None = None
) -> list[DuePeriod]:
    """Every report owed on the awards and projects the person writes for or manages (funders: awards they fund)."""
    awards = scoped(reporting_awards(), award_scope(user)).filter(_award_in(programme, partnership))
    projects = scoped(reporting_projects(), _project_report_scope(user))
    if programme is not None:
        projects = projects.none()
    if partnership is not None:
        projects = projects.filter(partnership=partnership)
    if award is not None:
        awards, projects = awards.filter(pk=award.pk), projects.none()
    if project is not None:
        awards, projects = awards.none(), projects.filter(pk=project.pk)
    return periods_for_subjects(awards, projects, updates=update_list(user=user), today=today)


def schedule_list(*, user) -> QuerySet:
    return scoped(ReportingSchedule.objects.select_related("award", "project"), award_or_project(user))
