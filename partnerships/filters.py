"""One FilterSet per partnerships resource: local authorities, organisations, partnerships, projects."""

from django.db.models import Q
from django.utils.datastructures import MultiValueDict
from django_filters import rest_framework as filters

from workflow.apis import DateTimeRangeFilter, ExchangeFilterSet, IdFilter

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
        fields = ["kind", "local_authority", "sub_region", "region", "trust"]


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


def page_filter(filterset_class, form, queryset, skip=("archived",), rename=None):
    """Filter `queryset` by a page's filter form through the resource's FilterSet, so the page and
    the API list mean the same by each filter. The form only renders and validates the choices."""
    if not form.is_valid():
        return queryset
    data = MultiValueDict(
        {
            (rename or {}).get(name, name): [getattr(value, "pk", value)]
            for name, value in form.cleaned_data.items()
            if value not in (None, "") and name not in skip
        }
    )
    return filterset_class(data, queryset=queryset).qs
