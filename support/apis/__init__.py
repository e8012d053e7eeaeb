"""REST API for support matching: /api/v1/needs/, /api/v1/offers/, /api/v1/needs/{id}/matches/ (ranked
offers with their reasons) and POST /api/v1/needs/{id}/matches/accept/. A module per resource (needs,
offers; the filters in support/filters.py). Reads through the selectors, writes through the services,
the same permissions as the pages."""

from ..filters import NeedFilter, OfferFilter
from .needs import (
    AcceptSerializer,
    FigureSerializer,
    IntelligenceSerializer,
    MatchSerializer,
    NeedCreateSerializer,
    NeedEditSerializer,
    NeedSerializer,
    NeedViewSet,
    ProposalSerializer,
    ReasonSerializer,
)
from .offers import OfferCreateSerializer, OfferEditSerializer, OfferSerializer, OfferViewSet

__all__ = [
    "AcceptSerializer",
    "FigureSerializer",
    "IntelligenceSerializer",
    "MatchSerializer",
    "NeedCreateSerializer",
    "NeedEditSerializer",
    "NeedFilter",
    "NeedSerializer",
    "NeedViewSet",
    "OfferCreateSerializer",
    "OfferEditSerializer",
    "OfferFilter",
    "OfferSerializer",
    "OfferViewSet",
    "ProposalSerializer",
    "ReasonSerializer",
]
