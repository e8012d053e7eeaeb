"""Every write on needs, offers and matches, a module per concern (needs, offers, matches, the
partnership's lists); import them from here (as `support.services`). Atomic; locks the need before
the offer (one order everywhere, so two managers accepting at once queue instead of deadlocking);
every change logged."""

from .lists import area_add, matching_settings_save
from .matches import match_accept, match_accept_refusal, match_agree, match_decline, release_for_project
from .needs import NEED_FIELDS, need_create, need_edit_refusal, need_transition, need_update
from .offers import OFFER_FIELDS, offer_create, offer_edit_refusal, offer_transition, offer_update

__all__ = [
    "NEED_FIELDS",
    "OFFER_FIELDS",
    "area_add",
    "match_accept",
    "match_accept_refusal",
    "match_agree",
    "match_decline",
    "matching_settings_save",
    "need_create",
    "need_edit_refusal",
    "need_transition",
    "need_update",
    "offer_create",
    "offer_edit_refusal",
    "offer_transition",
    "offer_update",
    "release_for_project",
]
