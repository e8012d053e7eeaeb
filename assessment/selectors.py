"""Every read of calls, applications, assessments and conflicts, already scoped through assessment.scopes."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from accounts import roles
from grants.models import ZERO, FundingProgramme
from grants.selectors import programme_open_list
from partnerships.models import Organisation
from partnerships.selectors import NOTHING, organisation_list, scoped
from workflow import clock

from . import scoring
from .models import Application, ApplicationOrganisation, Assignment, Attachment, Call, Conflict, Criterion, Score
from .rules import eligibility_refusal
from .scopes import (
    application_scope,
    assessment_scope,
    attachment_scope,
    conflict_scope,
    conflicted_application_ids,
)


def call_scope(user) -> Q | None:
    r = roles.of(user)
    if r.is_admin:
        return None
    q = NOTHING
    if r.manager_orgs:
        q |= Q(programme__managed_by_id__in=r.manager_orgs)
    if r.funder_orgs:
        q |= Q(programme__funder_id__in=r.funder_orgs)
    if r.partner_orgs:
        q |= Q(programme__in=programme_open_list(user=user).values("pk"))
        q |= Q(pk__in=Application.objects.filter(award__recipient_id__in=r.partner_orgs).values("call_id"))
    if user is not None and user.is_authenticated:
        q |= Q(pk__in=Assignment.objects.filter(assessor=user).values("application__call_id"))
    return q


def call_list(*, user) -> QuerySet:
    return scoped(
        Call.objects.select_related("programme__managed_by", "programme__funder").prefetch_related(
            "criteria", "eligible_sub_regions", "eligible_local_authorities"
        ),
        call_scope(user),
    )


def applying_organisations(*, user) -> list[Organisation]:
    """The organisations a partner may apply for, with what eligibility reads (one query)."""
    orgs = roles.of(user).partner_orgs
    return list(
        Organisation.objects.filter(pk__in=orgs)
        .select_related("local_authority__sub_region", "trust")
        .annotate(school_count=Count("schools"), school_pupils=Sum("schools__pupil_count"))
        .order_by("name")
    )


@dataclass
class CallRow:
    call: Call
    is_open: bool
    eligible: list[Organisation] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def call_rows(*, user) -> list[CallRow]:
    """The calls a person may see, newest closing first. A partner sees the open calls one of their
    organisations is eligible for (and the calls they have applied to); the others, all in their scope."""
    now = clock.now()
    r = roles.of(user)
    calls = list(call_list(user=user).order_by("-closes_at", "-pk"))
    if r.is_admin or r.manager_orgs or r.funder_orgs or not r.partner_orgs:
        return [CallRow(call, call.is_open_at(now)) for call in calls]
    orgs = applying_organisations(user=user)
    applied = set(Application.objects.filter(award__recipient_id__in=r.partner_orgs).values_list("call_id", flat=True))
    rows = []
    for call in calls:
        row = CallRow(call, call.is_open_at(now))
        for org in orgs:
            reason = eligibility_refusal(call, org)
            if reason is None:
                row.eligible.append(org)
            else:
                row.reasons.append(reason)
        if (row.is_open and row.eligible) or call.pk in applied:
            rows.append(row)
    return rows


def application_list(*, user) -> QuerySet:
    return scoped(
        Application.objects.select_related(
            "award__recipient__local_authority", "award__programme", "call__programme__managed_by"
        ).prefetch_related(
            Prefetch("organisations", ApplicationOrganisation.objects.select_related("organisation__trust"))
        ),
        application_scope(user),
    )


def attachment_list(*, user) -> QuerySet:
    """Attached files a person may list and download (assessment.scopes.attachment_scope)."""
    return scoped(Attachment.objects.select_related("uploaded_by", "application__award"), attachment_scope(user))


def criterion_list(*, user) -> QuerySet:
    """The criteria of the calls a person may see (the admin's list)."""
    return Criterion.objects.filter(call__in=call_list(user=user).values("pk")).select_related("call__programme")


def managed_call_list(*, user) -> QuerySet:
    """The calls whose criteria a person may set: their programmes' calls (the admin's choices)."""
    r = roles.of(user)
    qs = call_list(user=user)
    return qs if r.is_admin else qs.filter(programme__managed_by_id__in=r.manager_orgs)


def invitations_for(*, user, application: Application) -> list[ApplicationOrganisation]:
    """The co-applicant invitations on `application` waiting for an answer from one of `user`'s organisations
    (read from the prefetched organisations: no query)."""
    r = roles.of(user)
    return [o for o in application.organisations.all() if o.is_pending and r.is_partner_of(o.organisation_id)]


def assessment_list(*, user) -> QuerySet:
    """Assignments with their scores, for the people who may read them (assessment.scopes)."""
    return (
        Assignment.objects.filter(assessment_scope(user))
        .select_related("assessor", "application__award__recipient", "application__call__programme")
        .prefetch_related(
            Prefetch("scores", Score.objects.select_related("criterion")),
            Prefetch("application__call__criteria", Criterion.objects.order_by("position", "pk")),
        )
    )


def assignment_task_list(*, user) -> QuerySet:
    """A person's own assignments, whatever their state (no scores: a list of work to do)."""
    return Assignment.objects.filter(assessor_id=getattr(user, "pk", None)).select_related(
        "application__award", "application__call__programme", "conflict"
    )


def assignment_roster(*, user, application: Application) -> list[Assignment]:
    """Who is assigned to `application`, their state and (for its managers) who stood aside and why."""
    if not roles.of(user).manages_programme(application.call.programme):
        return []
    return list(application.assignments.select_related("assessor", "conflict").order_by("assessor__username"))


def assignment_history_list(*, user) -> QuerySet:
    """Assignments whose history (declarations, submissions, reopenings) a person may read."""
    own = Q(assessor_id=getattr(user, "pk", None))
    return Assignment.objects.filter(assessment_scope(user) | own)


def conflict_list(*, user) -> QuerySet:
    return scoped(
        Conflict.objects.select_related(
            "assignment__assessor", "assignment__application__award", "assignment__application__call", "recorded_by"
        ),
        conflict_scope(user),
    )


def assessor_choices(*, application: Application) -> QuerySet:
    """People a manager may assign: anyone with a sign-in, except the applicants themselves."""
    from django.contrib.auth import get_user_model

    already = application.assignments.values("assessor_id")
    return get_user_model().objects.filter(is_active=True).exclude(pk__in=already).order_by("username")


# The panel -------------------------------------------------------------------------------------

PANEL_STATES = ("submitted", "in_assessment", "approved", "declined", "active", "in_evaluation", "closed", "suspended")


@dataclass
class PanelRow:
    application: Application
    moderation: scoring.Moderation
    assessor_scores: list[tuple[Assignment, Decimal | None]]
    hidden: bool  # the person has a conflict: scores are not shown to them
    waiting: int  # assessors assigned who have not submitted (or stood aside)
    rank: int | None = None
    running_total: Decimal = ZERO
    fits: bool = True


def panel(*, user, call: Call) -> list[PanelRow]:
    """Every application to `call` that reached assessment, ranked by weighted score (unscored last),
    with the running total of money asked down the ranking against what the programme has left.
    A fixed number of queries whatever the number of applications."""
    applications = list(
        application_list(user=user).filter(call=call, award__state__in=PANEL_STATES).prefetch_related("assignments")
    )
    readable = {
        a.pk: a for a in assessment_list(user=user).filter(application__call=call, state=Assignment.State.SUBMITTED)
    }
    conflicted = set(
        Application.objects.filter(pk__in=conflicted_application_ids(user), call=call).values_list("pk", flat=True)
    )
    criteria = list(call.criteria.all())
    rows = []
    for application in applications:
        scored = []
        for assignment in application.assignments.all():
            mine = readable.get(assignment.pk)
            if mine is not None:
                marks = _marks(mine, criteria)
                scored.append((mine, scoring.assessor_score(marks)))
        waiting = sum(
            1 for a in application.assignments.all() if a.state in (Assignment.State.ASSIGNED, Assignment.State.OPEN)
        )
        hidden = application.pk in conflicted
        values = [s for _a, s in scored if s is not None]
        rows.append(PanelRow(application, scoring.moderate(values, call.disagreement_points), scored, hidden, waiting))
    rows.sort(key=lambda r: (r.moderation.score is None, -(r.moderation.score or 0), r.application.pk))
    remaining = programme_remaining(call)
    running = ZERO
    for rank, row in enumerate(rows, start=1):
        row.rank = rank if row.moderation.score is not None else None
        if not row.application.decision:
            running += row.application.award.amount_requested
        row.running_total = running
        row.fits = running <= remaining
    return rows


def _marks(assignment: Assignment, criteria: list[Criterion]) -> list[tuple[int, int, int]]:
    by_criterion = {s.criterion_id: s.score for s in assignment.scores.all()}
    return [(by_criterion[c.pk], c.scale_max, c.weight) for c in criteria if c.pk in by_criterion]


def assessor_score_of(assignment: Assignment) -> Decimal | None:
    return scoring.assessor_score(_marks(assignment, list(assignment.application.call.criteria.all())))


def programme_remaining(call: Call) -> Decimal:
    """What the programme has left to commit, read fresh (the running totals the award services keep)."""
    programme = FundingProgramme.objects.only("budget", "committed_amount").get(pk=call.programme_id)
    return programme.budget - programme.committed_amount


def applying_organisations_qs(organisations: list[Organisation]) -> QuerySet:
    """The same organisations as a queryset, for a form's choices."""
    return Organisation.objects.filter(pk__in=[o.pk for o in organisations]).order_by("name")


def bid_organisation_list(*, user) -> QuerySet:
    """The organisations a person may name in a bid (as a school taking part or a co-applicant): those they
    can see, funders left out."""
    return organisation_list(user=user).exclude(kind=Organisation.Kind.FUNDER).order_by("name")
