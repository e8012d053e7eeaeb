"""What every part of the REST API shares, one module per concern:

- errors.py: the one exception handler and the documented error answers;
- filtering.py: id and date-time filters, the FilterSet base;
- access.py: throttles, the write check by role, API tokens (pagination: workflow/pagination.py);
- viewsets.py: the viewset base, editing and archiving mixins, transition actions;
- history.py: the transition and money logs' API (/api/v1/transitions/, /api/v1/money-changes/)."""

from ..pagination import Pagination
from .access import (
    AuthRateThrottle,
    RoleMayWrite,
    TokenRequestSerializer,
    TokenSerializer,
    TokenView,
    WriteRateThrottle,
)
from .errors import ERROR_RESPONSES, ErrorSerializer, add_error_responses, exception_handler
from .filtering import DateTimeRangeFilter, ExchangeFilterSet, IdField, IdFilter
from .history import MoneyChangeViewSet, TransitionLogViewSet
from .viewsets import (
    ArchivableMixin,
    EditableMixin,
    ExchangeViewSet,
    NoteSerializer,
    ScopedPrimaryKeyRelatedField,
    TransitionInfoSerializer,
    WorkflowSerializer,
    add_transition_actions,
    editable_schema,
    money_field,
)

__all__ = [
    "ERROR_RESPONSES",
    "ArchivableMixin",
    "AuthRateThrottle",
    "DateTimeRangeFilter",
    "EditableMixin",
    "ErrorSerializer",
    "ExchangeFilterSet",
    "ExchangeViewSet",
    "IdField",
    "IdFilter",
    "MoneyChangeViewSet",
    "NoteSerializer",
    "Pagination",
    "RoleMayWrite",
    "ScopedPrimaryKeyRelatedField",
    "TokenRequestSerializer",
    "TokenSerializer",
    "TokenView",
    "TransitionInfoSerializer",
    "TransitionLogViewSet",
    "WorkflowSerializer",
    "WriteRateThrottle",
    "add_error_responses",
    "add_transition_actions",
    "editable_schema",
    "exception_handler",
    "money_field",
]
