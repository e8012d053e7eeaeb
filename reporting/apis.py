"""REST API for indicators, progress updates (with their indicator results, reach and evidence),
reporting schedules, evaluations and the history of state and money changes. Reads through the
selectors; every write and every step goes through reporting.services, as the pages do."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q
from django.http import FileResponse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from grants import selectors as grant_selectors
from grants.models import Award
from partnerships import selectors as partnership_selectors
from partnerships.models import LocalAuthority, Project
from workflow.apis import (
    ERROR_RESPONSES,
    DateTimeRangeFilter,
    EditableMixin,
    ExchangeFilterSet,
    ExchangeViewSet,
    IdFilter,
    ScopedPrimaryKeyRelatedField,
    WorkflowSerializer,
    add_transition_actions,
    editable_schema,
)
from workflow.dates import GrantDateSerializerField
from workflow.models import MoneyChange, TransitionLog
from workflow.request_limits import body_limit
from workflow.text import NARRATIVE, NOTE

from . import selectors, services
from .models import (
    EVIDENCE_TYPES,
    AdHocDueDate,
    DueDateExtension,
    Evaluation,
    EvidenceFile,
    Indicator,
    IndicatorResult,
    ProgressUpdate,
    ReachByLocalAuthority,
    ReportingSchedule,
)

ERRORS = {code: ERROR_RESPONSES[code] for code in (400, 403, 404, 409)}


def _subject_kwargs(data: dict) -> dict:
    return {"award": data["award"]} if data.get("award") is not None else {"project": data["project"]}


class SubjectSerializer(serializers.Serializer):
    """Exactly one of an award or a project, each checked against the person's own scope."""

    award = ScopedPrimaryKeyRelatedField(
        grant_selectors.award_list, queryset=Award.objects.all(), required=False, allow_null=True
    )
    project = ScopedPrimaryKeyRelatedField(
        partnership_selectors.project_list, queryset=Project.objects.all(), required=False, allow_null=True
    )

    def validate(self, data):
        if (data.get("award") is None) == (data.get("project") is None):
            raise serializers.ValidationError("Give either the award or the project (one of them, not both).")
        return data


# Indicators --------------------------------------------------------------------------------


class IndicatorSerializer(serializers.ModelSerializer):
    award_identifier = serializers.CharField(source="award.identifier", read_only=True, allow_null=True, default=None)
    project_reference = serializers.CharField(source="project.reference", read_only=True, allow_null=True, default=None)

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
            "award",
            "award_identifier",
            "project",
            "project_reference",
        ]
        read_only_fields = fields


class IndicatorFilter(ExchangeFilterSet):
    programme = IdFilter(field_name="award__programme")
    partnership = IdFilter(method="filter_partnership")
    target = filters.RangeFilter()

    class Meta:
        model = Indicator
        fields = ["award", "project", "programme", "partnership", "direction", "cumulative"]

    def filter_partnership(self, queryset, name, value):
        return queryset.filter(
            Q(project__partnership=value) | Q(award__partnership=value) | Q(award__project__partnership=value)
        )


class IndicatorViewSet(ExchangeViewSet):
    """Outcome indicators on the projects and awards you may see; their results come with each update."""

    serializer_class = IndicatorSerializer
    queryset = Indicator.objects.none()
    filterset_class = IndicatorFilter
    search_fields = ["name", "unit"]
    ordering_fields = ["name", "target", "id"]
    ordering = ["name", "id"]

    def selected(self):
        return selectors.indicator_list(user=self.request.user)


# Progress updates --------------------------------------------------------------------------


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


@extend_schema_field(
    {"oneOf": [{"type": "string", "maxLength": 40}, {"type": "number"}], "nullable": True, "example": "1,250"}
)
class FigureField(serializers.CharField):
    """A figure as a person writes it (120, "1,250", "12.5"); the service decides whether it is a valid one,
    with the same words as the pages."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)


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


class ProgressUpdateFilter(ExchangeFilterSet):
    state = filters.MultipleChoiceFilter(choices=ProgressUpdate.State.choices, distinct=False)
    programme = IdFilter(field_name="award__programme")
    partnership = IdFilter(method="filter_partnership")
    organisation = IdFilter(method="filter_organisation")
    local_authority = IdFilter(method="filter_local_authority")
    sub_region = IdFilter(method="filter_sub_region")
    period_start = filters.DateFromToRangeFilter()
    period_end = filters.DateFromToRangeFilter()
    due_on = filters.DateFromToRangeFilter()
    submitted_at = DateTimeRangeFilter()
    spend_to_date = filters.RangeFilter()

    class Meta:
        model = ProgressUpdate
        fields = ["state", "award", "project", "programme", "partnership", "organisation", "is_final"]

    def filter_partnership(self, queryset, name, value):
        return queryset.filter(Q(project__partnership=value) | Q(award__partnership=value))

    def _owner(self, queryset, lookup, value):
        return queryset.filter(
            Q(award__isnull=False, **{f"award__recipient__{lookup}": value})
            | Q(project__isnull=False, **{f"project__lead_organisation__{lookup}": value})
        )

    def filter_organisation(self, queryset, name, value):
        return queryset.filter(Q(award__recipient=value) | Q(award__isnull=True, project__lead_organisation=value))

    def filter_local_authority(self, queryset, name, value):
        return self._owner(queryset, "local_authority", value)

    def filter_sub_region(self, queryset, name, value):
        return self._owner(queryset, "local_authority__sub_region", value)


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
            .select_related("project__partnership", "reviewed_by")
            .prefetch_related(
                Prefetch("results", IndicatorResult.objects.select_related("indicator")),
                Prefetch("reach", ReachByLocalAuthority.objects.select_related("local_authority")),
                Prefetch("evidence", EvidenceFile.objects.select_related("uploaded_by")),
            )
        )

    def create_with_service(self, data, user):
        return services.update_start(
            actor=user, period_start=data["period_start"], period_end=data["period_end"], **_subject_kwargs(data)
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


# Evidence files --------------------------------------------------------------------------------


class EvidenceFilter(ExchangeFilterSet):
    class Meta:
        model = EvidenceFile
        fields = ["update", "content_type"]


_FILE = {(200, content_type): OpenApiResponse(OpenApiTypes.BINARY) for content_type in EVIDENCE_TYPES}


class EvidenceViewSet(mixins.DestroyModelMixin, ExchangeViewSet):
    """Evidence files on the updates you may see. Upload: POST /updates/{id}/evidence/;
    the file: GET /evidence/{id}/download/; remove (the partner, while the update is editable): DELETE."""

    serializer_class = EvidenceSerializer
    queryset = EvidenceFile.objects.none()
    filterset_class = EvidenceFilter
    search_fields = ["original_name"]
    ordering_fields = ["id", "uploaded_at", "size"]
    ordering = ["uploaded_at", "id"]
    http_method_names = ["get", "delete", "head", "options"]

    def may_write(self, r):
        return r.is_partner or r.is_admin

    def selected(self):
        return selectors.evidence_list(user=self.request.user).select_related("uploaded_by")

    @extend_schema(responses={204: None, **ERRORS})
    def destroy(self, request, *args, **kwargs):
        services.evidence_remove(evidence=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(operation_id="evidence_download", summary="Download the file", responses={**_FILE, 404: ERRORS[404]})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        try:
            evidence = selectors.evidence_get(user=request.user, pk=int(pk))
        except (ValueError, OverflowError) as error:
            raise exceptions.NotFound() from error
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError as error:
            raise exceptions.NotFound("The file is missing from storage.") from error
        response = FileResponse(
            handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


# Evaluations ---------------------------------------------------------------------------------


class EvaluationSerializer(serializers.ModelSerializer):
    award_identifier = serializers.CharField(source="award.identifier", read_only=True, allow_null=True, default=None)
    project_reference = serializers.CharField(source="project.reference", read_only=True, allow_null=True, default=None)
    author = serializers.CharField(source="author.username", read_only=True, allow_null=True, default=None)
    rating = serializers.ChoiceField(choices=Evaluation.Rating.choices, allow_blank=True, read_only=True)
    stage_reached = serializers.ChoiceField(choices=Evaluation.Stage.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "award",
            "award_identifier",
            "project",
            "project_reference",
            "author",
            "evaluator_name",
            "outcomes",
            "what_worked",
            "what_did_not_work",
            "lessons",
            "rating",
            "stage_reached",
            "completed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class EvaluationFilter(ExchangeFilterSet):
    completed = filters.BooleanFilter(field_name="completed_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Evaluation
        fields = ["award", "project", "rating", "stage_reached", "completed"]


class EvaluationBeginSerializer(SubjectSerializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE, help_text="Kept in the history of the work."
    )


class EvaluationEditSerializer(serializers.Serializer):
    evaluator_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    outcomes = serializers.CharField(required=False, allow_blank=True, max_length=NARRATIVE)
    what_worked = serializers.CharField(required=False, allow_blank=True, max_length=NARRATIVE)
    what_did_not_work = serializers.CharField(required=False, allow_blank=True, max_length=NARRATIVE)
    lessons = serializers.CharField(required=False, allow_blank=True, max_length=NARRATIVE)
    rating = serializers.ChoiceField(choices=Evaluation.Rating.choices, required=False, allow_blank=True)
    stage_reached = serializers.ChoiceField(choices=Evaluation.Stage.choices, required=False, allow_blank=True)


@extend_schema_view(
    create=extend_schema(
        request=EvaluationBeginSerializer,
        responses={201: EvaluationSerializer, 200: EvaluationSerializer, **ERRORS},
        description="Moves an award or project in delivery into evaluation and opens its evaluation, with the "
        "outcomes prefilled from its indicators. Work already in evaluation: its open evaluation (200).",
    ),
    partial_update=extend_schema(request=EvaluationEditSerializer, responses={200: EvaluationSerializer, **ERRORS}),
)
class EvaluationViewSet(EditableMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ExchangeViewSet):
    """Evaluations of the projects and awards you may see: outcomes, what worked, lessons. Managers of the
    work begin (POST), write (PATCH) and complete them (POST /evaluations/{id}/complete/)."""

    serializer_class = EvaluationSerializer
    create_serializer_class = EvaluationBeginSerializer
    edit_serializer_class = EvaluationEditSerializer
    queryset = Evaluation.objects.none()
    filterset_class = EvaluationFilter
    search_fields = ["outcomes", "what_worked", "what_did_not_work", "lessons"]
    ordering_fields = ["id", "created_at", "completed_at"]
    ordering = ["-created_at", "-id"]

    def may_write(self, r):
        return r.is_manager

    def selected(self):
        return selectors.evaluation_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        incoming = EvaluationBeginSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        subject = _subject_kwargs(data)
        existed = Evaluation.objects.filter(**subject).exists()
        (work,) = subject.values()
        if work.state == Award.State.IN_EVALUATION:  # the same value for projects
            evaluation = services.evaluation_open(actor=request.user, **subject)
        else:
            evaluation = services.evaluation_begin(actor=request.user, note=data["note"], **subject)
        return self.respond(evaluation, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def edit_with_service(self, obj, data, user):
        return services.evaluation_edit(evaluation=obj, actor=user, **data)

    @extend_schema(
        operation_id="evaluation_complete",
        summary="Mark the evaluation complete (its lessons join the “what works” library)",
        request=None,
        responses={200: EvaluationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], is_transition=True)
    def complete(self, request, pk=None):
        return self.respond(services.evaluation_complete(evaluation=self.get_object(), actor=request.user))


# Reporting schedules ------------------------------------------------------------------------------


class AdHocDueDateSerializer(serializers.ModelSerializer):
    added_by = serializers.CharField(source="added_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = AdHocDueDate
        fields = ["id", "label", "period_start", "period_end", "due_on", "added_by", "added_at"]
        read_only_fields = fields


class DueDateExtensionSerializer(serializers.ModelSerializer):
    extended_by = serializers.CharField(source="extended_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = DueDateExtension
        fields = ["id", "period_end", "original_due_on", "new_due_on", "reason", "extended_by", "extended_at"]
        read_only_fields = fields


class ScheduleSerializer(serializers.ModelSerializer):
    award_identifier = serializers.CharField(source="award.identifier", read_only=True, allow_null=True, default=None)
    project_reference = serializers.CharField(source="project.reference", read_only=True, allow_null=True, default=None)
    frequency_label = serializers.CharField(source="get_frequency_display", read_only=True)
    ad_hoc_dates = AdHocDueDateSerializer(many=True, read_only=True)
    extensions = DueDateExtensionSerializer(many=True, read_only=True)

    class Meta:
        model = ReportingSchedule
        fields = [
            "id",
            "award",
            "award_identifier",
            "project",
            "project_reference",
            "frequency",
            "frequency_label",
            "starts_on",
            "ends_on",
            "ad_hoc_dates",
            "extensions",
            "updated_at",
        ]
        read_only_fields = fields


class ScheduleEditSerializer(serializers.Serializer):
    frequency = serializers.ChoiceField(choices=ReportingSchedule.Frequency.choices, required=False)
    starts_on = GrantDateSerializerField(required=False)
    ends_on = GrantDateSerializerField(required=False)


class ScheduleSetSerializer(SubjectSerializer, ScheduleEditSerializer):
    """Leave out frequency or dates to keep the ones the work already has (an award's own)."""


class DueDateAddSerializer(serializers.Serializer):
    period_start = GrantDateSerializerField()
    period_end = GrantDateSerializerField()
    due_on = GrantDateSerializerField()
    label = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)


class ExtendSerializer(serializers.Serializer):
    period_end = GrantDateSerializerField(help_text="The end of the due period whose date moves.")
    new_due_on = GrantDateSerializerField()
    reason = serializers.CharField(allow_blank=True, max_length=NOTE, help_text="Kept, with who and when.")


class DuePeriodSerializer(serializers.Serializer):
    period_start = GrantDateSerializerField()
    period_end = GrantDateSerializerField()
    label = serializers.CharField()
    original_due_on = GrantDateSerializerField()
    due_on = GrantDateSerializerField()
    extended = serializers.BooleanField()
    is_final = serializers.BooleanField()
    ad_hoc = serializers.BooleanField()
    update = serializers.IntegerField(source="update.pk", allow_null=True, default=None)
    state = serializers.CharField()
    urgency = serializers.CharField()
    days_late = serializers.IntegerField()


class ScheduleFilter(ExchangeFilterSet):
    class Meta:
        model = ReportingSchedule
        fields = ["award", "project", "frequency"]


@extend_schema_view(
    create=extend_schema(
        request=ScheduleSetSerializer,
        responses={201: ScheduleSerializer, 200: ScheduleSerializer, **ERRORS},
        description="Set (or save the default) reporting schedule of an award or of a project without one; "
        "200 when the work already had a saved schedule.",
    ),
    partial_update=extend_schema(request=ScheduleEditSerializer, responses={200: ScheduleSerializer, **ERRORS}),
)
class ScheduleViewSet(EditableMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ExchangeViewSet):
    """Saved reporting schedules of the work you may see, with their extra due dates and extensions.
    Managers of the work set them (POST with the award or project; PATCH), add extra due dates
    (POST {id}/due-dates/) and extend a due date with a reason (POST {id}/extend/). Due periods:
    GET {id}/periods/."""

    serializer_class = ScheduleSerializer
    create_serializer_class = ScheduleSetSerializer
    edit_serializer_class = ScheduleEditSerializer
    queryset = ReportingSchedule.objects.none()
    filterset_class = ScheduleFilter
    search_fields = ["award__identifier", "project__reference"]
    ordering_fields = ["id", "starts_on", "ends_on", "updated_at"]
    ordering = ["id"]

    def may_write(self, r):
        return r.is_manager

    def selected(self):
        return selectors.schedule_list(user=self.request.user).prefetch_related(
            Prefetch("ad_hoc_dates", AdHocDueDate.objects.select_related("added_by")),
            Prefetch("extensions", DueDateExtension.objects.select_related("extended_by")),
        )

    def _save(self, subject: dict, data: dict, user):
        (work,) = subject.values()
        current = selectors.schedule_for(work)
        values = {}
        for name in ("frequency", "starts_on", "ends_on"):
            values[name] = data.get(name, getattr(current, name, None))
            if values[name] is None:
                raise exceptions.ValidationError(
                    {name: [f"{work} has no planned dates to start from: give frequency, starts_on and ends_on."]}
                )
        return services.schedule_save(actor=user, **subject, **values)

    def create(self, request, *args, **kwargs):
        incoming = ScheduleSetSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        subject = _subject_kwargs(incoming.validated_data)
        existed = ReportingSchedule.objects.filter(**subject).exists()
        schedule = self._save(subject, incoming.validated_data, request.user)
        return self.respond(schedule, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def edit_with_service(self, obj, data, user):
        return self._save(_schedule_subject(obj), data, user)

    @extend_schema(
        operation_id="schedule_due_date_add",
        summary="Add an extra due date (a report outside the regular schedule)",
        request=DueDateAddSerializer,
        responses={200: ScheduleSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="due-dates", url_name="due-dates")
    def due_dates(self, request, pk=None):
        schedule = self.get_object()
        incoming = DueDateAddSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.due_date_add(actor=request.user, **_schedule_subject(schedule), **incoming.validated_data)
        return self.respond(schedule)

    @extend_schema(
        operation_id="schedule_extend",
        summary="Extend one due date, with a reason (kept with who and when)",
        request=ExtendSerializer,
        responses={200: ScheduleSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        schedule = self.get_object()
        incoming = ExtendSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.due_date_extend(actor=request.user, **_schedule_subject(schedule), **incoming.validated_data)
        return self.respond(schedule)

    @extend_schema(
        operation_id="schedule_periods",
        summary="The due periods: dates, due dates after extensions, and each period's update",
        responses={200: DuePeriodSerializer(many=True), 404: ERRORS[404]},
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def periods(self, request, pk=None):
        schedule = self.get_object()
        periods = selectors.due_period_list(user=request.user, **_schedule_subject(schedule))
        return Response(DuePeriodSerializer(periods, many=True).data)


def _schedule_subject(schedule) -> dict:
    return {"award": schedule.award} if schedule.award_id else {"project": schedule.project}


# History ---------------------------------------------------------------------------------------


class TransitionLogSerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="content_type.model", read_only=True)
    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = TransitionLog
        fields = ["id", "model", "object_id", "object_repr", "transition", "source", "target", "actor", "at", "note"]
        read_only_fields = fields


class TransitionLogFilter(ExchangeFilterSet):
    model = filters.CharFilter(field_name="content_type__model", help_text="award, project, payment, progressupdate…")
    actor = filters.CharFilter(field_name="actor__username")
    at = DateTimeRangeFilter()

    class Meta:
        model = TransitionLog
        fields = ["model", "object_id", "transition", "source", "target", "actor"]


class TransitionLogViewSet(ExchangeViewSet):
    """Every state change you may see: what, from, to, who, when and the note."""

    serializer_class = TransitionLogSerializer
    queryset = TransitionLog.objects.none()
    filterset_class = TransitionLogFilter
    search_fields = ["object_repr", "note"]
    ordering_fields = ["at", "id"]
    ordering = ["-at", "-id"]

    def selected(self):
        return selectors.transition_list(user=self.request.user)


class MoneyChangeSerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="content_type.model", read_only=True)
    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = MoneyChange
        fields = ["id", "model", "object_id", "object_repr", "field", "old_amount", "new_amount", "actor", "at", "note"]
        read_only_fields = fields


class MoneyChangeFilter(TransitionLogFilter):
    class Meta:
        model = MoneyChange
        fields = ["model", "object_id", "field", "actor"]


class MoneyChangeViewSet(TransitionLogViewSet):
    """Every amount set or changed (budgets, requests, awards, payments) that you may see."""

    serializer_class = MoneyChangeSerializer
    queryset = MoneyChange.objects.none()
    filterset_class = MoneyChangeFilter

    def selected(self):
        return selectors.money_change_list(user=self.request.user)
