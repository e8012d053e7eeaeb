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

PARTS = ("day", "month", "year")
MONTH_NAMES = {
    name: n
    for n, full in enumerate(
        "january february march april may june july august september october november december".split(), 1
    )
    for name in (full, full[:3])
}


class DateParts(forms.MultiWidget):
    """GOV.UK's date input: day, month and year as three boxes (not a browser date picker, which reads
    mm/dd/yyyy on some machines). What was typed comes back as typed when the form has an error.
    A single value posted under the field's own name (2026-04-30 or 30/04/2026: the API's and older
    forms' way) is read as well."""

    template_name = "workflow/date_parts.html"

    def __init__(self, attrs=None):
        widgets = {
            part: forms.TextInput(attrs={"data_label": part.capitalize(), "inputmode": "numeric"}) for part in PARTS
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        parts = [data.get(f"{name}_{part}") for part in PARTS]
        if all(p is None for p in parts) and name in data:
            return data.get(name)
        return parts

    def value_omitted_from_data(self, data, files, name):
        return name not in data and all(f"{name}_{part}" not in data for part in PARTS)

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else id_  # the day box (subwidget ids are numbered)


def _date_from_parts(parts) -> dt.date | None:
    """The date three boxes mean, or a ValidationError in GOV.UK's words."""
    day, month, year = (str(p or "").strip() for p in parts)
    if not (day or month or year):
        return None
    missing = [name for name, text in zip(PARTS, (day, month, year), strict=True) if not text]
    if missing:
        raise ValidationError(f"The date must include a {' and a '.join(missing)}.", code="incomplete")
    month_number = MONTH_NAMES.get(month.lower()) if not month.isdigit() else int(month)
    if not (day.isdigit() and year.isdigit() and month_number):
        raise ValidationError("Write the date in numbers, for example 27 3 2026.", code="invalid")
    if len(year) != 4:
        raise ValidationError("The year must have four digits, for example 2026.", code="invalid")
    try:
        return dt.date(int(year), month_number, int(day))
    except ValueError:
        raise ValidationError(
            f"{day}/{month}/{year} is not a real date: check the day and the month.", code="invalid"
        ) from None


class GrantDateFormField(forms.DateField):
    """A date in GOV.UK's day, month and year boxes, held inside the years a grant can have."""

    default_validators = [grant_date]
    widget = DateParts

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "For example, 27 3 2026")
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return _date_from_parts(value)
        return super().to_python(value)


class GrantDateSerializerField(serializers.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("validators", []).append(grant_date)
        super().__init__(**kwargs)


def require_in_range(**dates) -> None:
    """For services given dates directly: a ValidationError naming each date outside the range."""
    errors = {name: problem for name, value in dates.items() if (problem := out_of_range(value))}
    if errors:
        raise ValidationError(errors)
