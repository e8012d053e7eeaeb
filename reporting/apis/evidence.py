"""Evidence files: /api/v1/evidence/ (list, download, remove); uploads go to /api/v1/updates/{id}/evidence/."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from workflow.apis import ExchangeViewSet

from .. import selectors, services
from ..filters import EvidenceFilter
from ..models import EVIDENCE_TYPES, EvidenceFile
from .common import ERRORS
from .updates import EvidenceSerializer

_FILE = {(200, content_type): OpenApiResponse(OpenApiTypes.BINARY) for content_type in EVIDENCE_TYPES}


class EvidenceViewSet(mixins.DestroyModelMixin, ExchangeViewSet):
    """Evidence files on the updates you may see. Upload: POST /updates/{id}/evidence/;
    the file: GET /evidence/{id}/download/; remove (the partner, while the update is editable): DELETE."""

    serializer_class = EvidenceSerializer
    queryset = EvidenceFile.objects.none()
    filterset_class = EvidenceFilter
    search_fields = ["original_name"]
    ordering_fields = ["id", "uploaded_at", "size"]
    ordering = ["uploaded_at", "id"]
    http_method_names = ["get", "delete", "head", "options"]

    def may_write(self, r):
        return r.is_partner or r.is_admin

    def selected(self):
        return selectors.evidence_list(user=self.request.user).select_related("uploaded_by")

    @extend_schema(responses={204: None, **ERRORS})
    def destroy(self, request, *args, **kwargs):
        services.evidence_remove(evidence=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(operation_id="evidence_download", summary="Download the file", responses={**_FILE, 404: ERRORS[404]})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        try:
            evidence = selectors.evidence_get(user=request.user, pk=int(pk))
        except (ValueError, OverflowError) as error:
            raise exceptions.NotFound() from error
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError as error:
            raise exceptions.NotFound("The file is missing from storage.") from error
        response = FileResponse(
            handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
