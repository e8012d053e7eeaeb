"""The range of dates a grant can have, checked wherever a date comes in (forms, API, imports).

A planned end of 9999-12-31 is a typing slip, not a plan, and the due-period arithmetic cannot run
past the calendar. GRANT_EARLIEST_YEAR and GRANT_LATEST_YEAR (settings, default 1990 and 2100) bound
every date a person or a file gives; each model's date fields carry the validator, so ModelForms,
ModelSerializers and the import's full_clean refuse the same dates with the same words.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible


def earliest() -> dt.date:
    return dt.date(int(getattr(settings, "GRANT_EARLIEST_YEAR", 1990)), 1, 1)


def latest() -> dt.date:
    return dt.date(int(getattr(settings, "GRANT_LATEST_YEAR", 2100)), 12, 31)


def out_of_range(value: dt.date | None) -> str | None:
    """Why `value` cannot be a grant's date, or None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if value < earliest() or value > latest():
        return (
            f"{value:%d/%m/%Y} is outside the dates Exchange accepts "
            f"({earliest():%d/%m/%Y} to {latest():%d/%m/%Y}): check the year."
        )
    return None


@deconstructible
class GrantDateValidator:
    """The model-field validator (migrations keep it by this import path)."""

    def __call__(self, value):
        problem = out_of_range(value)
        if problem:
            raise ValidationError(problem, code="date_out_of_range")

    def __eq__(self, other):
        return isinstance(other, GrantDateValidator)


grant_date = GrantDateValidator()


def clip(value: dt.date) -> dt.date:
    """`value` held inside the range (for dates already stored before the range was enforced)."""
    return min(max(value, earliest()), latest())


# The same range as a form field and as an API field -------------------------------------------

from django import forms  # noqa: E402
from rest_framework import serializers  # noqa: E402


class GrantDateFormField(forms.DateField):
    default_validators = [grant_date]


class GrantDateSerializerField(serializers.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("validators", []).append(grant_date)
        super().__init__(**kwargs)


def require_in_range(**dates) -> None:
    """For services given dates directly: a ValidationError naming each date outside the range."""
    errors = {name: problem for name, value in dates.items() if (problem := out_of_range(value))}
    if errors:
        raise ValidationError(errors)
