"""The API's one exception handler and the error answers every operation documents."""

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from ..errors import TransitionRefused


def exception_handler(exc, context):
    """Refused steps become 409 (state, condition) or 403 (permission) with the reason in words;
    model validation becomes 400 with field messages; objects outside the user's scope are 404."""
    if isinstance(exc, TransitionRefused):
        return Response({"detail": exc.reason}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
                for field, messages in exc.message_dict.items()
            }
        else:
            detail = {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, list):
        # A bare list (a null character in ?search=, say) becomes the documented object of messages.
        exc = exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: exc.detail})
    return drf_exception_handler(exc, context)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


ERROR_RESPONSES = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Validation errors, by field."),
    403: OpenApiResponse(ErrorSerializer, description="You may not take this action."),
    404: OpenApiResponse(ErrorSerializer, description="Not found, or not yours to see."),
    409: OpenApiResponse(ErrorSerializer, description="Refused now, with the reason in words."),
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: document the answers every operation can give
    (bad filters or bodies, signed out, forbidden, not found, throttled) once, for all of them."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        "Error", {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
    )
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    by_field = {"application/json": {"schema": {"type": "object", "additionalProperties": True}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            extra = {
                "400": ("Bad input: messages by field (or filter).", by_field),
                "401": ("Not signed in: send `Authorization: Token <token>`.", error),
                "403": ("Your role may not do this.", error),
                "429": ("Too many requests; retry after the time in Retry-After.", error),
            }
            if "{id}" in path:
                extra["404"] = ("Not found, or not yours to see.", error)
            elif method == "get":
                extra["404"] = ("No such page of results.", error)
            for code, (description, content) in extra.items():
                responses.setdefault(code, {"description": description, "content": content})
    return result
