"""Every write a person can cause on progress updates, indicators and evaluations."""

from django.db import transaction
from django.utils import timezone

from partnerships import roles
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import apply_transition, lock, transition_refusal

from .models import Evaluation, ProgressUpdate


def update_transition(*, update: ProgressUpdate, name: str, actor, note: str = "") -> ProgressUpdate:
    """submit, resubmit (the partner), accept, request_changes, reopen (a manager who did not write it)."""
    with transaction.atomic():
        locked = lock(ProgressUpdate, update.pk)
        now = timezone.now()
        if name in ("accept", "request_changes", "reopen"):
            refusal = transition_refusal(locked, name, actor, note)
            if refusal is not None:
                raise refusal
            if locked.author_id is not None and locked.author_id == actor.pk:
                raise PermissionRefused(
                    "You wrote this update, so another programme manager must review it (separation of duties)."
                )
            params = {"by": actor, "at": now}
            if name != "accept":
                params["review_note"] = note
        else:
            params = {"at": now}
        return apply_transition(locked, name, actor=actor, note=note, **params)


def update_submit(*, update, actor, note=""):
    return update_transition(update=update, name="submit", actor=actor, note=note)


def update_accept(*, update, actor, note=""):
    return update_transition(update=update, name="accept", actor=actor, note=note)


def update_request_changes(*, update, actor, note):
    return update_transition(update=update, name="request_changes", actor=actor, note=note)


def update_resubmit(*, update, actor, note=""):
    return update_transition(update=update, name="resubmit", actor=actor, note=note)


def evaluation_complete(*, evaluation: Evaluation, actor) -> Evaluation:
    with transaction.atomic():
        evaluation = lock(Evaluation, evaluation.pk)
        r = roles.of(actor)
        subject_managed = (
            r.manages_programme(evaluation.award.programme)
            if evaluation.award_id
            else r.manages_partnership(evaluation.project.partnership)
        )
        if not subject_managed:
            raise PermissionRefused("Only a programme manager of this work can mark its evaluation complete.")
        missing = [
            label
            for field, label in [
                ("outcomes", "outcomes against targets"),
                ("what_worked", "what worked"),
                ("lessons", "lessons for other schools"),
                ("rating", "an overall rating"),
                ("stage_reached", "the stage of improvement reached"),
            ]
            if not str(getattr(evaluation, field)).strip()
        ]
        if missing:
            raise TransitionRefused("The evaluation cannot be marked complete without " + ", ".join(missing) + ".")
        evaluation.completed_at = timezone.now()
        evaluation.save(update_fields=["completed_at", "updated_at"])
        return evaluation
