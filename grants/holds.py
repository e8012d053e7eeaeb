"""Holding a payment until a progress update is accepted: on any due period of the award's reporting
schedule, started or not (the periods come from reporting, registered in grants.selectors), or on an
update that exists (the API's `gated_on_update`). The gate itself is reporting's (reporting/closing.py)."""

from django.core.exceptions import ValidationError

from . import selectors
from .models import Award, Payment


def check_gate(award: Award, update):
    if update is not None and update.award_id != award.pk:
        raise ValidationError(
            {"gated_on_update": "A payment can be held only on a progress update for the same award."}
        )


def hold(payment: Payment, award: Award, *, update=..., period_end=...) -> None:
    """Hold `payment` on a reporting period of its award (started or not) or on an update (its period).
    The period is what the gate reads (reporting/closing.py); the update is linked when it exists."""
    if period_end is not ...:
        if period_end is not None and period_end not in dict(selectors.gate_period_choices(award)):
            raise ValidationError(
                {"gated_on_period_end": "Choose one of the reporting periods of this award's schedule."}
            )
        update = selectors.gate_update_for_period(award, period_end) if period_end is not None else None
    elif update is not ...:
        check_gate(award, update)
        period_end = update.period_end if update is not None else None
    else:
        return
    payment.gated_on_update, payment.gated_on_period_end = update, period_end
