"""Evaluations: opened when work enters evaluation (prefilled from its indicators), written and
completed by its managers; completed ones feed the "what works" library."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from grants.models import Award
from grants.services import award_transition
from grants.subjects import Subject
from partnerships.models import Project
from partnerships.services import project_transition
from workflow import clock
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import lock

from .. import selectors
from ..models import Evaluation
from .schedules import require_subject_manager, subject_manage_refusal

EVALUATION_FIELDS = (
    "evaluator_name",
    "outcomes",
    "what_worked",
    "what_did_not_work",
    "lessons",
    "rating",
    "stage_reached",
)
REQUIRED_TO_COMPLETE = [
    ("outcomes", "outcomes against targets"),
    ("what_worked", "what worked"),
    ("lessons", "lessons for other schools"),
    ("rating", "an overall rating"),
    ("stage_reached", "the stage of improvement reached"),
]
TRANSITIONS: dict[str, Callable[..., Any]] = {"award": award_transition, "project": project_transition}


def evaluation_write_refusal(subject: Subject, actor: User) -> PermissionRefused | None:
    """Why `actor` may not open, write or complete the evaluation of `subject`, or None if they may."""
    return subject_manage_refusal(subject, actor, "write its evaluation")


def evaluation_complete(*, evaluation: Evaluation, actor: User) -> Evaluation:
    with transaction.atomic():
        evaluation = lock(Evaluation, evaluation.pk)
        if not evaluation.subject.manages(actor):
            raise PermissionRefused("Only a programme manager of this work can mark its evaluation complete.")
        missing = [label for field, label in REQUIRED_TO_COMPLETE if not str(getattr(evaluation, field)).strip()]
        if missing:
            raise TransitionRefused("The evaluation cannot be marked complete without " + ", ".join(missing) + ".")
        evaluation.completed_at = clock.now()
        evaluation.save(update_fields=["completed_at", "updated_at"])
        return evaluation


def _outcomes_from_indicators(subject: Subject) -> str:
    indicators = selectors.subject_indicators(subject.obj)
    lines = []
    for part in selectors.indicator_actuals(indicators.order_by("name", "id")):
        ind = part.indicator
        actual = "no accepted result yet" if part.actual is None else f"{part.actual:,.2f}".rstrip("0").rstrip(".")
        lines.append(
            f"{ind.name} ({ind.unit}): baseline {ind.baseline:,.2f}, target {ind.target:,.2f}, actual {actual}"
            f" — {ind.get_direction_display().lower()}."
        )
    return "\n".join(lines)


def evaluation_open(*, actor: User, award=None, project=None) -> Evaluation:
    """The evaluation of work in evaluation: the open one if any, otherwise a new one with its outcomes
    prefilled from the indicators (baseline, target, actual from accepted updates)."""
    given = Subject.given(award, project)
    with transaction.atomic():
        subject = Subject(lock(given.kind.model, given.pk))
        require_subject_manager(subject, actor, "write its evaluation")
        existing = Evaluation.objects.filter(**subject.lookup()).order_by("-created_at", "-id").first()
        if existing is not None:
            return existing
        if subject.obj.state not in (Award.State.IN_EVALUATION, Project.State.IN_EVALUATION):
            raise TransitionRefused(
                f"{subject} is {subject.obj.get_state_display().lower()}; "
                "an evaluation is written once it enters evaluation."
            )
        return Evaluation.objects.create(**subject.lookup(), author=actor, outcomes=_outcomes_from_indicators(subject))


def evaluation_edit(*, evaluation: Evaluation, actor: User, **fields) -> Evaluation:
    with transaction.atomic():
        evaluation = lock(Evaluation, evaluation.pk)
        require_subject_manager(evaluation.subject, actor, "edit its evaluation")
        if evaluation.completed_at is not None:
            raise TransitionRefused(
                "This evaluation is complete and in the “what works” library; it can no longer change."
            )
        unknown = set(fields) - set(EVALUATION_FIELDS)
        if unknown:
            raise TypeError(f"Not evaluation fields: {sorted(unknown)}")
        for name, value in fields.items():
            setattr(evaluation, name, (value or "").strip())
        evaluation.full_clean()
        evaluation.save()
        return evaluation


def evaluation_begin(*, actor: User, award=None, project=None, note: str = "") -> Evaluation:
    """Move an award or project into evaluation and open its evaluation, in one step."""
    subject = Subject.given(award, project)
    with transaction.atomic():
        moved = TRANSITIONS[subject.kind.name](
            **{subject.kind.name: subject.obj}, name="begin_evaluation", actor=actor, note=note
        )
        return evaluation_open(actor=actor, **Subject(moved).kwargs())
