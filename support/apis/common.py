"""What the needs and offers APIs share: the place fields, the areas field, the transition action."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from workflow.apis import (
    ERROR_RESPONSES,
    NoteSerializer,
    ScopedPrimaryKeyRelatedField,
)

from .. import selectors
from ..models import SupportArea

ERRORS = {code: ERROR_RESPONSES[code] for code in (400, 403, 404, 409)}


class _Place(serializers.ModelSerializer):
    partnership_name = serializers.CharField(source="partnership.name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    local_authority_name = serializers.CharField(
        source="organisation.local_authority.name", read_only=True, allow_null=True, default=None
    )
    sub_region_name = serializers.CharField(
        source="organisation.local_authority.sub_region.name", read_only=True, allow_null=True, default=None
    )
    area_names = serializers.SerializerMethodField()
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    def get_area_names(self, obj) -> list[str]:
        return [a.name for a in obj.areas.all()]


def _areas_field(**kwargs):
    return ScopedPrimaryKeyRelatedField(selectors.area_list, many=True, queryset=SupportArea.objects.all(), **kwargs)


def _step(name, run, noun):
    @extend_schema(request=NoteSerializer, summary=f"{name.capitalize()} the {noun}", responses={200: None, **ERRORS})
    @action(detail=True, methods=["post"], url_path=name, url_name=name, is_transition=True)
    def handler(self, request, pk=None):
        obj = self.get_object()
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self.respond(run(obj, name, request.user, data.validated_data["note"]))

    handler.__name__ = name
    return handler
