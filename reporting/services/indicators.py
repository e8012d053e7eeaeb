"""Setting up the outcome measures an award or project reports against."""

from decimal import Decimal

from django.db import transaction

from grants.subjects import Subject
from workflow.errors import PermissionRefused
from workflow.services import lock

from ..models import Indicator
from .schedules import require_subject_manager, subject_manage_refusal


def indicator_add(
    *,
    actor,
    name: str,
    unit: str,
    target: Decimal,
    baseline: Decimal = Decimal("0"),
    direction: str = Indicator.Direction.INCREASE,
    cumulative: bool = True,
    allow_negative: bool = False,
    award=None,
    project=None,
) -> Indicator:
    """Set up an outcome measure on an award or a project (a programme manager of it)."""
    with transaction.atomic():
        given = Subject.given(award, project)
        subject = Subject(lock(given.kind.model, given.pk))
        require_subject_manager(subject, actor, "set up its indicators")
        indicator = Indicator(
            **subject.kwargs(),
            name=name.strip(),
            unit=unit.strip(),
            baseline=baseline,
            target=target,
            direction=direction,
            cumulative=cumulative,
            allow_negative=allow_negative,
        )
        indicator.full_clean()
        indicator.save()
        return indicator


INDICATOR_FIELDS = ("name", "unit", "baseline", "target", "direction", "cumulative", "allow_negative", "breakdowns")


def indicator_edit_refusal(indicator: Indicator, actor) -> PermissionRefused | None:
    """Why `actor` may not change the indicator, or None: its award's or project's managers may."""
    return subject_manage_refusal(Subject.of(indicator), actor, "change its indicators")


def indicator_update(*, indicator: Indicator, actor, **fields) -> Indicator:
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValueError(f"Not indicator fields: {sorted(unknown)}")
    with transaction.atomic():
        indicator = lock(Indicator, indicator.pk)
        refusal = indicator_edit_refusal(indicator, actor)
        if refusal is not None:
            raise refusal
        for name, value in fields.items():
            setattr(indicator, name, value)
        indicator.full_clean()
        indicator.save()
        return indicator
