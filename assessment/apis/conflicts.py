"""/api/v1/conflicts/: who stood aside from which application, and why."""

from rest_framework import serializers

from workflow.apis import (
    ExchangeViewSet,
)

from .. import selectors
from ..models import Conflict


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
