"""Payments: /api/v1/payments/ (schedule, edit, approve, release, cancel)."""

from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins, serializers

from accounts.mfa import RecentSecondFactor
from workflow.apis import (
    EditableMixin,
    ExchangeViewSet,
    NoteSerializer,
    ScopedPrimaryKeyRelatedField,
    WorkflowSerializer,
    add_transition_actions,
    editable_schema,
    money_field,
)
from workflow.dates import GrantDateSerializerField
from workflow.pagination import ProbedPagination
from workflow.selectors import visible
from workflow.text import NOTE

from .. import due, selectors, services
from ..filters import PaymentFilter
from ..models import ZERO, Award, Payment


class PaymentSerializer(WorkflowSerializer):
    award_identifier = serializers.CharField(source="award.identifier", read_only=True)
    programme = serializers.IntegerField(source="award.programme_id", read_only=True)
    programme_name = serializers.CharField(source="award.programme.name", read_only=True)
    recipient = serializers.IntegerField(source="award.recipient_id", read_only=True)
    recipient_name = serializers.CharField(source="award.recipient.name", read_only=True)
    urgency = serializers.SerializerMethodField(
        help_text="overdue, due_soon, upcoming, paid or cancelled (grants.due: the pages' rule)."
    )
    days_overdue = serializers.SerializerMethodField()

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
            "gated_on_period_end",
            "state",
            "state_label",
            "paid_on",
            "reference",
            "created_at",
            "urgency",
            "days_overdue",
            "available_transitions",
        ]
        read_only_fields = fields

    def get_urgency(self, payment) -> str:
        return due.urgency(payment)

    def get_days_overdue(self, payment) -> int:
        return due.days_late(payment)


def _update_list(*, user):
    # Progress updates are reporting's, a layer above: read them through the selector it registered.
    return visible("reporting.ProgressUpdate", user=user)


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
        fields = ["due_on", "amount", "gated_on_update", "gated_on_period_end", "note"]


class PaymentCreateSerializer(_PaymentFields):
    award = ScopedPrimaryKeyRelatedField(selectors.award_list, queryset=Award.objects.all())
    amount = money_field(min_value=ZERO)

    class Meta:
        model = Payment
        fields = ["award", "due_on", "amount", "gated_on_update", "gated_on_period_end", "reference"]


class PaymentReleaseSerializer(NoteSerializer):
    paid_on = GrantDateSerializerField(required=False, help_text="Today if left out.")
    reference = serializers.CharField(required=False, allow_blank=True, max_length=60)
    confirm_early = serializers.BooleanField(
        required=False, default=False, help_text="Needed to release a payment before its due date (paid early)."
    )


@extend_schema_view(**editable_schema(PaymentSerializer, PaymentCreateSerializer, PaymentEditSerializer))
class PaymentViewSet(EditableMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ExchangeViewSet):
    """Payments (tranches of awards). Managers schedule them, never past the amount awarded,
    and approve, release or cancel them: POST /payments/{id}/<step>/."""

    pagination_class = ProbedPagination  # each row is checked through its award or project

    # Money moves: a recent second-factor check (accounts.mfa), checked after the record is found in scope.
    permission_classes = [*ExchangeViewSet.permission_classes, RecentSecondFactor]
    second_factor_actions = {"approve", "release", "partial_update"}
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
