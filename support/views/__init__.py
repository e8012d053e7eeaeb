"""Pages for support matching under /support/, a module per concern (needs, matches, offers, the
managers' intelligence and settings): thin, reading through selectors, writing through services.
support/urls.py names them from here."""

from .intelligence import intelligence, organisation_history, partnership_settings
from .matches import match_decline, need_accept, need_agree
from .needs import need_create, need_detail, need_edit, need_list, need_step
from .offers import offer_create, offer_detail, offer_edit, offer_list, offer_step

__all__ = [
    "intelligence",
    "match_decline",
    "need_accept",
    "need_agree",
    "need_create",
    "need_detail",
    "need_edit",
    "need_list",
    "need_step",
    "offer_create",
    "offer_detail",
    "offer_edit",
    "offer_list",
    "offer_step",
    "organisation_history",
    "partnership_settings",
]
