"""One FilterSet per partnerships resource: local authorities, organisations, partnerships, projects; the
API's lists and the list pages use the same ones (a page's subclass only chooses which filters it shows)."""

from django.db.models import Q
from django_filters import rest_framework as filters

from workflow.apis import DateTimeRangeFilter, ExchangeFilterSet, IdFilter
from workflow.page_filters import PageFilterSet

from .models import LocalAuthority, Organisation, Partnership, Project


class LocalAuthorityFilter(ExchangeFilterSet):
    class Meta:
        model = LocalAuthority
        fields = ["region", "sub_region"]


class OrganisationFilter(ExchangeFilterSet):
    sub_region = IdFilter(field_name="local_authority__sub_region")
    region = IdFilter(field_name="local_authority__region")

    class Meta:
        model = Organisation
        fields = ["kind", "establishment_type", "local_authority", "sub_region", "region", "trust"]


class PartnershipFilter(ExchangeFilterSet):
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", label="Search by name")
    local_authority = IdFilter(field_name="members__organisation__local_authority", distinct=True)
    sub_region = IdFilter(field_name="members__organisation__local_authority__sub_region", distinct=True)
    member = IdFilter(field_name="members__organisation", distinct=True)
    starts_on = filters.DateFromToRangeFilter()
    ends_on = filters.DateFromToRangeFilter()

    class Meta:
        model = Partnership
        fields = ["region", "lead_organisation", "local_authority", "sub_region", "member"]


class ProjectFilter(ExchangeFilterSet):
    q = filters.CharFilter(method="filter_q", label="Search by title or reference")
    state = filters.MultipleChoiceFilter(choices=Project.State.choices, distinct=False)
    local_authority = IdFilter(field_name="lead_organisation__local_authority")
    sub_region = IdFilter(field_name="lead_organisation__local_authority__sub_region")
    partner = IdFilter(field_name="partners__organisation", distinct=True)
    planned_start = filters.DateFromToRangeFilter()
    planned_end = filters.DateFromToRangeFilter()
    created_at = DateTimeRangeFilter()

    class Meta:
        model = Project
        fields = ["state", "partnership", "lead_organisation", "theme", "local_authority", "sub_region", "partner"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(reference__icontains=value))


# The list pages: the same FilterSets, narrowed to what each page offers (workflow.page_filters) -----


class PartnershipPageFilter(PageFilterSet, PartnershipFilter):
    page_fields = ("q",)
    page_labels = {"q": "Search"}


class ProjectPageFilter(PageFilterSet, ProjectFilter):
    page_fields = ("archived", "q", "state", "partnership", "sub_region", "local_authority")
    page_labels = {
        "q": "Search",
        "state": "Stage",
        "partnership": "Partnership",
        "sub_region": "Sub region",
        "local_authority": "Local authority",
    }
    page_any = {
        "state": "Any stage",
        "partnership": "Any partnership",
        "sub_region": "Any sub-region",
        "local_authority": "Any local authority",
    }
