"""The criteria a call's bids are judged on, set by its managers before scoring begins."""

from django.contrib.auth.models import User
from django.db import transaction

from workflow.errors import TransitionRefused
from workflow.services import lock, set_fields

from ..models import Call, Criterion, Score
from .common import _require_manager


def criterion_add(*, call: Call, actor: User, **fields) -> Criterion:
    _require_manager(call.programme, actor, "set the criteria")
    with transaction.atomic():
        call = lock(Call, call.pk)
        if Score.objects.filter(criterion__call=call).exists():
            raise TransitionRefused("Assessors have started scoring this call: its criteria can no longer change.")
        position = call.criteria.count() + 1
        criterion = Criterion(call=call, position=position)
        set_fields(criterion, fields, ("title", "guidance", "weight", "scale_max", "score_guidance"))
        criterion.full_clean()
        criterion.save()
        return criterion
