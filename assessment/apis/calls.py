"""/api/v1/calls/: calls and the criteria they are judged on."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from grants.models import FundingProgramme
from partnerships.models import LocalAuthority, Organisation, SubRegion
from workflow.apis import (
    ERROR_RESPONSES,
    EditableMixin,
    ExchangeViewSet,
    ScopedPrimaryKeyRelatedField,
    editable_schema,
    money_field,
)

from .. import selectors, services
from ..models import SIZE_BANDS, Call, Criterion


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "position", "title", "guidance", "weight", "scale_max", "score_guidance"]
        read_only_fields = fields


class CallSerializer(serializers.ModelSerializer):
    programme_name = serializers.CharField(source="programme.name", read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)
    eligible_sub_regions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    eligible_local_authorities = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    max_amount = money_field(read_only=True, allow_null=True)

    class Meta:
        model = Call
        fields = [
            "id",
            "programme",
            "programme_name",
            "title",
            "opens_at",
            "closes_at",
            "full_closes_at",
            "stages",
            "guidance",
            "eligible_kinds",
            "eligible_sub_regions",
            "eligible_local_authorities",
            "eligible_size_bands",
            "max_amount",
            "blind",
            "disagreement_points",
            "criteria",
        ]
        read_only_fields = fields


def _managed_programmes(*, user):
    from accounts import roles
    from grants.selectors import programme_list

    r = roles.of(user)
    qs = programme_list(user=user)
    return qs if r.is_admin else qs.filter(managed_by_id__in=r.manager_orgs)


class CallEditSerializer(serializers.ModelSerializer):
    eligible_kinds = serializers.ListField(
        child=serializers.CharField(max_length=30),
        required=False,
        help_text="Kinds of organisation (as in /organisations/ `kind`); empty for any.",
    )
    eligible_size_bands = serializers.ListField(
        child=serializers.ChoiceField(choices=[b for b, _label in SIZE_BANDS]), required=False
    )
    sub_regions = serializers.PrimaryKeyRelatedField(many=True, queryset=SubRegion.objects.all(), required=False)
    local_authorities = serializers.PrimaryKeyRelatedField(
        many=True, queryset=LocalAuthority.objects.all(), required=False
    )
    max_amount = money_field(required=False, allow_null=True, min_value=0)

    class Meta:
        model = Call
        fields = [*services.CALL_FIELDS, "sub_regions", "local_authorities"]

    def validate_eligible_kinds(self, value):
        unknown = sorted(set(value) - set(Organisation.Kind.values))
        if unknown:
            raise serializers.ValidationError(f"Not a kind of organisation: {', '.join(unknown)}.")
        return value


class CallCreateSerializer(CallEditSerializer):
    programme = ScopedPrimaryKeyRelatedField(_managed_programmes, queryset=FundingProgramme.objects.all())

    class Meta(CallEditSerializer.Meta):
        fields = ["programme", *CallEditSerializer.Meta.fields]


class CriterionAddSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["title", "guidance", "weight", "scale_max", "score_guidance"]


@extend_schema_view(**editable_schema(CallSerializer, CallCreateSerializer, CallEditSerializer))
class CallViewSet(EditableMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ExchangeViewSet):
    """Calls for applications: a partner sees the calls of its partnerships' programmes, an assessor the
    calls they assess, managers and funders their programmes' calls. Managers open and change calls and
    add criteria (POST {id}/criteria/)."""

    serializer_class = CallSerializer
    create_serializer_class = CallCreateSerializer
    edit_serializer_class = CallEditSerializer
    queryset = Call.objects.none()
    ordering_fields = ["id", "opens_at", "closes_at", "title"]
    ordering = ["-closes_at", "-id"]
    search_fields = ["title"]

    def selected(self):
        return selectors.call_list(user=self.request.user)

    def may_write(self, r):
        return r.is_manager

    def create_with_service(self, data, user):
        return services.call_create(
            actor=user,
            sub_regions=data.pop("sub_regions", []),
            local_authorities=data.pop("local_authorities", []),
            **data,
        )

    def edit_with_service(self, obj, data, user):
        return services.call_update(
            call=obj,
            actor=user,
            sub_regions=data.pop("sub_regions", None),
            local_authorities=data.pop("local_authorities", None),
            **data,
        )

    @extend_schema(
        operation_id="call_criterion_add",
        summary="Add a criterion (before any scoring)",
        request=CriterionAddSerializer,
        responses={200: CallSerializer, **{c: ERROR_RESPONSES[c] for c in (400, 403, 404, 409)}},
    )
    @action(detail=True, methods=["post"], is_transition=True)
    def criteria(self, request, pk=None):
        call = self.get_object()
        data = CriterionAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.criterion_add(call=call, actor=request.user, **data.validated_data)
        return self.respond(call)
