"""/api/v1/calls/, /api/v1/applications/, /api/v1/assessments/ and /api/v1/conflicts/: reads through
assessment.selectors (assessment.scopes underneath), writes through assessment.services. Split by
resource; the viewsets are re-exported here for config/api_urls.py."""

from .applications import ApplicationSerializer, ApplicationViewSet
from .assessments import AssessmentSerializer, AssessmentViewSet
from .attachments import AttachmentSerializer, AttachmentViewSet
from .calls import CallSerializer, CallViewSet, CriterionSerializer
from .conflicts import ConflictSerializer, ConflictViewSet
from .criteria import CriterionViewSet

__all__ = [
    "ApplicationSerializer",
    "ApplicationViewSet",
    "AssessmentSerializer",
    "AssessmentViewSet",
    "AttachmentSerializer",
    "AttachmentViewSet",
    "CallSerializer",
    "CallViewSet",
    "ConflictSerializer",
    "ConflictViewSet",
    "CriterionSerializer",
    "CriterionViewSet",
]
