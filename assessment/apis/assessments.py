"""/api/v1/assessments/: scores, recommendations and the declaration steps, through assessment.scopes."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from workflow.apis import (
    ERROR_RESPONSES,
    ExchangeViewSet,
    WorkflowSerializer,
    add_transition_actions,
)
from workflow.text import NOTE

from .. import selectors, services
from ..models import Assignment, Score


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
