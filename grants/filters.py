"""One FilterSet per grants resource: programmes, awards, payments (the API's lists)."""

from django_filters import rest_framework as filters

from workflow.apis import DateTimeRangeFilter, ExchangeFilterSet, IdFilter

from .models import Award, FundingProgramme, Payment


class ProgrammeFilter(ExchangeFilterSet):
    budget = filters.RangeFilter()
    opens_on = filters.DateFromToRangeFilter()
    closes_on = filters.DateFromToRangeFilter()

    class Meta:
        model = FundingProgramme
        fields = ["funder", "managed_by", "partnership", "currency"]


class AwardFilter(ExchangeFilterSet):
    state = filters.MultipleChoiceFilter(choices=Award.State.choices, distinct=False)
    funder = IdFilter(field_name="programme__funder")
    local_authority = IdFilter(field_name="recipient__local_authority")
    sub_region = IdFilter(field_name="recipient__local_authority__sub_region")
    amount_requested = filters.RangeFilter()
    amount_awarded = filters.RangeFilter()
    planned_start = filters.DateFromToRangeFilter()
    planned_end = filters.DateFromToRangeFilter()
    submitted_at = DateTimeRangeFilter()
    decided_at = DateTimeRangeFilter()

    class Meta:
        model = Award
        fields = [
            "state",
            "programme",
            "funder",
            "recipient",
            "project",
            "partnership",
            "local_authority",
            "sub_region",
            "reporting_frequency",
        ]


class PaymentFilter(ExchangeFilterSet):
    state = filters.MultipleChoiceFilter(choices=Payment.State.choices, distinct=False)
    programme = IdFilter(field_name="award__programme")
    funder = IdFilter(field_name="award__programme__funder")
    recipient = IdFilter(field_name="award__recipient")
    local_authority = IdFilter(field_name="award__recipient__local_authority")
    sub_region = IdFilter(field_name="award__recipient__local_authority__sub_region")
    amount = filters.RangeFilter()
    due_on = filters.DateFromToRangeFilter()
    paid_on = filters.DateFromToRangeFilter()

    class Meta:
        model = Payment
        fields = ["state", "award", "programme", "funder", "recipient", "local_authority", "sub_region"]
