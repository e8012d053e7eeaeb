"""The viewset every resource builds on (reads through its selector; writes through its services),
with serializer pieces, editing and archiving mixins, and transition actions generated from each
model's @transition rules (so a new step appears in the API without new code)."""

from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import filters as drf_filters
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import roles

from ..figures import MoneySerializerField
from ..pagination import Pagination
from ..services import available_transitions, transition_info
from ..text import NOTE
from ..tokens import ExpiringTokenAuthentication
from .access import RoleMayWrite, WriteRateThrottle
from .errors import ERROR_RESPONSES
from .filtering import StableOrderingFilter


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


class ExchangeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Read access through the app's selector; subclasses add writes and transitions."""

    # Token first, so an anonymous request gets 401 with `WWW-Authenticate: Token`.
    authentication_classes = [ExpiringTokenAuthentication, SessionAuthentication]
    pagination_class = Pagination
    filter_backends = [filters.DjangoFilterBackend, drf_filters.SearchFilter, StableOrderingFilter]
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
