"""/api/v1/attachments/: an application's attached files (list, the file, remove), through the one scope
(assessment.scopes.attachment_scope: never to a conflicted person or a blind call's assessor); uploads go to
POST /api/v1/applications/{id}/attachments/ (multipart, field `file`)."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from workflow.apis import ERROR_RESPONSES, ExchangeFilterSet, ExchangeViewSet
from workflow.filetypes import EXTENSIONS
from workflow.request_limits import body_limit

from .. import selectors, services
from ..models import Attachment

ERRORS = {c: ERROR_RESPONSES[c] for c in (400, 403, 404, 409)}
_FILE = {(200, content_type): OpenApiResponse(OpenApiTypes.BINARY) for content_type in EXTENSIONS}


class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True, allow_null=True, default=None)
    download = serializers.SerializerMethodField(help_text="GET this address for the file itself.")

    class Meta:
        model = Attachment
        fields = [
            "id",
            "application",
            "original_name",
            "description",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "download",
        ]
        read_only_fields = fields

    def get_download(self, obj) -> str:
        return f"/api/v1/attachments/{obj.pk}/download/"


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True,
        help_text="PDF, PNG, JPEG, Word (.docx), Excel (.xlsx), CSV or plain text, judged by its content.",
    )
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AttachmentFilter(ExchangeFilterSet):
    class Meta:
        model = Attachment
        fields = ["application", "content_type"]


class AttachmentViewSet(mixins.DestroyModelMixin, ExchangeViewSet):
    """Files attached to the applications you may see. Upload: POST /applications/{id}/attachments/;
    the file: GET /attachments/{id}/download/; remove (the applying team, while it may edit): DELETE."""

    serializer_class = AttachmentSerializer
    queryset = Attachment.objects.none()
    filterset_class = AttachmentFilter
    search_fields = ["original_name", "description"]
    ordering_fields = ["id", "uploaded_at", "size"]
    ordering = ["uploaded_at", "id"]
    http_method_names = ["get", "delete", "head", "options"]

    def may_write(self, r):
        return r.is_partner or r.is_manager or r.is_admin

    def selected(self):
        return selectors.attachment_list(user=self.request.user)

    @extend_schema(responses={204: None, **ERRORS})
    def destroy(self, request, *args, **kwargs):
        services.attachment_remove(attachment=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        operation_id="attachment_download", summary="Download the file", responses={**_FILE, 404: ERRORS[404]}
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        attachment = self.get_object()
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as error:
            raise exceptions.NotFound("The file is missing from storage.") from error
        response = FileResponse(
            handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class AttachmentUploadMixin:
    """POST /applications/{id}/attachments/ on the applications resource."""

    @body_limit("EVIDENCE_MAX_BYTES")
    @extend_schema(
        operation_id="application_attachment_add",
        summary="Attach a file (multipart, field `file`)",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, **ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="attachments",
        parser_classes=[MultiPartParser, FormParser],
        is_transition=True,
    )
    def attachments(self, request, pk=None):
        application = self.get_object()
        incoming = AttachmentUploadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            application=application,
            actor=request.user,
            upload=incoming.validated_data["file"],
            description=incoming.validated_data["description"],
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
