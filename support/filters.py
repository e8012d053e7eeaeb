"""One FilterSet per support resource (needs, offers), used by the API's lists and by the pages."""

from workflow.apis import ExchangeFilterSet, IdFilter
from workflow.page_filters import PageFilterSet

from .models import Need, Offer


class NeedFilter(ExchangeFilterSet):
    partnership = IdFilter()
    organisation = IdFilter()
    area = IdFilter(field_name="areas")
    sub_region = IdFilter(field_name="organisation__local_authority__sub_region")

    class Meta:
        model = Need
        fields = ["state", "phase", "urgency", "shared"]


class OfferFilter(ExchangeFilterSet):
    partnership = IdFilter()
    organisation = IdFilter()
    area = IdFilter(field_name="areas")
    sub_region = IdFilter(field_name="organisation__local_authority__sub_region")

    class Meta:
        model = Offer
        fields = ["state"]


# The list page: the same FilterSet, narrowed to what the page offers (workflow.page_filters) -------


class NeedPageFilter(PageFilterSet, NeedFilter):
    page_fields = ("state", "phase", "sub_region")
    page_labels = {"state": "State", "phase": "Phase", "sub_region": "Sub region"}
    page_any = {"state": "Any state", "phase": "Any phase", "sub_region": "Any sub-region"}
