"""Evaluations: /api/v1/evaluations/ (begin, write, complete)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action

from workflow.apis import EditableMixin, ExchangeViewSet
from workflow.text import NARRATIVE, NOTE

from .. import selectors, services
from ..filters import EvaluationFilter
from ..models import Evaluation
from .common import ERRORS, SubjectSerializer, subject_kwargs


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
        subject = subject_kwargs(data)
        existed = Evaluation.objects.filter(**subject).exists()
        (work,) = subject.values()
        if work.state == work.State.IN_EVALUATION:
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
