"""/api/v1/applications/: the bid, its sections and checklist, and its steps."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action

from workflow.apis import (
    ERROR_RESPONSES,
    ExchangeViewSet,
    money_field,
)
from workflow.errors import TransitionRefused
from workflow.text import NOTE

from .. import selectors, services
from ..models import Application, ApplicationOrganisation
from ..scopes import shows_applicant
from .attachments import AttachmentUploadMixin
from .writing import BidOrganisationAddSerializer, SectionSaveSerializer, add_organisation, save_section


class BidOrganisationSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = ApplicationOrganisation
        fields = ["id", "organisation", "name", "role", "invitation", "gives_support", "receives_support"]
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):
    identifier = serializers.CharField(source="award.identifier", read_only=True)
    title = serializers.CharField(source="award.title", read_only=True)
    state = serializers.CharField(source="award.state", read_only=True)
    amount_requested = money_field(source="award.amount_requested", read_only=True)
    recipient = serializers.SerializerMethodField()
    organisations = serializers.SerializerMethodField()
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
            "organisations",
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

    @extend_schema_field(BidOrganisationSerializer(many=True))
    def get_organisations(self, obj):
        """Co-applicants (with their answer to the lead's invitation) and schools; empty for a blind call's
        assessors."""
        if not shows_applicant(self.context["request"].user, obj):
            return []
        return BidOrganisationSerializer(obj.organisations.all(), many=True).data

    def get_checklist(self, obj) -> list[str]:
        from ..rules import checklist

        return checklist(obj) if obj.award.state == "draft" else []


class InvitationAnswerSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(help_text="The invited organisation (one of yours) that answers.")
    accept = serializers.BooleanField(help_text="true: join the team that writes the application; false: decline.")


def _answer_invitation(application, user, data):
    waiting = {o.organisation_id: o for o in selectors.invitations_for(user=user, application=application)}
    entry = waiting.get(data["organisation"])
    if entry is None:
        raise TransitionRefused("There is no invitation waiting for that organisation's answer here.")
    return services.invitation_answer(entry=entry, actor=user, accept=data["accept"])


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
        data = body(data=request.data, context=self.get_serializer_context()) if body else None
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


class ApplicationViewSet(AttachmentUploadMixin, ExchangeViewSet):
    """Applications to calls (the bid: its sections and where it is), as assessment.scopes allows.
    Steps: submit (the lead), assign (an assessor; managers), decide (the panel's decision and reasons,
    through the award's approve or decline), feedback (what the applicant reads once shared), invitation
    (an invited co-applicant accepts or declines), attachments (upload a file, multipart)."""

    sections = _application_action(
        "sections",
        SectionSaveSerializer,
        "Save one section of a draft (only that section's fields; the others are left as they are)",
        save_section,
    )
    organisations = _application_action(
        "organisations",
        BidOrganisationAddSerializer,
        "Name a school taking part, or invite a co-applicant (it accepts before its people can edit)",
        add_organisation,
    )
    invitation = _application_action(
        "invitation",
        InvitationAnswerSerializer,
        "Answer an invitation to apply as a co-applicant (the invited organisation's people)",
        _answer_invitation,
    )

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
