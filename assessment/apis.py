"""/api/v1/calls/, /api/v1/applications/, /api/v1/assessments/ and /api/v1/conflicts/: reads through
assessment.selectors (assessment.scopes underneath), writes through assessment.services."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from workflow.apis import (
    ERROR_RESPONSES,
    ExchangeViewSet,
    WorkflowSerializer,
    add_transition_actions,
    money_field,
)
from workflow.text import NOTE

from . import selectors, services
from .models import Application, Assignment, Call, Conflict, Criterion, Score
from .scopes import shows_applicant


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


class CallViewSet(ExchangeViewSet):
    """Calls for applications: a partner sees the calls of its partnerships' programmes, an assessor the
    calls they assess, managers and funders their programmes' calls."""

    serializer_class = CallSerializer
    queryset = Call.objects.none()
    ordering_fields = ["id", "opens_at", "closes_at", "title"]
    ordering = ["-closes_at", "-id"]
    search_fields = ["title"]

    def selected(self):
        return selectors.call_list(user=self.request.user)


class ApplicationSerializer(serializers.ModelSerializer):
    identifier = serializers.CharField(source="award.identifier", read_only=True)
    title = serializers.CharField(source="award.title", read_only=True)
    state = serializers.CharField(source="award.state", read_only=True)
    amount_requested = money_field(source="award.amount_requested", read_only=True)
    recipient = serializers.SerializerMethodField()
    checklist = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "award",
            "identifier",
            "call",
            "title",
            "state",
            "stage",
            "eoi_outcome",
            "recipient",
            "amount_requested",
            "project_summary",
            "outcomes",
            "budget_summary",
            "match_funding",
            "decision",
            "checklist",
        ]
        read_only_fields = fields

    def get_recipient(self, obj) -> str | None:
        """Hidden (null) from assessors when the call is assessed blind."""
        return obj.award.recipient.name if shows_applicant(self.context["request"].user, obj) else None

    def get_checklist(self, obj) -> list[str]:
        from .rules import checklist

        return checklist(obj) if obj.award.state == "draft" else []


class ApplicationViewSet(ExchangeViewSet):
    """Applications to calls (the bid: its sections and where it is), as assessment.scopes allows."""

    serializer_class = ApplicationSerializer
    queryset = Application.objects.none()
    ordering_fields = ["id", "created_at"]
    ordering = ["-created_at", "-id"]

    def selected(self):
        return selectors.application_list(user=self.request.user).select_related("call")


class ScoreSerializer(serializers.ModelSerializer):
    criterion_title = serializers.CharField(source="criterion.title", read_only=True)

    class Meta:
        model = Score
        fields = ["criterion", "criterion_title", "score", "comment"]
        read_only_fields = fields


class AssessmentSerializer(WorkflowSerializer):
    application = serializers.IntegerField(source="application_id", read_only=True)
    assessor_username = serializers.CharField(source="assessor.username", read_only=True)
    scores = ScoreSerializer(many=True, read_only=True)
    weighted_score = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "application",
            "assessor",
            "assessor_username",
            "state",
            "state_label",
            "scores",
            "weighted_score",
            "recommendation",
            "comment",
            "declared_at",
            "submitted_at",
            "available_transitions",
        ]
        read_only_fields = fields

    def get_weighted_score(self, obj) -> str | None:
        value = selectors.assessor_score_of(obj)
        return None if value is None else str(value)


class ScoreInputSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    score = serializers.IntegerField(min_value=0, max_value=10, allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE)


class ScoresSaveSerializer(serializers.Serializer):
    scores = ScoreInputSerializer(many=True)
    recommendation = serializers.ChoiceField(
        choices=["", *Assignment.Recommendation.values], required=False, default=""
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=3000)


class AssessmentViewSet(ExchangeViewSet):
    """Assessments: an assessor's own, and every one on a programme's calls for its managers — never one
    on an application the reader has a conflict with. Steps: declare_none, stand_aside (a note says
    why), submit, reopen (managers, with a note). POST {id}/scores/ saves scores before submitting."""

    serializer_class = AssessmentSerializer
    queryset = Assignment.objects.none()
    ordering_fields = ["id", "submitted_at"]
    ordering = ["id"]

    def selected(self):
        return selectors.assessment_list(user=self.request.user)

    def get_queryset(self):
        # Declaring happens before an assignment is readable as an assessment: a person's own are reachable.
        if self.action in ("transition_declare_none", "transition_stand_aside"):
            return selectors.assignment_history_list(user=self.request.user).select_related(
                "assessor", "application__call__programme"
            )
        return self.selected()

    @extend_schema(
        operation_id="assessment_scores",
        summary="Save scores, a recommendation and a comment (before submitting)",
        request=ScoresSaveSerializer,
        responses={200: AssessmentSerializer, **{c: ERROR_RESPONSES[c] for c in (400, 403, 404, 409)}},
    )
    @action(detail=True, methods=["post"], is_transition=True)
    def scores(self, request, pk=None):
        assignment = self.get_object()
        data = ScoresSaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        scores = {row["criterion"]: (row["score"], row["comment"]) for row in values["scores"]}
        return self.respond(
            services.scores_save(
                assignment=assignment,
                actor=request.user,
                scores=scores,
                recommendation=values["recommendation"],
                comment=values["comment"],
            )
        )


def _run_assessment_transition(obj, name, user, note=""):
    return services.assignment_transition(assignment=obj, name=name, actor=user, note=note)


add_transition_actions(AssessmentViewSet, Assignment, _run_assessment_transition, {})


class ConflictSerializer(serializers.ModelSerializer):
    assessor = serializers.IntegerField(source="assignment.assessor_id", read_only=True)
    assessor_username = serializers.CharField(source="assignment.assessor.username", read_only=True)
    application = serializers.IntegerField(source="assignment.application_id", read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)

    class Meta:
        model = Conflict
        fields = [
            "id",
            "assignment",
            "assessor",
            "assessor_username",
            "application",
            "source",
            "source_label",
            "reason",
            "recorded_at",
        ]
        read_only_fields = fields


class ConflictViewSet(ExchangeViewSet):
    """Who stood aside from which application, and why: for the programme's managers and the assessor."""

    serializer_class = ConflictSerializer
    queryset = Conflict.objects.none()
    ordering_fields = ["id", "recorded_at"]
    ordering = ["-recorded_at", "-id"]

    def selected(self):
        return selectors.conflict_list(user=self.request.user)
