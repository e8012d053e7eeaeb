"""Calls: opening and changing them (when, who may apply, one stage or two)."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from grants.models import FundingProgramme
from workflow.services import lock, set_fields

from ..models import Call
from .common import _require_manager

CALL_FIELDS = (
    "title",
    "opens_at",
    "closes_at",
    "guidance",
    "eligible_kinds",
    "eligible_size_bands",
    "max_amount",
    "stages",
    "full_closes_at",
    "blind",
    "disagreement_points",
)


def call_create(*, actor: User, programme: FundingProgramme, sub_regions=(), local_authorities=(), **fields) -> Call:
    _require_manager(programme, actor, "open a call")
    with transaction.atomic():
        call = Call(programme=programme, created_by=actor)
        set_fields(call, fields, CALL_FIELDS)
        _check_call(call)
        call.full_clean()
        call.save()
        call.eligible_sub_regions.set(sub_regions)
        call.eligible_local_authorities.set(local_authorities)
        return call


def call_update(*, call: Call, actor: User, sub_regions=None, local_authorities=None, **fields) -> Call:
    with transaction.atomic():
        call = lock(Call, call.pk)
        _require_manager(call.programme, actor, "change the call")
        set_fields(call, fields, CALL_FIELDS)
        _check_call(call)
        call.full_clean()
        call.save()
        if sub_regions is not None:
            call.eligible_sub_regions.set(sub_regions)
        if local_authorities is not None:
            call.eligible_local_authorities.set(local_authorities)
        return call


def _check_call(call: Call) -> None:
    if call.opens_at and call.closes_at and call.closes_at <= call.opens_at:
        raise ValidationError({"closes_at": "The call must close after it opens."})
    if call.stages == Call.Stages.TWO and not call.full_closes_at:
        raise ValidationError({"full_closes_at": "A two-stage call needs a closing time for full applications."})
    if call.stages == Call.Stages.ONE:
        call.full_closes_at = None
    elif call.full_closes_at and call.closes_at and call.full_closes_at <= call.closes_at:
        raise ValidationError({"full_closes_at": "Full applications must close after expressions of interest."})
