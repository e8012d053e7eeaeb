"""Indicators: /api/v1/indicators/ — read, propose or add (POST), change (PATCH), confirm (POST {id}/confirm/).

The same rule as the pages (reporting.services.indicators): a programme manager of the work adds, changes
and confirms; its partner proposes while the application or proposal is open and changes what they
proposed until it is confirmed. Every write is in the indicator's history."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from workflow.apis import EditableMixin, ExchangeViewSet, NoteSerializer, WorkflowSerializer, add_transition_actions
from workflow.figures import MoneySerializerField
from workflow.text import NOTE

from .. import selectors, services
from ..filters import IndicatorFilter
from ..models import Indicator
from .common import ERRORS, SubjectSerializer, subject_kwargs


class IndicatorSerializer(WorkflowSerializer):
    award_identifier = serializers.CharField(source="award.identifier", read_only=True, allow_null=True, default=None)
    project_reference = serializers.CharField(source="project.reference", read_only=True, allow_null=True, default=None)
    breakdown_labels = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "name",
            "unit",
            "baseline",
            "target",
            "direction",
            "cumulative",
            "allow_negative",
            "breakdowns",
            "breakdown_labels",
            "state",
            "state_label",
            "available_transitions",
            "award",
            "award_identifier",
            "project",
            "project_reference",
        ]
        read_only_fields = fields


def _figure(**kwargs):
    return MoneySerializerField(max_digits=14, decimal_places=2, **kwargs)


class IndicatorEditSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    unit = serializers.CharField(max_length=40, help_text="children, settings, teachers, %, points…")
    baseline = _figure(required=False)
    target = _figure()
    direction = serializers.ChoiceField(choices=Indicator.Direction.choices, required=False)
    cumulative = serializers.BooleanField(required=False, help_text="Results add up over periods.")
    allow_negative = serializers.BooleanField(required=False)
    breakdowns = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="Comma-separated: “Disadvantaged pupils, SEND, EAL”.",
    )
    note = serializers.CharField(max_length=NOTE, required=False, allow_blank=True, help_text="Kept in its history.")


class IndicatorCreateSerializer(SubjectSerializer, IndicatorEditSerializer):
    """An indicator for exactly one award or project you may see."""


@extend_schema_view(
    create=extend_schema(
        request=IndicatorCreateSerializer,
        responses={201: IndicatorSerializer, **ERRORS},
        description="A programme manager of the work adds a confirmed indicator; its partner proposes one "
        "(while the application or proposal is open) for a manager to confirm.",
    ),
    partial_update=extend_schema(request=IndicatorEditSerializer, responses={200: IndicatorSerializer, **ERRORS}),
)
class IndicatorViewSet(EditableMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ExchangeViewSet):
    """Outcome indicators on the projects and awards you may see; their results come with each update."""

    serializer_class = IndicatorSerializer
    create_serializer_class = IndicatorCreateSerializer
    edit_serializer_class = IndicatorEditSerializer
    queryset = Indicator.objects.none()
    filterset_class = IndicatorFilter
    search_fields = ["name", "unit"]
    ordering_fields = ["name", "target", "id"]
    ordering = ["name", "id"]

    def may_write(self, r):
        return r.is_manager or r.is_partner

    def selected(self):
        return selectors.indicator_list(user=self.request.user)

    def create_with_service(self, data, user):
        subject = subject_kwargs(data)
        fields = {k: v for k, v in data.items() if k not in ("award", "project")}
        return services.indicator_add(actor=user, **subject, **fields)

    def edit_with_service(self, obj, data, user):
        return services.indicator_update(indicator=obj, actor=user, **data)


def _run(obj, name, user, note=""):
    return services.indicator_confirm(indicator=obj, actor=user, note=note)


add_transition_actions(IndicatorViewSet, Indicator, _run, {"confirm": NoteSerializer})
