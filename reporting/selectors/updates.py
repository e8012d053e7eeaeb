"""Reads of progress updates, their results and evidence, and the managers' review queue."""

from django.db.models import Q, QuerySet

from accounts import roles
from partnerships.selectors import NOTHING, scoped

from ..models import EvidenceFile, IndicatorResult, ProgressUpdate
from .scopes import update_scope


def update_list(*, user) -> QuerySet:
    return scoped(
        # (its author and reviewer, where shown, come with `workflow.selectors.read_together`)
        ProgressUpdate.objects.select_related("award__programme", "award__recipient", "project__lead_organisation"),
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


def evidence_list(*, user) -> QuerySet:
    return scoped(EvidenceFile.objects.select_related("update"), update_scope(user, "update__"))


def evidence_get(*, user, pk) -> EvidenceFile:
    """An evidence file the person may download: only if they may see its update."""
    return scoped(EvidenceFile.objects.select_related("update"), update_scope(user, "update__")).get(pk=pk)
