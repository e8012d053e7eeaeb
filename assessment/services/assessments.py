"""Assessors and conflicts: assigning, declaring, scoring, submitting and reopening."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from grants import services as grant_services
from grants.models import Award
from workflow import clock
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import apply_transition, lock, log_transition

from ..models import Application, Assignment, Conflict, Score
from ..scopes import detected_conflict
from .common import _require_manager


def assessor_assign(*, application: Application, actor: User, assessor: User) -> Assignment:
    """Ask `assessor` to assess a submitted application. Exchange checks for a conflict at once: if the
    assessor's organisation is in the bid (or in the same trust), they stand aside before they can open it."""
    _require_manager(application.call.programme, actor, "assign assessors")
    with transaction.atomic():
        application = lock(Application, application.pk)
        award = lock(Award, application.award_id)
        if award.state == Award.State.SUBMITTED:
            award = grant_services.award_transition(
                award=award, name="start_assessment", actor=actor, note="Assessors assigned"
            )
        elif award.state != Award.State.IN_ASSESSMENT:
            raise TransitionRefused(
                "Assessors can be assigned only to a submitted application; "
                f"this one is {award.get_state_display().lower()}."
            )
        if application.assignments.filter(assessor=assessor).exists():
            raise ValidationError({"assessor": f"{assessor} is already assigned to this application."})
        assignment = Assignment.objects.create(application=application, assessor=assessor, assigned_by=actor)
        log_transition(award, name="assign_assessor", source=award.state, actor=actor, note="An assessor was assigned")
        reason = detected_conflict(assessor, application)
        if reason:
            _stand_aside(assignment, actor=actor, source=Conflict.Source.DETECTED, reason=reason)
        return assignment


def _stand_aside(assignment: Assignment, *, actor: User, source: str, reason: str) -> Assignment:
    Conflict.objects.update_or_create(
        assignment=assignment,
        defaults={"source": source, "reason": reason, "recorded_by": actor, "recorded_at": clock.now()},
    )
    return apply_transition(assignment, "stand_aside", actor=actor, note=reason, at=clock.now())


def assessment_declare(*, assignment: Assignment, actor: User, conflict: bool, reason: str = "") -> Assignment:
    """Before opening: declare a conflict of interest (and stand aside) or none. Declaring none does not
    open an application Exchange finds a conflict with: the assessor stands aside, told why."""
    with transaction.atomic():
        assignment = lock(Assignment, assignment.pk)
        if assignment.assessor_id != actor.pk:
            raise PermissionRefused("Only the assessor can declare their own interests.")
        if conflict:
            if not reason.strip():
                raise ValidationError(
                    {"reason": "Please say what the conflict of interest is; the programme team reads it."}
                )
            return _stand_aside(assignment, actor=actor, source=Conflict.Source.DECLARED, reason=reason.strip())
        found = detected_conflict(actor, assignment.application)
        if found:
            return _stand_aside(assignment, actor=actor, source=Conflict.Source.DETECTED, reason=found)
        return apply_transition(assignment, "declare_none", actor=actor, note="No conflict of interest", at=clock.now())


def _require_unconflicted(assignment: Assignment, actor: User) -> None:
    if assignment.assessor_id != actor.pk:
        raise PermissionRefused("Only the assigned assessor can score this application.")
    if assignment.state != Assignment.State.OPEN:
        raise TransitionRefused(
            f"These scores are {assignment.get_state_display().lower()}: they cannot be changed now."
        )
    found = detected_conflict(actor, assignment.application)
    if found:
        raise PermissionRefused(f"You have a conflict of interest with this application: {found}")


def scores_save(
    *,
    assignment: Assignment,
    actor: User,
    scores: dict[int, tuple[int | None, str]],
    recommendation: str = "",
    comment: str = "",
) -> Assignment:
    """Save an assessor's scores (criterion id -> (score or None, comment)), recommendation and comment.
    Each assessor's own row is locked, so two assessors scoring the same application at once never wait
    on, or overwrite, each other."""
    with transaction.atomic():
        assignment = lock(Assignment, assignment.pk)
        _require_unconflicted(assignment, actor)
        criteria = {c.pk: c for c in assignment.application.call.criteria.all()}
        errors = {}
        for criterion_id, (value, _text) in scores.items():
            criterion = criteria.get(criterion_id)
            if criterion is None:
                raise ValidationError({"scores": "A score was given for a criterion this call does not have."})
            if value is not None and not 0 <= value <= criterion.scale_max:
                errors[f"score_{criterion_id}"] = f"“{criterion.title}” is scored from 0 to {criterion.scale_max}."
        if recommendation and recommendation not in Assignment.Recommendation.values:
            errors["recommendation"] = "Choose fund, fund with conditions or do not fund."
        if errors:
            raise ValidationError(errors)
        for criterion_id, (value, text) in scores.items():
            if value is None:
                Score.objects.filter(assignment=assignment, criterion_id=criterion_id).delete()
                continue
            row = Score(assignment=assignment, criterion_id=criterion_id, score=value, comment=text)
            row.full_clean(exclude=["assignment", "criterion"], validate_unique=False)
            Score.objects.update_or_create(
                assignment=assignment, criterion_id=criterion_id, defaults={"score": value, "comment": text}
            )
        assignment.recommendation = recommendation
        assignment.comment = comment
        assignment.full_clean(exclude=["state"])
        assignment.save(update_fields=["recommendation", "comment"])
        return assignment


def assessment_submit(*, assignment: Assignment, actor: User) -> Assignment:
    """Scores are final once submitted (a manager can reopen them, with a reason in the log)."""
    with transaction.atomic():
        assignment = lock(Assignment, assignment.pk)
        _require_unconflicted(assignment, actor)
        return apply_transition(assignment, "submit", actor=actor, note="Scores submitted", at=clock.now())


def assessment_reopen(*, assignment: Assignment, actor: User, note: str) -> Assignment:
    with transaction.atomic():
        assignment = lock(Assignment, assignment.pk)
        return apply_transition(assignment, "reopen", actor=actor, note=note)


def assignment_transition(*, assignment: Assignment, name: str, actor: User, note: str = "") -> Assignment:
    """Any step by name (the API's generated actions): each goes through its own service."""
    if name == "declare_none":
        return assessment_declare(assignment=assignment, actor=actor, conflict=False)
    if name == "stand_aside":
        if assignment.assessor_id == actor.pk:
            return assessment_declare(assignment=assignment, actor=actor, conflict=True, reason=note)
        with transaction.atomic():
            assignment = lock(Assignment, assignment.pk)
            _require_manager(assignment.application.call.programme, actor, "stand an assessor aside")
            if not note.strip():
                raise ValidationError({"note": "Please say why the assessor stands aside."})
            return _stand_aside(assignment, actor=actor, source=Conflict.Source.DECLARED, reason=note.strip())
    if name == "submit":
        return assessment_submit(assignment=assignment, actor=actor)
    if name == "reopen":
        return assessment_reopen(assignment=assignment, actor=actor, note=note)
    raise TransitionRefused(f"“{name}” is not a step an assessment can take.")
