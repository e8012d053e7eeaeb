"""What the reporting resources share: the error answers, "award or project" in a request, figures."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from grants import selectors as grant_selectors
from grants.models import Award
from grants.subjects import Subject
from partnerships import selectors as partnership_selectors
from partnerships.models import Project
from workflow.apis import ERROR_RESPONSES, ScopedPrimaryKeyRelatedField

ERRORS = {code: ERROR_RESPONSES[code] for code in (400, 403, 404, 409)}


def subject_kwargs(data: dict) -> dict:
    """award= or project= for a service, from a validated SubjectSerializer."""
    return Subject.given(data.get("award"), data.get("project")).kwargs()


class SubjectSerializer(serializers.Serializer):
    """Exactly one of an award or a project, each checked against the person's own scope."""

    award = ScopedPrimaryKeyRelatedField(
        grant_selectors.award_list, queryset=Award.objects.all(), required=False, allow_null=True
    )
    project = ScopedPrimaryKeyRelatedField(
        partnership_selectors.project_list, queryset=Project.objects.all(), required=False, allow_null=True
    )

    def validate(self, data):
        if (data.get("award") is None) == (data.get("project") is None):
            raise serializers.ValidationError("Give either the award or the project (one of them, not both).")
        return data


@extend_schema_field(
    {"oneOf": [{"type": "string", "maxLength": 40}, {"type": "number"}], "nullable": True, "example": "1,250"}
)
class FigureField(serializers.CharField):
    """A figure as a person writes it (120, "1,250", "12.5"); the service decides whether it is a valid one,
    with the same words as the pages."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
