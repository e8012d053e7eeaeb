"""Filters every resource shares: ids that are whole numbers, UTC date-time ranges, the FilterSet base."""

import datetime as dt

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField, RangeField
from django_filters.widgets import DateRangeWidget
from rest_framework import filters as drf_filters


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        # Bounded, so a huge number is a 400, not a database overflow.
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class IdFilter(filters.NumberFilter):
    """Filter by a related record's id. Unlike a model-choice filter it never checks that the
    record exists, so an id outside the user's scope gives an empty list, like a missing one."""

    field_class = IdField


class UtcIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        parsed = super().to_python(value)
        try:
            # PostgreSQL refuses offsets beyond ±15:59; in UTC every valid instant is plain.
            return parsed.astimezone(dt.UTC) if parsed is not None and parsed.tzinfo else parsed
        except OverflowError as out_of_range:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from out_of_range


class UtcIsoDateTimeRangeField(RangeField):
    widget = DateRangeWidget

    def __init__(self, *args, **kwargs):
        super().__init__((UtcIsoDateTimeField(), UtcIsoDateTimeField()), *args, **kwargs)


class DateTimeRangeFilter(filters.IsoDateTimeFromToRangeFilter):
    """`<name>_after` and `<name>_before`, ISO 8601 with any offset."""

    field_class = UtcIsoDateTimeRangeField


class ExchangeFilterSet(filters.FilterSet):
    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
        models.PositiveBigIntegerField: {"filter_class": IdFilter},
    }


class StableOrderingFilter(drf_filters.OrderingFilter):
    """`?ordering=` the same way on every database, page after page.

    - The id is the last key, in the direction of the last one asked for (`-amount_awarded` is
      `-amount_awarded, -id`): many awards share an amount or a date, and without a unique last key the
      database may return tied rows in a different order for each page, so a row shows on two pages and
      another on none.
    - A blank (an award not yet given an amount) sorts as the smallest value, as SQLite sorts it, on
      PostgreSQL too (which would put blanks first when sorting largest first): largest first means the
      largest amounts, then the blanks.

    The models index each orderable field with the id after it, blanks first (`award_by_…`), so a page at
    1,000,000 rows walks an index in either direction instead of sorting every row."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering
        keys = [str(term) for term in ordering]
        if any(key.lstrip("-") in ("id", "pk") for key in keys):
            return ordering
        return [*ordering, "-id" if keys[-1].startswith("-") else "id"]

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        return queryset.order_by(*(_blank_smallest(queryset.model, term) for term in ordering))


def _blank_smallest(model, term):
    if not isinstance(term, str):
        return term
    name = term.lstrip("-")
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # an annotation, a path or `pk`: ordered as asked
        return term
    if not getattr(field, "null", False):
        return term
    return F(name).desc(nulls_last=True) if term.startswith("-") else F(name).asc(nulls_first=True)
