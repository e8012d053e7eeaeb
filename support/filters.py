"""One FilterSet per support resource (needs, offers), used by the API's lists and by the pages."""

from workflow.apis import ExchangeFilterSet, IdFilter

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
