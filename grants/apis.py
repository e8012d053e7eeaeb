"""REST API for funding programmes, awards and payments: reads through the selectors,
writes and every step (approve, release…) through the services."""

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from partnerships import selectors as partnership_selectors
from partnerships.models import Organisation, Partnership, Project
from workflow.apis import (
    ERROR_RESPONSES,
    ArchivableMixin,
    DateTimeRangeFilter,
    EditableMixin,
    ExchangeFilterSet,
    ExchangeViewSet,
    IdFilter,
    NoteSerializer,
    ScopedPrimaryKeyRelatedField,
    WorkflowSerializer,
    add_transition_actions,
    editable_schema,
    money_field,
)
from workflow.dates import GrantDateSerializerField
from workflow.text import NOTE

from . import selectors, services
from .models import ZERO, Award, FundingProgramme, Payment


def _total(queryset, group_by: str, field: str):
    """A per-row sum as a subquery (no join, so counts and filters stay exact)."""
    total = queryset.order_by().values(group_by).annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(total, output_field=DecimalField(max_digits=14, decimal_places=2)), Value(ZERO))


# Programmes --------------------------------------------------------------------------------


class ProgrammeSerializer(serializers.ModelSerializer):
    funder_name = serializers.CharField(source="funder.name", read_only=True)
    managed_by_name = serializers.CharField(source="managed_by.name", read_only=True)
    partnership_name = serializers.CharField(source="partnership.name", read_only=True, allow_null=True, default=None)
    committed_total = money_field(read_only=True, help_text="Awarded on approved, active and closed awards.")

    class Meta:
        model = FundingProgramme
        fields = [
            "id",
            "name",
            "funder",
            "funder_name",
            "managed_by",
            "managed_by_name",
            "partnership",
            "partnership_name",
            "budget",
            "committed_total",
            "currency",
            "opens_on",
            "closes_on",
            "identifier_prefix",
            "description",
        ]
        read_only_fields = fields


class ProgrammeCreateSerializer(serializers.ModelSerializer):
    funder = ScopedPrimaryKeyRelatedField(partnership_selectors.organisation_list, queryset=Organisation.objects.all())
    managed_by = ScopedPrimaryKeyRelatedField(
        partnership_selectors.organisation_list, queryset=Organisation.objects.all()
    )
    partnership = ScopedPrimaryKeyRelatedField(
        partnership_selectors.partnership_list, queryset=Partnership.objects.all(), required=False, allow_null=True
    )
    budget = money_field(min_value=ZERO)

    class Meta:
        model = FundingProgramme
        fields = [
            "name",
            "funder",
            "managed_by",
            "partnership",
            "budget",
            "currency",
            "opens_on",
            "closes_on",
            "identifier_prefix",
            "description",
        ]
        extra_kwargs = {"name": {"validators": []}}


class ProgrammeEditSerializer(serializers.ModelSerializer):
    partnership = ScopedPrimaryKeyRelatedField(
        partnership_selectors.partnership_list, queryset=Partnership.objects.all(), required=False, allow_null=True
    )
    budget = money_field(min_value=ZERO, required=False, help_text="Never below what is already committed.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE, help_text="Why the budget changed.")

    class Meta:
        model = FundingProgramme
        fields = ["name", "description", "opens_on", "closes_on", "partnership", "budget", "note"]
        extra_kwargs = {"name": {"validators": []}}


class ProgrammeFilter(ExchangeFilterSet):
    budget = filters.RangeFilter()
    opens_on = filters.DateFromToRangeFilter()
    closes_on = filters.DateFromToRangeFilter()

    class Meta:
        model = FundingProgramme
        fields = ["funder", "managed_by", "partnership", "currency"]


@extend_schema_view(**editable_schema(ProgrammeSerializer, ProgrammeCreateSerializer, ProgrammeEditSerializer))
class ProgrammeViewSet(EditableMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ExchangeViewSet):
    """Funding programmes: managers see the ones they run, funders their own, partners those they hold awards from."""

    serializer_class = ProgrammeSerializer
    create_serializer_class = ProgrammeCreateSerializer
    edit_serializer_class = ProgrammeEditSerializer
    queryset = FundingProgramme.objects.none()
    filterset_class = ProgrammeFilter
    search_fields = ["name", "description", "funder__name", "identifier_prefix"]
    ordering_fields = ["id", "name", "budget", "opens_on", "closes_on"]
    ordering = ["name"]

    def may_write(self, r):
        return r.is_manager

    def selected(self):
        committed = Award.objects.filter(programme=OuterRef("pk"), state__in=Award.COMMITTED_STATES)
        return selectors.programme_list(user=self.request.user).annotate(
            committed_total=_total(committed, "programme", "amount_awarded")
        )

    def create_with_service(self, data, user):
        return services.programme_create(actor=user, **data)

    def edit_with_service(self, obj, data, user):
        return services.programme_update(programme=obj, actor=user, **data)


# Awards ------------------------------------------------------------------------------------


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


class AwardFilter(ExchangeFilterSet):
    state = filters.MultipleChoiceFilter(choices=Award.State.choices, distinct=False)
    funder = IdFilter(field_name="programme__funder")
    local_authority = IdFilter(field_name="recipient__local_authority")
    sub_region = IdFilter(field_name="recipient__local_authority__sub_region")
    amount_requested = filters.RangeFilter()
    amount_awarded = filters.RangeFilter()
    planned_start = filters.DateFromToRangeFilter()
    planned_end = filters.DateFromToRangeFilter()
    submitted_at = DateTimeRangeFilter()
    decided_at = DateTimeRangeFilter()

    class Meta:
        model = Award
        fields = [
            "state",
            "programme",
            "funder",
            "recipient",
            "project",
            "partnership",
            "local_authority",
            "sub_region",
            "reporting_frequency",
        ]


@extend_schema_view(**editable_schema(AwardSerializer, AwardCreateSerializer, AwardEditSerializer, True))
class AwardViewSet(ArchivableMixin, EditableMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ExchangeViewSet):
    """Awards (grants). Partners apply for their own organisation; managers assess, approve and
    vary; funders read their own programmes' awards. Each step: POST /awards/{id}/<step>/."""

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

    def selected(self):
        payments = Payment.objects.filter(award=OuterRef("pk"))
        return selectors.award_list(user=self.request.user, include_archived=self.include_archived()).annotate(
            paid_total=_total(payments.filter(state=Payment.State.PAID), "award", "amount"),
            scheduled_total=_total(payments.exclude(state=Payment.State.CANCELLED), "award", "amount"),
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


# Payments ----------------------------------------------------------------------------------


class PaymentSerializer(WorkflowSerializer):
    award_identifier = serializers.CharField(source="award.identifier", read_only=True)
    programme = serializers.IntegerField(source="award.programme_id", read_only=True)
    programme_name = serializers.CharField(source="award.programme.name", read_only=True)
    recipient = serializers.IntegerField(source="award.recipient_id", read_only=True)
    recipient_name = serializers.CharField(source="award.recipient.name", read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "award",
            "award_identifier",
            "programme",
            "programme_name",
            "recipient",
            "recipient_name",
            "due_on",
            "amount",
            "gated_on_update",
            "state",
            "state_label",
            "paid_on",
            "reference",
            "created_at",
            "available_transitions",
        ]
        read_only_fields = fields


def _update_list(*, user):
    from reporting.selectors import update_list  # reporting sits above grants: read through it lazily

    return update_list(user=user)


class _PaymentFields(serializers.ModelSerializer):
    gated_on_update = ScopedPrimaryKeyRelatedField(
        _update_list,
        queryset=Payment.gated_on_update.field.related_model.objects.all(),
        required=False,
        allow_null=True,
    )


class PaymentEditSerializer(_PaymentFields):
    amount = money_field(min_value=ZERO, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE)

    class Meta:
        model = Payment
        fields = ["due_on", "amount", "gated_on_update", "note"]


class PaymentCreateSerializer(_PaymentFields):
    award = ScopedPrimaryKeyRelatedField(selectors.award_list, queryset=Award.objects.all())
    amount = money_field(min_value=ZERO)

    class Meta:
        model = Payment
        fields = ["award", "due_on", "amount", "gated_on_update", "reference"]


class PaymentReleaseSerializer(NoteSerializer):
    paid_on = GrantDateSerializerField(required=False, help_text="Today if left out.")
    reference = serializers.CharField(required=False, allow_blank=True, max_length=60)


class PaymentFilter(ExchangeFilterSet):
    state = filters.MultipleChoiceFilter(choices=Payment.State.choices, distinct=False)
    programme = IdFilter(field_name="award__programme")
    funder = IdFilter(field_name="award__programme__funder")
    recipient = IdFilter(field_name="award__recipient")
    local_authority = IdFilter(field_name="award__recipient__local_authority")
    sub_region = IdFilter(field_name="award__recipient__local_authority__sub_region")
    amount = filters.RangeFilter()
    due_on = filters.DateFromToRangeFilter()
    paid_on = filters.DateFromToRangeFilter()

    class Meta:
        model = Payment
        fields = ["state", "award", "programme", "funder", "recipient", "local_authority", "sub_region"]


@extend_schema_view(**editable_schema(PaymentSerializer, PaymentCreateSerializer, PaymentEditSerializer))
class PaymentViewSet(EditableMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ExchangeViewSet):
    """Payments (tranches of awards). Managers schedule them, never past the amount awarded,
    and approve, release or cancel them: POST /payments/{id}/<step>/."""

    serializer_class = PaymentSerializer
    create_serializer_class = PaymentCreateSerializer
    edit_serializer_class = PaymentEditSerializer
    queryset = Payment.objects.none()
    filterset_class = PaymentFilter
    search_fields = ["award__identifier", "award__title", "reference", "award__recipient__name"]
    ordering_fields = ["id", "due_on", "amount", "paid_on", "created_at", "state"]
    ordering = ["due_on", "id"]

    def may_write(self, r):
        return r.is_manager

    def selected(self):
        return selectors.payment_list(user=self.request.user)

    def create_with_service(self, data, user):
        return services.payment_schedule(actor=user, **data)

    def edit_with_service(self, obj, data, user):
        return services.payment_edit(payment=obj, actor=user, **data)


def _run_payment_transition(obj, name, user, note="", **params):
    return services.payment_transition(payment=obj, name=name, actor=user, note=note, **params)


add_transition_actions(PaymentViewSet, Payment, _run_payment_transition, {"release": PaymentReleaseSerializer})
