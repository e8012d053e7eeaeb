"""Reads of evaluations and the "what works" library of their lessons."""

from django.db.models import Q, QuerySet

from partnerships.selectors import NOTHING, partnership_scope, scoped

from ..models import Evaluation
from .scopes import award_or_project


def evaluation_list(*, user) -> QuerySet:
    return scoped(Evaluation.objects.select_related("project", "award", "author"), award_or_project(user))


def _lesson_scope(user) -> Q | None:
    """Completed evaluations of work in a partnership the person's organisation belongs to."""
    paths = ["project__partnership__", "award__partnership__", "award__programme__partnership__"]
    scopes = [scope for path in paths if (scope := partnership_scope(user, path)) is not None]
    if len(scopes) < len(paths):  # no limit on one path (an administrator): no limit at all
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
