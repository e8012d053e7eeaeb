"""The criteria a call's bids are judged on: its managers add, change and remove them until applicants are
writing to them, and never once scoring has begun. Weights are shares of 100. Each change is logged on the call."""

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction

from workflow import clock
from workflow.errors import TransitionRefused
from workflow.models import TransitionLog
from workflow.services import lock, set_fields

from ..models import Application, Call, Criterion, Score
from ..rules import when
from .common import _require_manager

CRITERION_FIELDS = ("title", "guidance", "weight", "scale_max", "score_guidance")
WEIGHT_TOTAL = 100


def criteria_change_refusal(call: Call) -> TransitionRefused | None:
    """Why the call's criteria can no longer change, or None. Asked by the pages (to offer the change),
    the services (to refuse it), the API and the admin."""
    if Score.objects.filter(criterion__call_id=call.pk).exists():
        return TransitionRefused("Assessors have started scoring this call: its criteria can no longer change.")
    now = clock.now()
    started = Application.objects.filter(call_id=call.pk).count()
    if now >= call.opens_at and started:
        return TransitionRefused(
            f"The call opened at {when(call.opens_at)} and {started} application{'s' if started != 1 else ''} "
            f"{'have' if started != 1 else 'has'} been started against these criteria: they can no longer change. "
            "Criteria are set before a call opens."
        )
    return None


def _check_weights(call: Call, criterion: Criterion) -> None:
    others = sum(c.weight for c in call.criteria.exclude(pk=criterion.pk))
    total = others + (criterion.weight or 0)
    if total > WEIGHT_TOTAL:
        raise ValidationError(
            {
                "weight": f"The weights are shares of {WEIGHT_TOTAL}: the other criteria have {others}, so this one "
                f"can have at most {WEIGHT_TOTAL - others} (it would make {total})."
            }
        )


def _log(call: Call, name: str, actor: User, note: str) -> None:
    now = clock.now()
    phase = "scheduled" if now < call.opens_at else ("open" if now < call.closes_at else "closed")
    TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(Call),
        object_id=call.pk,
        object_repr=str(call)[:300],
        transition=name,
        source=phase,
        target=phase,
        actor=actor,
        note=note[:1000],
    )


def _changeable(call: Call, actor: User) -> Call:
    _require_manager(call.programme, actor, "set the criteria")
    call = lock(Call, call.pk)
    refusal = criteria_change_refusal(call)
    if refusal is not None:
        raise refusal
    return call


def criterion_add(*, call: Call, actor: User, **fields) -> Criterion:
    with transaction.atomic():
        call = _changeable(call, actor)
        criterion = Criterion(call=call, position=call.criteria.count() + 1)
        set_fields(criterion, fields, CRITERION_FIELDS)
        criterion.full_clean()
        _check_weights(call, criterion)
        criterion.save()
        _log(call, "criterion_add", actor, f"Criterion added: {criterion}")
        return criterion


def criterion_update(*, criterion: Criterion, actor: User, **fields) -> Criterion:
    with transaction.atomic():
        call = _changeable(criterion.call, actor)
        criterion = lock(Criterion, criterion.pk)
        before = str(criterion)
        set_fields(criterion, fields, CRITERION_FIELDS + ("position",))
        criterion.full_clean()
        _check_weights(call, criterion)
        criterion.save()
        _log(call, "criterion_change", actor, f"Criterion changed: {before} → {criterion}")
        return criterion


def criterion_remove(*, criterion: Criterion, actor: User) -> None:
    with transaction.atomic():
        call = _changeable(criterion.call, actor)
        criterion = lock(Criterion, criterion.pk)
        _log(call, "criterion_remove", actor, f"Criterion removed: {criterion}")
        criterion.delete()
        for position, remaining in enumerate(call.criteria.order_by("position", "pk"), start=1):
            if remaining.position != position:
                Criterion.objects.filter(pk=remaining.pk).update(position=position)
