"""/api/v1/variations/ (with their steps)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from accounts.mfa import RecentSecondFactor
from workflow.apis import (
    ERROR_RESPONSES,
    EditableMixin,
    ExchangeViewSet,
    ScopedPrimaryKeyRelatedField,
    WorkflowSerializer,
    add_transition_actions,
    money_field,
)
from workflow.dates import GrantDateSerializerField
from workflow.text import NARRATIVE

from ... import selectors as grant_selectors
from ...models import Award
from .. import selectors, services
from ..models import Variation
from .budgets import LineInSerializer

ERRORS = {c: ERROR_RESPONSES[c] for c in (400, 403, 404, 409)}

# Variations ----------------------------------------------------------------------------------


class VariationSerializer(WorkflowSerializer):
    award_identifier = serializers.CharField(source="award.identifier", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    amount_change = money_field(read_only=True)
    amount_before = money_field(read_only=True, allow_null=True)
    amount_after = money_field(read_only=True, allow_null=True)
    lines = serializers.SerializerMethodField()

    class Meta:
        model = Variation
        fields = [
            "id",
            "award",
            "award_identifier",
            "number",
            "kind",
            "kind_label",
            "reason",
            "amount_change",
            "new_planned_end",
            "scope_change",
            "lines",
            "state",
            "state_label",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "amount_before",
            "amount_after",
            "available_transitions",
        ]
        read_only_fields = fields

    def get_lines(self, obj) -> list[dict]:
        return [
            {"category": line.category_id, "year": line.year, "change": f"{line.change:.2f}"}
            for line in obj.lines.all()
        ]


class VariationCreateSerializer(serializers.Serializer):
    award = ScopedPrimaryKeyRelatedField(grant_selectors.award_list, queryset=Award.objects.all())
    kind = serializers.ChoiceField(choices=Variation.Kind.choices)
    reason = serializers.CharField(max_length=NARRATIVE)
    amount_change = money_field(required=False, default="0")
    new_planned_end = GrantDateSerializerField(required=False, allow_null=True)
    scope_change = serializers.CharField(required=False, allow_blank=True, max_length=NARRATIVE, default="")
    lines = LineInSerializer(many=True, required=False, max_length=200)


@extend_schema_view(
    create=extend_schema(request=VariationCreateSerializer, responses={201: VariationSerializer, **ERRORS})
)
class VariationViewSet(EditableMixin, mixins.CreateModelMixin, ExchangeViewSet):
    """Changes to approved awards, in order: asked for by the recipient or a manager, approved or declined
    by a manager (POST /variations/{id}/approve/, decline/ with a note, withdraw/ with a note). An approved
    increase goes through the programme's budget guard; the amount awarded is always the original plus
    the approved variations."""

    serializer_class = VariationSerializer
    create_serializer_class = VariationCreateSerializer
    queryset = Variation.objects.none()
    # Approving a variation moves money: a recent second factor, as for approving the award itself.
    permission_classes = [*ExchangeViewSet.permission_classes, RecentSecondFactor]
    second_factor_actions = {"approve"}
    filterset_fields = ["award", "state", "kind", "award__programme"]
    ordering_fields = ["id", "number", "requested_at", "decided_at"]
    ordering = ["award_id", "number"]

    def may_write(self, r):
        return r.is_manager or r.is_partner

    def selected(self):
        return selectors.variation_list(user=self.request.user).prefetch_related("lines")

    def create_with_service(self, data, user):
        lines = [(line["category"], line["year"], line["amount"]) for line in data.pop("lines", [])]
        return services.variation_request(actor=user, lines=lines, **data)


def _run_variation_transition(obj, name, user, note=""):
    return services.variation_transition(variation=obj, name=name, actor=user, note=note)


add_transition_actions(VariationViewSet, Variation, _run_variation_transition)
