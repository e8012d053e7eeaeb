"""Filters every resource shares: ids that are whole numbers, UTC date-time ranges, the FilterSet base."""

import datetime as dt

from django import forms
from django.db import models
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField, RangeField
from django_filters.widgets import DateRangeWidget


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
