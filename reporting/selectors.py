"""Reads of indicators, updates, evaluations and history, scoped to what a person may see."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from grants.models import Award, FundingProgramme, Payment
from grants.selectors import award_scope, payment_list, programme_scope
from partnerships import roles
from partnerships.models import Partnership, Project
from partnerships.selectors import NOTHING, _p, partnership_scope, project_scope, scoped
from workflow.models import MoneyChange, TransitionLog

from .models import Evaluation, Indicator, IndicatorResult, ProgressUpdate


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
        q |= _p(prefix, award__recipient_id__in=r.partner_orgs) | _p(
            prefix, project__lead_organisation_id__in=r.partner_orgs
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
    if roles.of(user).is_admin:
        return None
    q = NOTHING
    for model, scope in _visible_ids_by_type(user):
        ct = ContentType.objects.get_for_model(model)
        q |= Q(content_type=ct, object_id__in=scoped(model.objects.all(), scope).values("pk"))
    return q


def transition_list(*, user) -> QuerySet:
    """Every state change the person may see, newest first."""
    return scoped(TransitionLog.objects.select_related("actor", "content_type"), _history_scope(user))


def money_change_list(*, user) -> QuerySet:
    return scoped(MoneyChange.objects.select_related("actor", "content_type"), _history_scope(user))


__all__ = [
    "payment_list",
    "indicator_list",
    "indicator_result_list",
    "update_list",
    "transition_list",
    "money_change_list",
    "evaluation_list",
]
