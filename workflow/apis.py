"""What every part of the REST API shares: the one exception handler, tokens, throttles,
pagination, filters, role checks for writes, and transition actions generated from each
model's @transition rules (so a new step appears in the API without new code)."""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField, RangeField
from django_filters.widgets import DateRangeWidget
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, permissions, serializers, status, throttling, viewsets
from rest_framework import filters as drf_filters
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from partnerships import roles

from .client_address import client_address
from .errors import TransitionRefused
from .figures import MoneySerializerField
from .services import available_transitions, transition_info
from .text import NOTE
from .tokens import ExpiringTokenAuthentication, token_expired

# Errors --------------------------------------------------------------------------------------


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


# Filtering -------------------------------------------------------------------------------------


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        # Bounded, so a huge number is a 400, not a database overflow.
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class IdFilter(filters.NumberFilter):
    """Filter by a related record's id. Unlike a model-choice filter it never checks that the
    record exists, so an id outside the user's scope gives an empty list, like a missing one."""

    field_class = IdField


class UtcIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        parsed = super().to_python(value)
        try:
            # PostgreSQL refuses offsets beyond ±15:59; in UTC every valid instant is plain.
            return parsed.astimezone(dt.UTC) if parsed is not None and parsed.tzinfo else parsed
        except OverflowError as out_of_range:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from out_of_range


class UtcIsoDateTimeRangeField(RangeField):
    widget = DateRangeWidget

    def __init__(self, *args, **kwargs):
        super().__init__((UtcIsoDateTimeField(), UtcIsoDateTimeField()), *args, **kwargs)


class DateTimeRangeFilter(filters.IsoDateTimeFromToRangeFilter):
    """`<name>_after` and `<name>_before`, ISO 8601 with any offset."""

    field_class = UtcIsoDateTimeRangeField


class ExchangeFilterSet(filters.FilterSet):
    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
        models.PositiveBigIntegerField: {"filter_class": IdFilter},
    }


# Throttles, pagination, permissions ----------------------------------------------------------


class _SettingsRate:
    """Read the rate from settings on each request, so a changed setting takes effect at once
    (DRF's stock throttles read it once, at import)."""

    def get_rate(self):
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError as missing:
            raise exceptions.ImproperlyConfigured(f"No throttle rate set for scope '{self.scope}'.") from missing


class _ClientAddress:
    """Count by the client address of workflow.client_address (PROXY_COUNT), the same as axes and the
    audit log; in the default cache, which is Redis, shared by every process, when CACHE_URL is set."""

    def get_ident(self, request):
        return client_address(request) or "unknown"


class AuthRateThrottle(_ClientAddress, _SettingsRate, throttling.SimpleRateThrottle):
    """Attempts at the token endpoint, per client address."""

    scope = "api_auth"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class WriteRateThrottle(_ClientAddress, _SettingsRate, throttling.SimpleRateThrottle):
    """Writes (create, edit, transitions) per user; reads are not counted."""

    scope = "api_write"

    def allow_request(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        ident = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


class RoleMayWrite(permissions.IsAuthenticated):
    """Create and edit only for roles the viewset names in `may_write(roles)`; the service then
    decides about the particular object. Transition actions go straight to their service,
    which answers with the reason."""

    message = "Your role cannot create or change these records."

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS or getattr(view, "is_transition", False):
            return True
        return view.may_write(roles.of(request.user))


# Tokens --------------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires = serializers.DateTimeField(help_text="After this the token is refused (401): ask for a new one.")


class TokenView(APIView):
    """POST username and password for your API token; DELETE (with the token) revokes it."""

    throttle_classes = [AuthRateThrottle]
    authentication_classes = [ExpiringTokenAuthentication, SessionAuthentication]

    def get_permissions(self):
        if self.request.method == "POST":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_authenticators(self):
        # Signing in needs no session (and so no CSRF token); revoking accepts either.
        if getattr(self.request, "method", None) == "POST":
            return []
        return super().get_authenticators()

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, 400: ERROR_RESPONSES[400]},
        auth=[],
        summary="Get your API token",
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request, **data.validated_data)
        if user is None or not user.is_active:
            raise exceptions.ValidationError({"detail": ["Those details do not match an active account."]})
        token, _ = Token.objects.get_or_create(user=user)
        if token_expired(token):  # an old token is replaced, never handed out again
            token.delete()
            token = Token.objects.create(user=user)
        return Response({"token": token.key, "expires": token.created + dt.timedelta(seconds=settings.API_TOKEN_TTL)})

    @extend_schema(request=None, responses={204: None}, summary="Revoke your API token")
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


# Serializer pieces ---------------------------------------------------------------------------


class TransitionInfoSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The action: POST to {id}/<name>/.")
    label = serializers.CharField()
    target = serializers.CharField(help_text="The state it leads to.")
    note_required = serializers.BooleanField()


class WorkflowSerializer(serializers.ModelSerializer):
    """Adds the state's label and the steps the current user may take now (state and
    permission only, so no extra queries per row; conditions are explained on refusal)."""

    state_label = serializers.CharField(source="get_state_display", read_only=True)
    available_transitions = serializers.SerializerMethodField()

    @extend_schema_field(TransitionInfoSerializer(many=True))
    def get_available_transitions(self, obj):
        user = self.context["request"].user
        return [
            {"name": t.name, "label": t.label, "target": t.target, "note_required": t.note_required}
            for t in available_transitions(obj, user)
        ]


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference checked against the user's own scope, so a record outside it reads exactly
    like one that does not exist."""

    def __init__(self, selector, **kwargs):
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.selector(user=self.context["request"].user)


def money_field(**kwargs):
    return MoneySerializerField(**kwargs)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE)


# Viewsets ------------------------------------------------------------------------------------


class ExchangeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Read access through the app's selector; subclasses add writes and transitions."""

    # Token first, so an anonymous request gets 401 with `WWW-Authenticate: Token`.
    authentication_classes = [ExpiringTokenAuthentication, SessionAuthentication]
    pagination_class = Pagination
    filter_backends = [filters.DjangoFilterBackend, drf_filters.SearchFilter, drf_filters.OrderingFilter]
    permission_classes = [RoleMayWrite]
    throttle_classes = [WriteRateThrottle]
    http_method_names = ["get", "post", "patch", "head", "options"]
    is_transition = False

    def may_write(self, r: roles.Roles) -> bool:
        return False

    def selected(self):
        """The selector's queryset for this user, with what the serializer reads."""
        raise NotImplementedError

    def get_queryset(self):
        return self.selected()

    def reread(self, obj):
        """The object as the list shows it (annotations included), after a write."""
        return self.get_queryset().filter(pk=obj.pk).first() or obj

    def respond(self, obj, status_code=status.HTTP_200_OK):
        serializer = self.serializer_class(self.reread(obj), context=self.get_serializer_context())
        return Response(serializer.data, status_code)


class EditableMixin:
    """POST to create and PATCH to edit through services; the response is the read serializer."""

    create_serializer_class = None
    edit_serializer_class = None

    def create_with_service(self, data: dict, user):
        raise NotImplementedError

    def edit_with_service(self, obj, data: dict, user):
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        incoming = self.create_serializer_class(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        return self.respond(self.create_with_service(incoming.validated_data, request.user), status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        obj = self.get_object()
        incoming = self.edit_serializer_class(
            obj, data=request.data, partial=True, context=self.get_serializer_context()
        )
        incoming.is_valid(raise_exception=True)
        return self.respond(self.edit_with_service(obj, incoming.validated_data, request.user))


def editable_schema(read, create, edit, archivable: bool = False):
    """Schema for EditableMixin: requests in the write serializers, answers in the read one."""
    errors = {code: ERROR_RESPONSES[code] for code in (400, 403, 404, 409)}
    views = {
        "create": extend_schema(request=create, responses={201: read, **errors}),
        "partial_update": extend_schema(request=edit, responses={200: read, **errors}),
    }
    if archivable:
        views["list"] = extend_schema(
            parameters=[
                OpenApiParameter(
                    "include_archived", bool, description="Also list archived records (finished work put away)."
                )
            ]
        )
    return views


class ArchivableMixin:
    """Archived records leave the lists unless `?include_archived=true`; they stay reachable by id.
    `POST {id}/archive/` puts finished work away through the app's `archive_with_service`."""

    def include_archived(self) -> bool:
        if self.action != "list":
            return True
        return self.request.query_params.get("include_archived", "").lower() in ("true", "1", "yes")

    def archive_with_service(self, obj, user, note: str):
        raise NotImplementedError

    @extend_schema(
        summary="Archive finished work (kept, with its history, out of the working lists)",
        request=NoteSerializer,
        responses={200: OpenApiTypes.OBJECT, **{c: ERROR_RESPONSES[c] for c in (400, 403, 404, 409)}},
    )
    @action(detail=True, methods=["post"], is_transition=True)
    def archive(self, request, pk=None):
        obj = self.get_object()
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self.respond(self.archive_with_service(obj, request.user, data.validated_data["note"]))


def add_transition_actions(viewset, model, run, params: dict | None = None):
    """One `POST {id}/<name>/` action per transition of `model`. `run(obj, name, user, **data)`
    calls the app's service; `params` maps a transition name to a serializer of its extra
    fields (beyond `note`)."""
    params = params or {}
    names = sorted({t.name for t in model._meta.get_field("state").get_all_transitions(model)})
    for name in names:
        setattr(viewset, f"transition_{name}", _transition_action(viewset, model, name, run, params.get(name)))
    return viewset


def _transition_action(viewset, model, name, run, extra):
    info = transition_info(model(), name)
    body = extra or NoteSerializer
    noun = model._meta.verbose_name

    def handler(self, request, pk=None):
        obj = self.get_object()
        data = body(data=request.data)
        data.is_valid(raise_exception=True)
        return self.respond(run(obj, name, request.user, **data.validated_data))

    handler.__name__ = f"transition_{name}"
    # @action first: it replaces the function's kwargs, where extend_schema keeps its annotation.
    handler = action(detail=True, methods=["post"], url_path=name, url_name=name.replace("_", "-"), is_transition=True)(
        handler
    )
    return extend_schema(
        operation_id=f"{model._meta.model_name}_{name}",
        summary=f"{info.label} ({noun})",
        description=(
            f"Moves the {noun} to “{info.target}”"
            + (" (a note is required)" if info.note_required else "")
            + ". 409 with the reason when it cannot happen now; 403 when you may not take this step."
        ),
        request=body,
        responses={200: viewset.serializer_class, **{c: ERROR_RESPONSES[c] for c in (400, 403, 404, 409)}},
    )(handler)
