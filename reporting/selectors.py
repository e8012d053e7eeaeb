"""Reads of indicators, updates, evaluations and history, scoped to what a person may see."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from grants.models import Award, FundingProgramme, Payment
from grants.selectors import award_scope, payment_list, programme_scope
from partnerships import roles
from partnerships.models import Partnership, Project
from partnerships.selectors import NOTHING, _p, partnership_scope, project_scope, scoped
from workflow.models import MoneyChange, TransitionLog

from .models import Evaluation, EvidenceFile, Indicator, IndicatorResult, ProgressUpdate, ReportingSchedule
from .schedules import DuePeriod, build_periods


def _award_or_project(user, prefix: str = "") -> Q | None:
    a, p = award_scope(user, f"{prefix}award__"), project_scope(user, f"{prefix}project__")
    if a is None or p is None:
        return None
    return (_p(prefix, award__isnull=False) & a) | (_p(prefix, project__isnull=False) & p)


def update_scope(user, prefix: str = "") -> Q | None:
    r = roles.of(user)
    if r.is_admin:
        return None
    q = NOTHING
    if r.manager_orgs:
        # Managers see an update once it is submitted; a draft is the partner's own until then.
        managed = _p(prefix, award__programme__managed_by_id__in=r.manager_orgs) | _p(
            prefix, project__partnership__lead_organisation_id__in=r.manager_orgs
        )
        q |= managed & ~_p(prefix, state=ProgressUpdate.State.DRAFT)
    if r.partner_orgs:
        # Their own awards' and projects' ids, few whatever the size: joining both tables instead
        # (an OR across two outer joins) reads every award and project there is.
        q |= _p(prefix, award_id__in=Award.objects.filter(recipient_id__in=r.partner_orgs).values("pk")) | _p(
            prefix, project_id__in=Project.objects.filter(lead_organisation_id__in=r.partner_orgs).values("pk")
        )
    if r.funder_orgs:
        # Funders read what the programme has accepted, not partners' drafts or work in review.
        q |= _p(prefix, award__programme__funder_id__in=r.funder_orgs) & _p(prefix, state=ProgressUpdate.State.ACCEPTED)
    return q


def indicator_list(*, user) -> QuerySet:
    return scoped(
        Indicator.objects.select_related("project", "award"),
        _award_or_project(user),
    )


def update_list(*, user) -> QuerySet:
    return scoped(
        ProgressUpdate.objects.select_related(
            "award__programme", "award__recipient", "project__lead_organisation", "author"
        ),
        update_scope(user),
    )


def update_get(*, user, pk) -> ProgressUpdate:
    return update_list(user=user).get(pk=pk)


def indicator_result_list(*, user) -> QuerySet:
    """Indicator results on the updates the person may see."""
    return scoped(
        IndicatorResult.objects.select_related("update__award", "update__project", "indicator"),
        update_scope(user, "update__"),
    )


def evaluation_list(*, user) -> QuerySet:
    return scoped(Evaluation.objects.select_related("project", "award", "author"), _award_or_project(user))


def _visible_ids_by_type(user) -> list[tuple[type, Q | None]]:
    return [
        (Award, award_scope(user)),
        (Project, project_scope(user)),
        (Payment, award_scope(user, "award__")),
        (ProgressUpdate, update_scope(user)),
        (FundingProgramme, programme_scope(user)),
        (Partnership, partnership_scope(user)),
    ]


def _history_scope(user) -> Q | None:
    """A log row is visible when its subject is: a correlated EXISTS on the subject's primary key
    (one index probe per row read), not `object_id IN (every visible id)`, which PostgreSQL hashes
    in full before it returns the first row — a million awards' ids to show fifty log rows."""
    if roles.of(user).is_admin:
        return None
    q = NOTHING
    for model, scope in _visible_ids_by_type(user):
        ct = ContentType.objects.get_for_model(model)
        subject = scoped(model.objects.filter(pk=OuterRef("object_id")), scope)
        q |= Q(content_type=ct) & Exists(subject)
    return q


def transition_list(*, user) -> QuerySet:
    """Every state change the person may see, newest first."""
    return scoped(TransitionLog.objects.select_related("actor", "content_type"), _history_scope(user))


def money_change_list(*, user) -> QuerySet:
    return scoped(MoneyChange.objects.select_related("actor", "content_type"), _history_scope(user))


# Schedules and due periods -------------------------------------------------------------------

REPORTING_AWARD_STATES = (Award.State.ACTIVE, Award.State.SUSPENDED, Award.State.IN_EVALUATION)
REPORTING_PROJECT_STATES = (Project.State.IN_DELIVERY, Project.State.ON_HOLD, Project.State.IN_EVALUATION)


def default_schedule(subject) -> ReportingSchedule | None:
    """The schedule a subject has before a manager saves one: an award's own frequency and planned
    dates; termly over its planned dates for a project without an award."""
    if isinstance(subject, Award):
        if subject.planned_start and subject.planned_end:
            return ReportingSchedule(
                award=subject,
                frequency=subject.reporting_frequency,
                starts_on=subject.planned_start,
                ends_on=subject.planned_end,
            )
        return None
    if subject.planned_start and subject.planned_end:
        return ReportingSchedule(
            project=subject,
            frequency=ReportingSchedule.Frequency.TERMLY,
            starts_on=subject.planned_start,
            ends_on=subject.planned_end,
        )
    return None


def schedule_for(subject) -> ReportingSchedule | None:
    try:
        return subject.reporting_schedule
    except ReportingSchedule.DoesNotExist:
        return default_schedule(subject)


def _funded_project_ids():
    return Award.objects.filter(project__isnull=False, state__in=Award.COMMITTED_STATES).values("project_id")


def reporting_awards() -> QuerySet:
    """Awards whose partners report now (in delivery or evaluation), unscoped: for the system's own jobs."""
    return Award.objects.filter(state__in=REPORTING_AWARD_STATES).select_related(
        "programme__managed_by", "recipient", "project", "reporting_schedule"
    )


def reporting_projects() -> QuerySet:
    """Projects in delivery that report themselves, because no award funds them."""
    return (
        Project.objects.filter(state__in=REPORTING_PROJECT_STATES)
        .exclude(pk__in=_funded_project_ids())
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
    today = today or timezone.localdate()
    awards = list(awards.prefetch_related("reporting_schedule__extensions", "reporting_schedule__ad_hoc_dates"))
    projects = list(projects.prefetch_related("reporting_schedule__extensions", "reporting_schedule__ad_hoc_dates"))
    by_award, by_project = defaultdict(list), defaultdict(list)
    if awards or projects:
        for update in updates.filter(Q(award__in=[a.pk for a in awards]) | Q(project__in=[p.pk for p in projects])):
            if update.award_id:
                by_award[update.award_id].append(update)
            else:
                by_project[update.project_id].append(update)
    periods = []
    for award in awards:
        periods += build_periods(award, schedule_for(award), by_award[award.pk], today)
    for project in projects:
        periods += build_periods(project, schedule_for(project), by_project[project.pk], today)
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


OUTSTANDING = ("overdue", "awaiting_review", "due_soon")


def outstanding_list(*, user, programme=None, partnership=None, today: dt.date | None = None) -> list[DuePeriod]:
    """What needs chasing across a programme or partnership: overdue (latest first, with days late),
    awaiting a manager's review, then due soon."""
    periods = due_period_list(user=user, programme=programme, partnership=partnership, today=today)
    wanted = [p for p in periods if p.urgency in OUTSTANDING]
    return sorted(wanted, key=lambda p: (OUTSTANDING.index(p.urgency), -p.days_late, p.due_on))


def _review_scope(user) -> Q | None:
    r = roles.of(user)
    if r.is_admin:
        return None
    if not r.manager_orgs:
        return NOTHING
    return Q(award__programme__managed_by_id__in=r.manager_orgs) | Q(
        project__partnership__lead_organisation_id__in=r.manager_orgs
    )


def review_queue(*, user) -> QuerySet:
    """Submitted and resubmitted updates the person reviews, oldest submission first."""
    states = [ProgressUpdate.State.SUBMITTED, ProgressUpdate.State.RESUBMITTED]
    return scoped(update_list(user=user).filter(state__in=states), _review_scope(user)).order_by("submitted_at", "id")


# Indicators, results and roll-ups --------------------------------------------------------------


def _shadowed_project_indicators() -> QuerySet:
    """A funded project reports through its award: when the award has indicators, the project's own
    (usually the same measures) are not reported on or counted, so nothing counts twice."""
    return Indicator.objects.filter(project__awards__indicators__isnull=False).values("pk")


def subject_indicators(subject) -> QuerySet:
    """The indicators reported on for an award or project: an award's own, or its project's when it has none;
    a project's own, or its awards' when it is funded and they have some."""
    if isinstance(subject, Award):
        own = Indicator.objects.filter(award=subject)
        if subject.project_id and not own.exists():
            return Indicator.objects.filter(project_id=subject.project_id)
        return own
    funded = Indicator.objects.filter(award__project=subject)
    return funded if funded.exists() else Indicator.objects.filter(project=subject)


def indicators_for_update(update: ProgressUpdate) -> QuerySet:
    return subject_indicators(update.award if update.award_id else update.project)


def evidence_list(*, user) -> QuerySet:
    return scoped(EvidenceFile.objects.select_related("update"), update_scope(user, "update__"))


def schedule_list(*, user) -> QuerySet:
    return scoped(ReportingSchedule.objects.select_related("award", "project"), _award_or_project(user))


def evidence_get(*, user, pk) -> EvidenceFile:
    """An evidence file the person may download: only if they may see its update."""
    return scoped(EvidenceFile.objects.select_related("update"), update_scope(user, "update__")).get(pk=pk)


@dataclass
class IndicatorActual:
    indicator: Indicator
    actual: Decimal | None  # None: nothing accepted yet
    accepted_results: int = 0


@dataclass
class RollupRow:
    """One measure across many indicators (grouped by name and unit)."""

    name: str
    unit: str
    cumulative: bool
    is_percentage: bool
    parts: list[IndicatorActual] = field(default_factory=list)

    @property
    def baseline(self) -> Decimal:
        return self._combine([p.indicator.baseline for p in self.parts]) or Decimal("0")

    @property
    def target(self) -> Decimal:
        return self._combine([p.indicator.target for p in self.parts]) or Decimal("0")

    @property
    def actual(self) -> Decimal | None:
        return self._combine([p.actual for p in self.parts if p.actual is not None])

    def _combine(self, values):
        # Counts add up across projects; a percentage is averaged, never added.
        if not values:
            return None
        total = sum(values, Decimal("0"))
        return (total / len(values)).quantize(Decimal("0.01")) if self.is_percentage else total


def indicator_actuals(indicators) -> list[IndicatorActual]:
    """Actuals from accepted updates only: cumulative indicators sum their results, the others take
    the result of the latest accepted period."""
    indicators = list(indicators)
    values = defaultdict(list)
    results = (
        IndicatorResult.objects.filter(indicator__in=[i.pk for i in indicators], update__state="accepted")
        .order_by("update__period_end", "update_id")
        .values_list("indicator_id", "value")
    )
    for indicator_id, value in results:
        values[indicator_id].append(value)
    actuals = []
    for indicator in indicators:
        found = values[indicator.pk]
        if not found:
            actual = None
        elif indicator.cumulative:
            actual = sum(found, Decimal("0"))
        else:
            actual = found[-1]
        actuals.append(IndicatorActual(indicator, actual, len(found)))
    return actuals


def _indicator_in(*, project=None, partnership=None, programme=None) -> Q:
    q = Q()
    if project is not None:
        q &= Q(project=project) | Q(award__project=project)
    if partnership is not None:
        q &= (
            Q(project__partnership=partnership)
            | Q(award__partnership=partnership)
            | Q(award__programme__partnership=partnership)
            | Q(award__project__partnership=partnership)
        )
    if programme is not None:
        q &= Q(award__programme=programme) | Q(project__awards__programme=programme)
    return q


def indicator_rollup(*, user, project=None, partnership=None, programme=None) -> list[RollupRow]:
    """Indicators of a project, a partnership or a programme, rolled up by name and unit."""
    pks = (
        indicator_list(user=user)
        .filter(_indicator_in(project=project, partnership=partnership, programme=programme))
        .exclude(pk__in=_shadowed_project_indicators())
    )
    indicators = Indicator.objects.filter(pk__in=pks.values("pk")).select_related("project", "award")
    rows: dict[tuple, RollupRow] = {}
    for part in indicator_actuals(indicators):
        ind = part.indicator
        key = (ind.name.strip().lower(), ind.unit.strip().lower(), ind.cumulative)
        row = rows.setdefault(key, RollupRow(ind.name, ind.unit, ind.cumulative, ind.is_percentage))
        row.parts.append(part)
    return sorted(rows.values(), key=lambda r: r.name.lower())


# Evaluations and the "what works" library -------------------------------------------------------


def _lesson_scope(user) -> Q | None:
    """Completed evaluations of work in a partnership the person's organisation belongs to."""
    paths = ["project__partnership__", "award__partnership__", "award__programme__partnership__"]
    scopes = [partnership_scope(user, path) for path in paths]
    if any(scope is None for scope in scopes):
        return None
    q = NOTHING
    for scope in scopes:
        q |= scope
    return q


def lesson_list(*, user, search: str = "") -> QuerySet:
    """The "what works" library: lessons of completed evaluations, for members of the partnership."""
    qs = scoped(
        Evaluation.objects.filter(completed_at__isnull=False).select_related(
            "project__partnership", "award__programme__partnership", "award__partnership"
        ),
        _lesson_scope(user),
    )
    for word in search.split()[:8]:
        qs = qs.filter(
            Q(lessons__icontains=word)
            | Q(what_worked__icontains=word)
            | Q(what_did_not_work__icontains=word)
            | Q(outcomes__icontains=word)
            | Q(project__title__icontains=word)
            | Q(project__theme__icontains=word)
            | Q(award__title__icontains=word)
        )
    return qs.distinct().order_by("-completed_at", "-id")


__all__ = [
    "payment_list",
    "indicator_list",
    "indicator_result_list",
    "update_list",
    "transition_list",
    "money_change_list",
    "evaluation_list",
    "due_period_list",
    "outstanding_list",
    "review_queue",
    "indicator_rollup",
    "lesson_list",
]
