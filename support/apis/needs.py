"""/api/v1/needs/: needs, the ranked offers for one (GET {id}/matches/), accepting a match (POST
{id}/matches/accept/) and the need and capacity figures (GET intelligence/)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import roles
from partnerships.models import Organisation, Partnership
from workflow.apis import (
    ERROR_RESPONSES,
    EditableMixin,
    ExchangeViewSet,
    ScopedPrimaryKeyRelatedField,
    editable_schema,
)
from workflow.text import NOTE

from .. import selectors, services
from ..filters import NeedFilter
from ..models import Match, Need
from .common import ERRORS, _areas_field, _Place, _step


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
        if not roles.of(request.user).is_manager:
            return Response(
                {"detail": "Only programme managers see the need and capacity figures."},
                status=status.HTTP_403_FORBIDDEN,
            )
        return Response(IntelligenceSerializer(selectors.need_and_capacity(user=request.user)).data)
