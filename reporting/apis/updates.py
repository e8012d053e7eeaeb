"""Progress updates: /api/v1/updates/ (start, edit, evidence upload and each review step)."""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from grants.models import BudgetCategory, SpendLine
from partnerships.models import LocalAuthority
from workflow.apis import (
    EditableMixin,
    ExchangeViewSet,
    WorkflowSerializer,
    add_transition_actions,
    editable_schema,
    money_field,
)
from workflow.dates import GrantDateSerializerField
from workflow.pagination import ProbedPagination
from workflow.request_limits import body_limit
from workflow.selectors import read_together
from workflow.text import NARRATIVE, NOTE

from .. import selectors, services
from ..filters import ProgressUpdateFilter
from ..models import EvidenceFile, IndicatorResult, ProgressUpdate, ReachByLocalAuthority
from .common import ERRORS, FigureField, SubjectSerializer, subject_kwargs


class IndicatorResultSerializer(serializers.ModelSerializer):
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    unit = serializers.CharField(source="indicator.unit", read_only=True)
    target = serializers.DecimalField(source="indicator.target", max_digits=14, decimal_places=2, read_only=True)
    breakdown = serializers.DictField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = IndicatorResult
        fields = ["indicator", "indicator_name", "unit", "target", "value", "note", "breakdown"]
        read_only_fields = fields


class ReachSerializer(serializers.ModelSerializer):
    local_authority_name = serializers.CharField(source="local_authority.name", read_only=True)

    class Meta:
        model = ReachByLocalAuthority
        fields = ["local_authority", "local_authority_name", "settings_reached", "children_reached"]
        read_only_fields = fields


class EvidenceSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True, allow_null=True, default=None)
    download = serializers.SerializerMethodField(help_text="GET this address for the file itself.")

    class Meta:
        model = EvidenceFile
        fields = [
            "id",
            "update",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "download",
        ]
        read_only_fields = fields

    def get_download(self, obj) -> str:
        return f"/api/v1/evidence/{obj.pk}/download/"


class SpendLineSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name", read_only=True)
    amount = money_field(read_only=True)

    class Meta:
        model = SpendLine
        fields = ["category", "category_name", "amount"]
        read_only_fields = fields


class SpendLineInputSerializer(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(queryset=BudgetCategory.objects.all())
    amount = money_field(min_value=Decimal("0"))


class ProgressUpdateSerializer(WorkflowSerializer):
    award_identifier = serializers.CharField(source="award.identifier", read_only=True, allow_null=True, default=None)
    project_reference = serializers.CharField(source="project.reference", read_only=True, allow_null=True, default=None)
    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    period_label = serializers.CharField(read_only=True)
    author = serializers.CharField(source="author.username", read_only=True, allow_null=True, default=None)
    reviewed_by = serializers.CharField(source="reviewed_by.username", read_only=True, allow_null=True, default=None)
    results = IndicatorResultSerializer(many=True, read_only=True)
    reach = ReachSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    spend_lines = SpendLineSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "award",
            "award_identifier",
            "project",
            "project_reference",
            "organisation",
            "period_start",
            "period_end",
            "period_label",
            "due_on",
            "is_final",
            "progress",
            "challenges",
            "next_steps",
            "spend_to_date",
            "spend_lines",
            "settings_reached",
            "children_reached",
            "results",
            "reach",
            "evidence",
            "state",
            "state_label",
            "author",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_note",
            "created_at",
            "updated_at",
            "available_transitions",
        ]
        read_only_fields = fields


class ResultInputSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="One of the update's indicators.")
    value = FigureField(help_text="The figure; blank or null removes this indicator's result.")
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE, help_text="Qualitative notes, kept apart."
    )
    breakdown = serializers.DictField(
        child=FigureField(),
        required=False,
        default=dict,
        help_text="Parts of the figure by the indicator's breakdowns.",
    )


class ReachInputSerializer(serializers.Serializer):
    local_authority = serializers.PrimaryKeyRelatedField(queryset=LocalAuthority.objects.all())
    settings = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    children = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)


class UpdateStartSerializer(SubjectSerializer):
    period_start = GrantDateSerializerField(help_text="A due period of the award or project (see its schedule).")
    period_end = GrantDateSerializerField()


class UpdateEditSerializer(serializers.Serializer):
    progress = serializers.CharField(required=False, allow_blank=True, max_length=NARRATIVE)
    challenges = serializers.CharField(required=False, allow_blank=True, max_length=NARRATIVE)
    next_steps = serializers.CharField(required=False, allow_blank=True, max_length=NARRATIVE)
    spend_to_date = FigureField(help_text="Pounds and pence, like 2500 or 2,500.00.")
    results = serializers.ListField(
        child=ResultInputSerializer(),
        required=False,
        max_length=200,
        help_text="Only the indicators listed change; a null value removes that result.",
    )
    reach = serializers.ListField(
        child=ReachInputSerializer(),
        required=False,
        max_length=400,
        help_text="Replaces the reach by local authority (settings and children), one line each.",
    )
    spend_lines = serializers.ListField(
        child=SpendLineInputSerializer(),
        required=False,
        max_length=100,
        help_text="Spend to date by budget line (an award's programme's lines); spend_to_date becomes their total.",
    )

    def validate_results(self, value):
        seen = set()
        for row in value:
            if row["indicator"] in seen:
                raise serializers.ValidationError("Give each indicator once.")
            seen.add(row["indicator"])
        return value


def _update_errors(error: DjangoValidationError) -> dict:
    """The service's problems under the API's names: figures of an indicator under results.<indicator id>."""
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": error.messages}
    out, results = {}, {}
    for key, messages in error.message_dict.items():
        if key.startswith("result_"):
            results.setdefault(key.split("_")[1], []).extend(messages)
        elif key == "results":
            results.setdefault("non_field_errors", []).extend(messages)
        elif key == "evidence":
            out.setdefault("file", []).extend(messages)
        else:
            out.setdefault(key, []).extend(messages)
    if results:
        out["results"] = results
    return out


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True,
        help_text="PDF, PNG, JPEG, Word (.docx), Excel (.xlsx), CSV or plain text, judged by its content.",
    )


@extend_schema_view(**editable_schema(ProgressUpdateSerializer, UpdateStartSerializer, UpdateEditSerializer))
class ProgressUpdateViewSet(EditableMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ExchangeViewSet):
    """Progress updates: partners start the update for a due period (POST) and edit their own draft
    or returned update (PATCH: narrative, spend, indicator results, reach, evidence files); managers
    accept or ask for changes; funders read accepted ones. Each step: POST /updates/{id}/<step>/."""

    pagination_class = ProbedPagination  # each row is checked through its award or project

    serializer_class = ProgressUpdateSerializer
    create_serializer_class = UpdateStartSerializer
    edit_serializer_class = UpdateEditSerializer
    queryset = ProgressUpdate.objects.none()
    filterset_class = ProgressUpdateFilter
    search_fields = ["progress", "challenges", "next_steps", "award__identifier", "project__reference"]
    ordering_fields = ["id", "period_start", "period_end", "due_on", "submitted_at", "spend_to_date", "state"]
    ordering = ["-period_end", "-id"]

    def may_write(self, r):
        return r.is_partner or r.is_admin

    def selected(self):
        return (
            selectors.update_list(user=self.request.user)
            # What the permission checks behind available_transitions read, without a query per row.
            .select_related("project__partnership")
            .prefetch_related(
                Prefetch("results", IndicatorResult.objects.select_related("indicator")),
                Prefetch("reach", ReachByLocalAuthority.objects.select_related("local_authority")),
                Prefetch("evidence", EvidenceFile.objects.select_related("uploaded_by")),
                Prefetch("spend_lines", SpendLine.objects.select_related("category")),
            )
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else read_together(page, "author", "reviewed_by")

    def create_with_service(self, data, user):
        return services.update_start(
            actor=user, period_start=data["period_start"], period_end=data["period_end"], **subject_kwargs(data)
        )

    def partial_update(self, request, *args, **kwargs):
        # Not partial at the serializer: every top-level field is optional, but a result or a reach
        # line must be whole.
        obj = self.get_object()
        incoming = self.edit_serializer_class(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        return self.respond(self.edit_with_service(obj, incoming.validated_data, request.user))

    def edit_with_service(self, obj, data, user):
        kwargs = {
            name: data[name] for name in ("progress", "challenges", "next_steps", "spend_to_date") if name in data
        }
        if kwargs.get("spend_to_date") is None:
            kwargs.pop("spend_to_date", None)
        if "results" in data:
            kwargs["results"] = {
                row["indicator"]: {"value": row.get("value"), "note": row["note"], "breakdown": row["breakdown"]}
                for row in data["results"]
            }
        if "reach" in data:
            kwargs["reach"] = data["reach"]
        if "spend_lines" in data:
            kwargs["spend_lines"] = [(row["category"], row["amount"]) for row in data["spend_lines"]]
        try:
            return services.update_edit(update=obj, actor=user, **kwargs)
        except DjangoValidationError as error:
            raise exceptions.ValidationError(_update_errors(error)) from error

    @body_limit("EVIDENCE_MAX_BYTES")
    @extend_schema(
        operation_id="update_evidence_add",
        summary="Attach an evidence file (multipart, field `file`)",
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="evidence", parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request, pk=None):
        update = self.get_object()
        incoming = EvidenceUploadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            evidence = services.evidence_add(update=update, actor=request.user, upload=incoming.validated_data["file"])
        except DjangoValidationError as error:
            raise exceptions.ValidationError(_update_errors(error)) from error
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


add_transition_actions(
    ProgressUpdateViewSet,
    ProgressUpdate,
    lambda obj, name, user, note="": services.update_transition(update=obj, name=name, actor=user, note=note),
)
