"""Grants' REST API, one module per resource: programmes, awards, payments. Reads through
grants.selectors; writes and every step (approve, release…) through grants.services."""

from .awards import AwardViewSet
from .payments import PaymentViewSet
from .programmes import ProgrammeViewSet

__all__ = ["AwardViewSet", "PaymentViewSet", "ProgrammeViewSet"]
