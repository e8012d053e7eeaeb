"""/api/v1/offers/: offers of support, with their evidence, capacity and where they travel."""

from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins, serializers

from partnerships.models import LocalAuthority, Organisation, Partnership, SubRegion
from reporting.models import Evaluation
from workflow.apis import (
    EditableMixin,
    ExchangeViewSet,
    ScopedPrimaryKeyRelatedField,
    editable_schema,
)

from .. import selectors, services
from ..filters import OfferFilter
from ..models import Offer, Phase
from .common import _areas_field, _Place, _step


class OfferSerializer(_Place):
    days_left = serializers.IntegerField(read_only=True)
    phases = serializers.ListField(child=serializers.ChoiceField(choices=Phase.choices), read_only=True)

    class Meta:
        model = Offer
        fields = [
            "id",
            "partnership",
            "partnership_name",
            "organisation",
            "organisation_name",
            "local_authority_name",
            "sub_region_name",
            "title",
            "areas",
            "area_names",
            "evaluations",
            "evidence",
            "capacity_days",
            "days_allocated",
            "days_left",
            "available_until",
            "phases",
            "travel_sub_regions",
            "travel_local_authorities",
            "conditions",
            "state",
            "state_label",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class _OfferWrite(serializers.ModelSerializer):
    phases = serializers.ListField(child=serializers.ChoiceField(choices=Phase.choices), required=False)
    evaluations = ScopedPrimaryKeyRelatedField(
        selectors.evidence_list, many=True, queryset=Evaluation.objects.all(), required=False
    )
    travel_sub_regions = serializers.PrimaryKeyRelatedField(many=True, queryset=SubRegion.objects.all(), required=False)
    travel_local_authorities = serializers.PrimaryKeyRelatedField(
        many=True, queryset=LocalAuthority.objects.all(), required=False
    )


class OfferCreateSerializer(_OfferWrite):
    partnership = ScopedPrimaryKeyRelatedField(selectors.support_partnership_list, queryset=Partnership.objects.all())
    organisation = ScopedPrimaryKeyRelatedField(
        selectors.support_organisation_list, queryset=Organisation.objects.all()
    )
    areas = _areas_field()

    class Meta:
        model = Offer
        fields = [
            "partnership",
            "organisation",
            "areas",
            "evaluations",
            "travel_sub_regions",
            "travel_local_authorities",
            *services.OFFER_FIELDS,
        ]


class OfferEditSerializer(_OfferWrite):
    areas = _areas_field(required=False)

    class Meta:
        model = Offer
        fields = ["areas", "evaluations", "travel_sub_regions", "travel_local_authorities", *services.OFFER_FIELDS]


@extend_schema_view(**editable_schema(OfferSerializer, OfferCreateSerializer, OfferEditSerializer))
class OfferViewSet(EditableMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ExchangeViewSet):
    """Offers of support: areas of strength, linked evidence, capacity (days a term, until when), where
    the organisation travels, conditions. Seen by the partnership's members and managers."""

    serializer_class = OfferSerializer
    create_serializer_class = OfferCreateSerializer
    edit_serializer_class = OfferEditSerializer
    queryset = Offer.objects.none()
    filterset_class = OfferFilter
    search_fields = ["title", "evidence", "organisation__name"]
    ordering_fields = ["id", "created_at", "updated_at", "available_until", "capacity_days"]
    ordering = ["-created_at", "-id"]

    def may_write(self, r):
        return r.is_manager or r.is_partner

    def selected(self):
        return selectors.offer_list(user=self.request.user).prefetch_related(
            "evaluations", "travel_sub_regions", "travel_local_authorities"
        )

    def create_with_service(self, data, user):
        return services.offer_create(actor=user, **data)

    def edit_with_service(self, obj, data, user):
        return services.offer_update(offer=obj, actor=user, **data)

    close = _step(
        "close", lambda obj, n, u, note: services.offer_transition(offer=obj, name=n, actor=u, note=note), "offer"
    )
    reopen = _step(
        "reopen", lambda obj, n, u, note: services.offer_transition(offer=obj, name=n, actor=u, note=note), "offer"
    )
