"""When a payment may fall: not due long before its award starts, and never released before it is due
without saying so (the page asks for a tick, the API for `confirm_early`). Used by grants.services."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError

from .models import Award, Payment

ADVANCE = timedelta(days=92)  # about three months


def _day(when: date) -> str:
    return f"{when.day} {when:%B %Y}"


def due_date_refusal(award: Award, due_on: date | str | None) -> ValidationError | None:
    """A payment due long before the award's planned start is a typing slip (2019 on a 2027 award); an
    advance in the weeks before the work starts is usual, so up to ADVANCE before the start is allowed."""
    if isinstance(due_on, str):
        try:
            due_on = date.fromisoformat(due_on)
        except ValueError:
            return None  # not a date at all: the model's own check says so
    if due_on is None or award.planned_start is None or due_on >= award.planned_start - ADVANCE:
        return None
    return ValidationError(
        {
            "due_on": f"A payment cannot be due on {_day(due_on)}, long before the award starts on "
            f"{_day(award.planned_start)}: an advance can be due at most three months before the start. "
            "Check the year."
        }
    )


def early_release_refusal(payment: Payment, paid_on: date, confirmed: bool) -> ValidationError | None:
    """Paying before the due date is allowed, but only on purpose."""
    if confirmed or paid_on >= payment.due_on:
        return None
    return ValidationError(
        {
            "confirm_early": f"This payment is not due until {_day(payment.due_on)}: paying it on {_day(paid_on)} "
            "pays it early. Confirm that you mean to release it before it is due."
        }
    )
