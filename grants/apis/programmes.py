"""Funding programmes: /api/v1/programmes/."""

from django.db.models import DecimalField, F, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins, serializers

from partnerships import selectors as partnership_selectors
from partnerships.models import Organisation, Partnership
from workflow.apis import (
    EditableMixin,
    ExchangeViewSet,
    ScopedPrimaryKeyRelatedField,
    editable_schema,
    money_field,
)
from workflow.text import NOTE

from .. import selectors, services
from ..filters import ProgrammeFilter
from ..models import ZERO, FundingProgramme


def _total(queryset, group_by: str, field: str):
    """A per-row sum as a subquery (no join, so counts and filters stay exact)."""
    total = queryset.order_by().values(group_by).annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(total, output_field=DecimalField(max_digits=14, decimal_places=2)), Value(ZERO))


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
        # The running total the services keep (reconciled in tests), not a sum over every award.
        return selectors.programme_list(user=self.request.user).annotate(committed_total=F("committed_amount"))

    def create_with_service(self, data, user):
        return services.programme_create(actor=user, **data)

    def edit_with_service(self, obj, data, user):
        return services.programme_update(programme=obj, actor=user, **data)
