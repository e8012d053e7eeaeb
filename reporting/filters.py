"""One FilterSet per reporting resource, used by the API's lists (and by any page that filters them)."""

from django.db.models import Q
from django_filters import rest_framework as filters

from grants.subjects import either
from workflow.apis import DateTimeRangeFilter, ExchangeFilterSet, IdFilter

from .models import Evaluation, EvidenceFile, Indicator, ProgressUpdate, ReportingSchedule


class IndicatorFilter(ExchangeFilterSet):
    programme = IdFilter(field_name="award__programme")
    partnership = IdFilter(method="filter_partnership")
    target = filters.RangeFilter()

    class Meta:
        model = Indicator
        fields = ["award", "project", "programme", "partnership", "direction", "cumulative"]

    def filter_partnership(self, queryset, name, value):
        return queryset.filter(
            Q(project__partnership=value) | Q(award__partnership=value) | Q(award__project__partnership=value)
        )


class ProgressUpdateFilter(ExchangeFilterSet):
    state = filters.MultipleChoiceFilter(choices=ProgressUpdate.State.choices, distinct=False)
    programme = IdFilter(field_name="award__programme")
    partnership = IdFilter(method="filter_partnership")
    organisation = IdFilter(method="filter_organisation")
    local_authority = IdFilter(method="filter_local_authority")
    sub_region = IdFilter(method="filter_sub_region")
    period_start = filters.DateFromToRangeFilter()
    period_end = filters.DateFromToRangeFilter()
    due_on = filters.DateFromToRangeFilter()
    submitted_at = DateTimeRangeFilter()
    spend_to_date = filters.RangeFilter()

    class Meta:
        model = ProgressUpdate
        fields = ["state", "award", "project", "programme", "partnership", "organisation", "is_final"]

    def filter_partnership(self, queryset, name, value):
        return queryset.filter(Q(project__partnership=value) | Q(award__partnership=value))

    def _owner(self, queryset, lookup, value):
        # The award's recipient or the project's lead, whichever the update reports on.
        return queryset.filter(either(**{f"owner__{lookup}": value}))

    def filter_organisation(self, queryset, name, value):
        return queryset.filter(either(owner=value))

    def filter_local_authority(self, queryset, name, value):
        return self._owner(queryset, "local_authority", value)

    def filter_sub_region(self, queryset, name, value):
        return self._owner(queryset, "local_authority__sub_region", value)


class EvidenceFilter(ExchangeFilterSet):
    class Meta:
        model = EvidenceFile
        fields = ["update", "content_type"]


class EvaluationFilter(ExchangeFilterSet):
    completed = filters.BooleanFilter(field_name="completed_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Evaluation
        fields = ["award", "project", "rating", "stage_reached", "completed"]


class ScheduleFilter(ExchangeFilterSet):
    class Meta:
        model = ReportingSchedule
        fields = ["award", "project", "frequency"]
