"""REST API for support matching: /api/v1/needs/, /api/v1/offers/, /api/v1/needs/{id}/matches/ (ranked
offers with their reasons) and POST /api/v1/needs/{id}/matches/accept/. Reads through the selectors,
writes through the services, the same permissions as the pages."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from partnerships.models import LocalAuthority, Organisation, Partnership, SubRegion
from reporting.models import Evaluation
from workflow.apis import (
    ERROR_RESPONSES,
    EditableMixin,
    ExchangeFilterSet,
    ExchangeViewSet,
    IdFilter,
    NoteSerializer,
    ScopedPrimaryKeyRelatedField,
    editable_schema,
)
from workflow.text import NOTE

from . import selectors, services
from .models import Match, Need, Offer, Phase, SupportArea

ERRORS = {code: ERROR_RESPONSES[code] for code in (400, 403, 404, 409)}


class _Place(serializers.ModelSerializer):
    partnership_name = serializers.CharField(source="partnership.name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    local_authority_name = serializers.CharField(
        source="organisation.local_authority.name", read_only=True, allow_null=True, default=None
    )
    sub_region_name = serializers.CharField(
        source="organisation.local_authority.sub_region.name", read_only=True, allow_null=True, default=None
    )
    area_names = serializers.SerializerMethodField()
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    def get_area_names(self, obj) -> list[str]:
        return [a.name for a in obj.areas.all()]


class NeedSerializer(_Place):
    phase_label = serializers.CharField(source="get_phase_display", read_only=True)

    class Meta:
        model = Need
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
            "phase",
            "phase_label",
            "urgency",
            "context",
            "days_wanted",
            "shared",
            "same_trust_ok",
            "state",
            "state_label",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


def _areas_field(**kwargs):
    return ScopedPrimaryKeyRelatedField(selectors.area_list, many=True, queryset=SupportArea.objects.all(), **kwargs)


class NeedCreateSerializer(serializers.ModelSerializer):
    partnership = ScopedPrimaryKeyRelatedField(selectors.support_partnership_list, queryset=Partnership.objects.all())
    organisation = ScopedPrimaryKeyRelatedField(
        selectors.support_organisation_list, queryset=Organisation.objects.all()
    )
    areas = _areas_field()

    class Meta:
        model = Need
        fields = ["partnership", "organisation", "areas", *services.NEED_FIELDS]


class NeedEditSerializer(serializers.ModelSerializer):
    areas = _areas_field(required=False)

    class Meta:
        model = Need
        fields = ["areas", *services.NEED_FIELDS]


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


class ReasonSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["areas", "evidence", "capacity", "distance", "phase", "difference"])
    points = serializers.IntegerField(help_text="0-100, before the partnership's weight.")
    text = serializers.CharField()


class ProposalSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    offer = serializers.IntegerField(source="offer.id")
    offer_title = serializers.CharField(source="offer.title")
    organisation = serializers.IntegerField(source="offer.party.organisation_id")
    organisation_name = serializers.CharField(source="offer.party.name")
    days_left = serializers.IntegerField(source="offer.days_left")
    score = serializers.IntegerField()
    reasons = ReasonSerializer(many=True)


class MatchSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    project_reference = serializers.CharField(source="project.reference", read_only=True, allow_null=True, default=None)
    reasons = ReasonSerializer(many=True, read_only=True)

    class Meta:
        model = Match
        fields = [
            "id",
            "need",
            "offer",
            "days",
            "score",
            "reasons",
            "state",
            "state_label",
            "project",
            "project_reference",
            "accepted_at",
        ]
        read_only_fields = fields


class AcceptSerializer(serializers.Serializer):
    offer = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    days = serializers.IntegerField(min_value=1, max_value=200, required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE)


class FigureSerializer(serializers.Serializer):
    name = serializers.CharField()
    needs = serializers.IntegerField()
    days_needed = serializers.IntegerField()
    offers = serializers.IntegerField()
    days_offered = serializers.IntegerField()


class IntelligenceSerializer(serializers.Serializer):
    areas = FigureSerializer(many=True)
    sub_regions = FigureSerializer(many=True)


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


def _step(name, run, noun):
    @extend_schema(request=NoteSerializer, summary=f"{name.capitalize()} the {noun}", responses={200: None, **ERRORS})
    @action(detail=True, methods=["post"], url_path=name, url_name=name, is_transition=True)
    def handler(self, request, pk=None):
        obj = self.get_object()
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self.respond(run(obj, name, request.user, data.validated_data["note"]))

    handler.__name__ = name
    return handler


@extend_schema_view(**editable_schema(NeedSerializer, NeedCreateSerializer, NeedEditSerializer))
class NeedViewSet(EditableMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ExchangeViewSet):
    """Needs for support. The needing organisation and the partnership's managers always see a need; an
    offering organisation once it is shared, or matched with its offer. GET {id}/matches/ ranks the offers
    that could help, with reasons; POST {id}/matches/accept/ (managers) accepts one."""

    serializer_class = NeedSerializer
    create_serializer_class = NeedCreateSerializer
    edit_serializer_class = NeedEditSerializer
    queryset = Need.objects.none()
    filterset_class = NeedFilter
    search_fields = ["title", "context", "organisation__name"]
    ordering_fields = ["id", "created_at", "updated_at", "days_wanted"]
    ordering = ["-created_at", "-id"]

    def may_write(self, r):
        return r.is_manager or r.is_partner

    def selected(self):
        return selectors.need_list(user=self.request.user)

    def create_with_service(self, data, user):
        return services.need_create(actor=user, **data)

    def edit_with_service(self, obj, data, user):
        return services.need_update(need=obj, actor=user, **data)

    withdraw = _step(
        "withdraw", lambda obj, n, u, note: services.need_transition(need=obj, name=n, actor=u, note=note), "need"
    )
    reopen = _step(
        "reopen", lambda obj, n, u, note: services.need_transition(need=obj, name=n, actor=u, note=note), "need"
    )

    @extend_schema(
        summary="Offers that could help, ranked, with reasons",
        responses={200: ProposalSerializer(many=True), 404: ERROR_RESPONSES[404]},
    )
    @action(detail=True, methods=["get"], url_path="matches", url_name="matches")
    def matches(self, request, pk=None):
        need = self.get_object()
        from accounts import roles

        r = roles.of(request.user)
        if not (r.manages_partnership(need.partnership) or r.is_partner_of(need.organisation_id)):
            return Response(
                {"detail": "Only the organisation with the need and the partnership's managers see the ranked offers."},
                status=status.HTTP_403_FORBIDDEN,
            )
        proposals = selectors.proposals_for(need=need) if need.state == Need.State.OPEN else []
        rows = [{"rank": i, **vars(p)} for i, p in enumerate(proposals, start=1)]
        return Response(ProposalSerializer(rows, many=True).data)

    @extend_schema(
        summary="Accept a match: the offer's days are given and a draft project starts",
        request=AcceptSerializer,
        responses={201: MatchSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="matches/accept", url_name="matches-accept", is_transition=True)
    def accept(self, request, pk=None):
        need = self.get_object()
        data = AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offer = (
            selectors.offer_list(user=request.user)
            .filter(pk=data.validated_data["offer"], partnership_id=need.partnership_id)
            .first()
        )
        if offer is None:
            raise serializers.ValidationError(
                {"offer": ["No open offer with that id that you can see in this partnership."]}
            )
        match = services.match_accept(
            need=need,
            offer=offer,
            actor=request.user,
            days=data.validated_data["days"],
            note=data.validated_data["note"],
        )
        return Response(MatchSerializer(match).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Need and capacity by area and sub-region",
        responses={200: IntelligenceSerializer, 403: ERROR_RESPONSES[403]},
    )
    @action(detail=False, methods=["get"], url_path="intelligence", url_name="intelligence")
    def intelligence(self, request):
        from accounts import roles

        if not roles.of(request.user).is_manager:
            return Response(
                {"detail": "Only programme managers see the need and capacity figures."},
                status=status.HTTP_403_FORBIDDEN,
            )
        return Response(IntelligenceSerializer(selectors.need_and_capacity(user=request.user)).data)


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
