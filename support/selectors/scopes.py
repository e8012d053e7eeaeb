"""Who sees what: needs, offers and matches scoped to the person, and what they may pick from
(partnerships, organisations, areas, evaluations as evidence) when they record one."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts import roles
from partnerships.models import Organisation, Partnership, PartnershipMember
from partnerships.selectors import NOTHING, _p, scoped

from ..models import Match as MatchModel
from ..models import Need, Offer, SupportArea


def need_scope(user, prefix: str = "") -> Q | None:
    """A need is the needing organisation's and the partnership managers'; an offering organisation
    (one with an offer in that partnership) sees it once it is shared and open, or matched with its offer."""
    r = roles.of(user)
    if r.is_admin:
        return None
    q = NOTHING
    if r.manager_orgs:
        q |= _p(prefix, partnership__lead_organisation_id__in=r.manager_orgs)
    if r.partner_orgs:
        q |= _p(prefix, organisation_id__in=r.partner_orgs)
        offering_in = Offer.objects.filter(organisation_id__in=r.partner_orgs).values("partnership_id")
        q |= _p(prefix, shared=True, state=Need.State.OPEN, partnership_id__in=offering_in)
        matched = MatchModel.objects.filter(offer__organisation_id__in=r.partner_orgs).values("need_id")
        q |= _p(prefix, pk__in=matched)
    return q


def offer_scope(user, prefix: str = "") -> Q | None:
    """Offers are what a partnership's members can draw on: every member organisation's people see them,
    as do the partnership's managers."""
    r = roles.of(user)
    if r.is_admin:
        return None
    q = NOTHING
    if r.manager_orgs:
        q |= _p(prefix, partnership__lead_organisation_id__in=r.manager_orgs)
    if r.partner_orgs:
        q |= _p(prefix, organisation_id__in=r.partner_orgs)
        member_of = PartnershipMember.objects.filter(organisation_id__in=r.partner_orgs).values("partnership_id")
        q |= _p(prefix, partnership_id__in=member_of)
    return q


def match_scope(user, prefix: str = "") -> Q | None:
    r = roles.of(user)
    if r.is_admin:
        return None
    q = NOTHING
    if r.manager_orgs:
        q |= _p(prefix, need__partnership__lead_organisation_id__in=r.manager_orgs)
    if r.partner_orgs:
        q |= _p(prefix, need__organisation_id__in=r.partner_orgs) | _p(
            prefix, offer__organisation_id__in=r.partner_orgs
        )
    return q


def need_list(*, user) -> QuerySet:
    return scoped(
        Need.objects.select_related("partnership", "organisation__local_authority__sub_region").prefetch_related(
            "areas"
        ),
        need_scope(user),
    )


def offer_list(*, user) -> QuerySet:
    return scoped(
        Offer.objects.select_related("partnership", "organisation__local_authority__sub_region").prefetch_related(
            "areas"
        ),
        offer_scope(user),
    )


def match_list(*, user) -> QuerySet:
    return scoped(
        MatchModel.objects.select_related(
            "need__organisation", "need__partnership", "offer__organisation", "project", "accepted_by"
        ),
        match_scope(user),
    )


def support_partnership_list(*, user) -> QuerySet:
    """Partnerships a person may record a need or offer in: those they manage; for a partner, those their
    organisation is a member of."""
    r = roles.of(user)
    if r.is_admin:
        return Partnership.objects.all()
    return Partnership.objects.filter(
        Q(lead_organisation_id__in=r.manager_orgs) | Q(members__organisation_id__in=r.partner_orgs)
    ).distinct()


def managed_partnership_list(*, user) -> QuerySet:
    r = roles.of(user)
    return (
        Partnership.objects.all() if r.is_admin else Partnership.objects.filter(lead_organisation_id__in=r.manager_orgs)
    )


def support_organisation_list(*, user) -> QuerySet:
    """Organisations a person may record a need or offer for: their own as a partner; any member of a
    partnership they manage."""
    r = roles.of(user)
    if r.is_admin:
        return Organisation.objects.all()
    managed = PartnershipMember.objects.filter(partnership__lead_organisation_id__in=r.manager_orgs).values(
        "organisation_id"
    )
    return Organisation.objects.filter(Q(pk__in=r.partner_orgs) | Q(pk__in=managed))


def area_list(*, user) -> QuerySet:
    return SupportArea.objects.filter(partnership__in=support_partnership_list(user=user)).select_related("partnership")


def evidence_list(*, user) -> QuerySet:
    """Completed evaluations a person may link as evidence: those of their organisation's own work (or,
    for a manager, their partnerships' work), as the what-works library shows them."""
    from reporting.selectors import lesson_list

    return lesson_list(user=user).select_related("project", "award")
