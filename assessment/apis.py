"""/api/v1/calls/, /api/v1/applications/, /api/v1/assessments/ and /api/v1/conflicts/: reads through
assessment.selectors (assessment.scopes underneath), writes through assessment.services."""

from django.contrib.auth import get_user_model
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
    WorkflowSerializer,
    add_transition_actions,
    editable_schema,
    money_field,
)
from workflow.text import NOTE

from . import selectors, services
from .models import SIZE_BANDS, Application, Assignment, Call, Conflict, Criterion, Score
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


class AssignSerializer(serializers.Serializer):
    assessor = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.filter(is_active=True))


class DecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approved", "declined"])
    reasons = serializers.CharField(max_length=NOTE)
    amount = money_field(required=False, allow_null=True, min_value=0)


class FeedbackSerializer(serializers.Serializer):
    feedback = serializers.CharField(max_length=3000, allow_blank=True)
    shared = serializers.BooleanField()


def _application_action(name, body, summary, run):
    def handler(self, request, pk=None):
        application = self.get_object()
        data = body(data=request.data) if body else None
        if data is not None:
            data.is_valid(raise_exception=True)
        run(application, request.user, dict(data.validated_data) if data is not None else {})
        return self.respond(application)

    handler.__name__ = name
    handler = action(detail=True, methods=["post"], url_path=name, is_transition=True)(handler)
    return extend_schema(
        operation_id=f"application_{name}",
        summary=summary,
        request=body,
        responses={200: ApplicationSerializer, **{c: ERROR_RESPONSES[c] for c in (400, 403, 404, 409)}},
    )(handler)


class ApplicationViewSet(ExchangeViewSet):
    """Applications to calls (the bid: its sections and where it is), as assessment.scopes allows.
    Steps: submit (the lead), assign (an assessor; managers), decide (the panel's decision and reasons,
    through the award's approve or decline), feedback (what the applicant reads once shared)."""

    submit = _application_action(
        "submit",
        None,
        "Submit the application (or send the expression of interest)",
        lambda a, user, data: services.application_submit(application=a, actor=user),
    )
    assign = _application_action(
        "assign",
        AssignSerializer,
        "Assign an assessor (a conflict Exchange finds stands them aside at once)",
        lambda a, user, data: services.assessor_assign(application=a, actor=user, **data),
    )
    decide = _application_action(
        "decide",
        DecideSerializer,
        "Record the panel's decision (approving within the programme's budget)",
        lambda a, user, data: services.panel_decide(application=a, actor=user, **data),
    )
    feedback = _application_action(
        "feedback",
        FeedbackSerializer,
        "Write, and choose to share, the applicant's feedback",
        lambda a, user, data: services.feedback_share(application=a, actor=user, **data),
    )

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
