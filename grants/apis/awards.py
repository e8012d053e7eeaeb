"""Awards: /api/v1/awards/ (apply, assess, approve, vary, archive, each step)."""

from django.db.models import OuterRef
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from accounts.mfa import RecentSecondFactor
from partnerships import selectors as partnership_selectors
from partnerships.models import Organisation, Partnership, Project
from workflow.apis import (
    ERROR_RESPONSES,
    ArchivableMixin,
    EditableMixin,
    ExchangeViewSet,
    NoteSerializer,
    ScopedPrimaryKeyRelatedField,
    WorkflowSerializer,
    add_transition_actions,
    editable_schema,
    money_field,
)
from workflow.text import NOTE

from .. import search, selectors, services
from ..filters import AwardFilter
from ..models import ZERO, Award, FundingProgramme, Payment
from ..money.cofunding import selectors as share_selectors
from .programmes import _total


class AwardSerializer(WorkflowSerializer):
    programme_name = serializers.CharField(source="programme.name", read_only=True)
    funder = serializers.IntegerField(source="programme.funder_id", read_only=True)
    funder_name = serializers.CharField(source="programme.funder.name", read_only=True)
    recipient_name = serializers.CharField(source="recipient.name", read_only=True)
    local_authority = serializers.IntegerField(source="recipient.local_authority_id", read_only=True, allow_null=True)
    local_authority_name = serializers.CharField(
        source="recipient.local_authority.name", read_only=True, allow_null=True, default=None
    )
    sub_region_name = serializers.CharField(
        source="recipient.local_authority.sub_region.name", read_only=True, allow_null=True, default=None
    )
    project_reference = serializers.CharField(source="project.reference", read_only=True, allow_null=True, default=None)
    partnership_name = serializers.CharField(source="partnership.name", read_only=True, allow_null=True, default=None)
    paid_total = money_field(read_only=True)
    scheduled_total = money_field(read_only=True, help_text="Payments not cancelled: scheduled, approved or paid.")
    co_funded = serializers.BooleanField(read_only=True, help_text="Paid from several programmes (award-shares).")
    shares = serializers.SerializerMethodField(
        help_text="On a single award (null in lists): the co-funding shares the person may see, lead first."
    )

    class Meta:
        model = Award
        fields = [
            "id",
            "identifier",
            "title",
            "description",
            "programme",
            "programme_name",
            "funder",
            "funder_name",
            "recipient",
            "recipient_name",
            "local_authority",
            "local_authority_name",
            "sub_region_name",
            "project",
            "project_reference",
            "partnership",
            "partnership_name",
            "currency",
            "amount_requested",
            "amount_awarded",
            "scheduled_total",
            "paid_total",
            "co_funded",
            "shares",
            "planned_start",
            "planned_end",
            "reporting_frequency",
            "state",
            "state_label",
            "submitted_at",
            "decided_at",
            "created_at",
            "updated_at",
            "archived_at",
            "available_transitions",
        ]
        read_only_fields = fields

    def get_shares(self, obj) -> list[dict] | None:
        view, request = self.context.get("view"), self.context.get("request")
        if view is None or request is None or getattr(view, "action", "list") == "list":
            return None
        return [
            {
                "programme": s.programme_id,
                "programme_name": s.programme.name,
                "funder": s.programme.funder_id,
                "funder_name": s.programme.funder.name,
                "amount": f"{s.amount:.2f}",
                "lead": s.is_lead,
            }
            for s in share_selectors.award_shares(award=obj, user=request.user)
        ]


class _AwardFields(serializers.ModelSerializer):
    project = ScopedPrimaryKeyRelatedField(
        partnership_selectors.project_list, queryset=Project.objects.all(), required=False, allow_null=True
    )
    partnership = ScopedPrimaryKeyRelatedField(
        partnership_selectors.partnership_list, queryset=Partnership.objects.all(), required=False, allow_null=True
    )


class AwardEditSerializer(_AwardFields):
    amount_requested = money_field(min_value=ZERO, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE)

    class Meta:
        model = Award
        fields = [*services.AWARD_FIELDS, "note"]


class AwardCreateSerializer(_AwardFields):
    programme = ScopedPrimaryKeyRelatedField(selectors.programme_list, queryset=FundingProgramme.objects.all())
    recipient = ScopedPrimaryKeyRelatedField(
        partnership_selectors.organisation_list, queryset=Organisation.objects.all()
    )
    amount_requested = money_field(min_value=ZERO)

    class Meta:
        model = Award
        fields = ["programme", "recipient", *services.AWARD_FIELDS]


class AwardApproveSerializer(NoteSerializer):
    amount = money_field(
        required=False, min_value=ZERO, help_text="The amount awarded; the amount requested if left out."
    )


class AwardVarySerializer(serializers.Serializer):
    amount = money_field(min_value=ZERO)
    note = serializers.CharField(max_length=NOTE, help_text="Why the amount awarded changes (kept in the history).")


@extend_schema_view(**editable_schema(AwardSerializer, AwardCreateSerializer, AwardEditSerializer, True))
class AwardViewSet(ArchivableMixin, EditableMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ExchangeViewSet):
    """Awards (grants). Partners apply for their own organisation; managers assess, approve and
    vary; funders read their own programmes' awards. Each step: POST /awards/{id}/<step>/."""

    # Money moves: a recent second-factor check (accounts.mfa), checked after the record is found in scope.
    permission_classes = [*ExchangeViewSet.permission_classes, RecentSecondFactor]
    second_factor_actions = {"approve", "vary"}
    serializer_class = AwardSerializer
    create_serializer_class = AwardCreateSerializer
    edit_serializer_class = AwardEditSerializer
    queryset = Award.objects.none()
    filterset_class = AwardFilter
    search_fields = ["identifier", "title", "description", "recipient__name"]
    ordering_fields = [
        "id",
        "identifier",
        "title",
        "amount_requested",
        "amount_awarded",
        "planned_start",
        "planned_end",
        "submitted_at",
        "decided_at",
        "created_at",
        "state",
    ]
    ordering = ["-created_at", "-id"]

    def may_write(self, r):
        return r.is_manager or r.is_partner

    def filter_queryset(self, queryset):
        # A search in the default order (newest first) keeps it at any size: grants.search.newest_first.
        queryset = super().filter_queryset(queryset)
        params = self.request.query_params
        if self.action == "list" and params.get("q", "").strip() and not params.get("ordering"):
            needed = search.rows_needed(params, self.paginator.get_page_size(self.request) or 25)
            queryset = search.newest_first(queryset, rows_needed=needed)
        return queryset

    def selected(self):
        payments = Payment.objects.filter(award=OuterRef("pk"))
        awards = selectors.award_list(user=self.request.user, include_archived=self.include_archived())
        return selectors.with_places(awards).annotate(
            paid_total=_total(payments.filter(state=Payment.State.PAID), "award", "amount"),
            scheduled_total=_total(payments.exclude(state=Payment.State.CANCELLED), "award", "amount"),
            co_funded=share_selectors.is_co_funded(),
        )

    def create_with_service(self, data, user):
        return services.award_create(actor=user, **data)

    def edit_with_service(self, obj, data, user):
        return services.award_update(award=obj, actor=user, **data)

    def archive_with_service(self, obj, user, note):
        return services.award_archive(award=obj, actor=user, note=note)

    @extend_schema(
        operation_id="award_vary",
        summary="Vary the amount awarded",
        request=AwardVarySerializer,
        responses={200: AwardSerializer, **{c: ERROR_RESPONSES[c] for c in (400, 403, 404, 409)}},
    )
    @action(detail=True, methods=["post"], is_transition=True)
    def vary(self, request, pk=None):
        award = self.get_object()
        data = AwardVarySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self.respond(services.award_change_amount(award=award, actor=request.user, **data.validated_data))


def _run_award_transition(obj, name, user, note="", **params):
    return services.award_transition(award=obj, name=name, actor=user, note=note, **params)


add_transition_actions(AwardViewSet, Award, _run_award_transition, {"approve": AwardApproveSerializer})
