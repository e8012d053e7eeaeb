"""Indicators: /api/v1/indicators/."""

from rest_framework import serializers

from workflow.apis import ExchangeViewSet

from .. import selectors
from ..filters import IndicatorFilter
from ..models import Indicator


class IndicatorSerializer(serializers.ModelSerializer):
    award_identifier = serializers.CharField(source="award.identifier", read_only=True, allow_null=True, default=None)
    project_reference = serializers.CharField(source="project.reference", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "name",
            "unit",
            "baseline",
            "target",
            "direction",
            "cumulative",
            "award",
            "award_identifier",
            "project",
            "project_reference",
        ]
        read_only_fields = fields


class IndicatorViewSet(ExchangeViewSet):
    """Outcome indicators on the projects and awards you may see; their results come with each update."""

    serializer_class = IndicatorSerializer
    queryset = Indicator.objects.none()
    filterset_class = IndicatorFilter
    search_fields = ["name", "unit"]
    ordering_fields = ["name", "target", "id"]
    ordering = ["name", "id"]

    def selected(self):
        return selectors.indicator_list(user=self.request.user)
