"""Reads of needs, offers and matches, scoped to the person (scopes); each partnership's matching
settings (weights); the facts the ranking works on, loaded for any number of needs and offers in a
fixed number of queries (ranking); and the intelligence pages' figures (intelligence). Import them
from here (as `support.selectors`)."""

from .intelligence import match_results, need_and_capacity, need_and_capacity_chart, organisation_history
from .ranking import NO_SUB_REGION, need_facts, offer_facts, open_offers, proposals_for, proposals_for_needs
from .scopes import (
    area_list,
    evidence_list,
    managed_partnership_list,
    match_list,
    match_scope,
    need_list,
    need_scope,
    offer_list,
    offer_scope,
    support_organisation_list,
    support_partnership_list,
)
from .weights import managed_matching_settings_list, parties_may_accept, settings_for

__all__ = [
    "NO_SUB_REGION",
    "area_list",
    "evidence_list",
    "managed_matching_settings_list",
    "managed_partnership_list",
    "match_list",
    "match_results",
    "match_scope",
    "need_and_capacity",
    "need_and_capacity_chart",
    "need_facts",
    "need_list",
    "need_scope",
    "offer_facts",
    "offer_list",
    "offer_scope",
    "open_offers",
    "organisation_history",
    "parties_may_accept",
    "proposals_for",
    "proposals_for_needs",
    "settings_for",
    "support_organisation_list",
    "support_partnership_list",
]
