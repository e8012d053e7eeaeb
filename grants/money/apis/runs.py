"""/api/v1/payment-runs/ (with download/)."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from accounts.mfa import RecentSecondFactor
from partnerships.models import Organisation
from workflow.apis import (
    ERROR_RESPONSES,
    EditableMixin,
    ExchangeViewSet,
    money_field,
)
from workflow.dates import GrantDateSerializerField

from .. import selectors, services
from ..exports import FORMATS
from ..models import PaymentRun

ERRORS = {c: ERROR_RESPONSES[c] for c in (400, 403, 404, 409)}

# Payment runs --------------------------------------------------------------------------------


class PaymentRunSerializer(serializers.ModelSerializer):
    total = money_field(read_only=True)
    payments = serializers.SerializerMethodField()

    class Meta:
        model = PaymentRun
        fields = [
            "id",
            "managed_by",
            "due_by",
            "format",
            "created_by",
            "created_at",
            "payment_count",
            "total",
            "filename",
            "payments",
        ]
        read_only_fields = fields

    def get_payments(self, obj) -> list[int]:
        return [item.payment_id for item in obj.items.all()]


class PaymentRunCreateSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), help_text="The organisation whose programmes' payments to send."
    )
    due_by = GrantDateSerializerField()
    format = serializers.ChoiceField(choices=sorted(FORMATS), default="xero")


@extend_schema_view(
    create=extend_schema(request=PaymentRunCreateSerializer, responses={201: PaymentRunSerializer, **ERRORS})
)
class PaymentRunViewSet(EditableMixin, mixins.CreateModelMixin, ExchangeViewSet):
    """Payment runs: every approved payment due by a date, exported once to the finance system
    (POST makes one; GET {id}/download/ is its file). Programme managers of the organisation only."""

    serializer_class = PaymentRunSerializer
    create_serializer_class = PaymentRunCreateSerializer
    # Making a run and downloading its file for the bank need a recent second factor, like releasing money.
    permission_classes = [*ExchangeViewSet.permission_classes, RecentSecondFactor]
    second_factor_actions = {"create", "download"}
    queryset = PaymentRun.objects.none()
    filterset_fields = ["managed_by", "format"]
    ordering_fields = ["id", "created_at", "due_by", "total"]
    ordering = ["-created_at", "-id"]

    def may_write(self, r):
        return r.is_manager

    def selected(self):
        return selectors.payment_run_list(user=self.request.user).prefetch_related("items")

    def create_with_service(self, data, user):
        return services.payment_run_export(actor=user, **data)

    @extend_schema(summary="The run's file, as exported", responses={(200, "text/csv"): OpenApiTypes.STR})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        run = self.get_object()
        response = HttpResponse(run.content, content_type=f"{FORMATS[run.format].content_type}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{run.filename}"'
        return response
