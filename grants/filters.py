"""One FilterSet per grants resource: programmes, awards, payments; the API's lists and the list pages
use the same ones (a page's subclass only chooses which filters it shows, and in what words)."""

from django.db.models import Q
from django_filters import rest_framework as filters

from workflow.apis import DateTimeRangeFilter, ExchangeFilterSet, IdFilter
from workflow.page_filters import PageFilterSet

from . import due
from .models import Award, FundingProgramme, Payment
from .search import award_text


class ProgrammeFilter(ExchangeFilterSet):
    budget = filters.RangeFilter()
    opens_on = filters.DateFromToRangeFilter()
    closes_on = filters.DateFromToRangeFilter()

    class Meta:
        model = FundingProgramme
        fields = ["funder", "managed_by", "partnership", "currency"]


class AwardFilter(ExchangeFilterSet):
    q = filters.CharFilter(method="filter_q", label="Search by title, identifier or recipient")
    in_partnership = IdFilter(method="filter_in_partnership", label="In a partnership (its own or its programme's)")
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

    def filter_q(self, queryset, name, value):
        return queryset.filter(award_text(value))

    def filter_in_partnership(self, queryset, name, value):
        return queryset.filter(Q(partnership=value) | Q(programme__partnership=value))


class PaymentFilter(ExchangeFilterSet):
    q = filters.CharFilter(method="filter_q", label="Search by award or recipient")
    when = filters.ChoiceFilter(
        choices=[("overdue", "Overdue"), ("next30", "Due in the next 30 days")], method="filter_when", label="Due"
    )
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

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(award__identifier__icontains=value)
            | Q(award__title__icontains=value)
            | Q(award__recipient__name__icontains=value)
        )

    def filter_when(self, queryset, name, value):
        return due.filter_when(queryset, due.OVERDUE if value == "overdue" else due.DUE_SOON, days=30)


# The list pages: the same FilterSets, narrowed to what each page offers (workflow.page_filters) -----


class AwardPageFilter(PageFilterSet, AwardFilter):
    page_fields = ("archived", "q", "state", "programme", "partnership", "sub_region", "local_authority")
    page_labels = {
        "q": "Search",
        "state": "Stage",
        "programme": "Programme",
        "partnership": "Partnership",
        "sub_region": "Sub region",
        "local_authority": "Local authority",
    }
    page_any = {
        "state": "Any stage",
        "programme": "Any programme",
        "partnership": "Any partnership",
        "sub_region": "Any sub-region",
        "local_authority": "Any local authority",
    }
    # The page's "partnership" has always been the broad one (the API's in_partnership): the award's own
    # partnership or its programme's.
    partnership = IdFilter(method="filter_in_partnership")


class PaymentPageFilter(PageFilterSet, PaymentFilter):
    page_fields = ("q", "state", "programme", "when")
    page_labels = {"q": "Search", "state": "State", "programme": "Programme", "when": "Due"}
    page_any = {"state": "Any state", "programme": "Any programme", "when": "Any time"}
