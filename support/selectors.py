"""Reads of needs, offers and matches, scoped to the person; and the facts the ranking works on,
loaded for any number of needs and offers in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q, QuerySet, Sum

from accounts import roles
from partnerships.models import Organisation, Partnership, PartnershipMember
from partnerships.selectors import NOTHING, _p, scoped
from reporting.models import Evaluation
from workflow import clock

from . import matching
from .models import Match as MatchModel
from .models import MatchingSettings, Need, Offer, SupportArea

# Who sees what ----------------------------------------------------------------------------------


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


def settings_for(partnership) -> dict[str, int]:
    found = MatchingSettings.objects.filter(partnership=partnership).first()
    return found.weights() if found else dict(matching.DEFAULT_WEIGHTS)


def parties_may_accept(partnership) -> bool:
    return MatchingSettings.objects.filter(partnership=partnership, parties_may_accept=True).exists()


# Facts for the ranking: set-based, whatever the numbers --------------------------------------------

NO_SUB_REGION = ""


def _parties(organisations: QuerySet) -> dict[int, matching.Party]:
    """Each organisation's place, trust, size band and context: two queries for any number."""
    rows = list(
        organisations.values(
            "pk",
            "name",
            "kind",
            "trust_id",
            "trust__name",
            "pupil_count",
            "phase",
            "establishment_type",
            "local_authority_id",
            "local_authority__name",
            "local_authority__sub_region_id",
            "local_authority__sub_region__name",
        )
    )
    trusts = _trust_sizes(organisations)
    establishment = dict(Organisation.EstablishmentType.choices)
    kinds = dict(Organisation.Kind.choices)
    result = {}
    for row in rows:
        trust_id = row["trust_id"] or (row["pk"] if row["kind"] == Organisation.Kind.MAT else None)
        trust_name = row["trust__name"] or (row["name"] if trust_id == row["pk"] else "")
        if trust_id is not None:
            schools, pupils = trusts.get(trust_id, (0, 0))
            band = Organisation.size_band_for(schools, pupils or None)
        elif row["kind"] == Organisation.Kind.SCHOOL:
            band = "School on its own"
        else:
            band = ""
        context = (
            " ".join(
                part
                for part in (row["phase"].lower(), establishment.get(row["establishment_type"], "").lower())
                if part
            )
            or str(kinds.get(row["kind"], "")).lower()
        )
        result[row["pk"]] = matching.Party(
            organisation_id=row["pk"],
            name=row["name"],
            trust_id=trust_id,
            trust_name=trust_name,
            size_band=band,
            context=context,
            place=matching.Place(
                la_id=row["local_authority_id"],
                la_name=row["local_authority__name"] or "",
                sub_region_id=row["local_authority__sub_region_id"],
                sub_region_name=row["local_authority__sub_region__name"] or NO_SUB_REGION,
            ),
        )
    return result


def _trust_sizes(organisations: QuerySet) -> dict[int, tuple[int, int]]:
    """Schools and pupils of every trust the organisations belong to or are."""
    trusts = Organisation.objects.filter(
        Q(pk__in=organisations.filter(trust__isnull=False).values("trust_id"))
        | Q(pk__in=organisations.filter(kind=Organisation.Kind.MAT).values("pk"))
    )
    return {
        row["trust_id"]: (row["school_total"], row["pupils"] or 0)
        for row in Organisation.objects.filter(trust__in=trusts)
        .values("trust_id")
        .order_by()
        .annotate(school_total=Count("pk"), pupils=Sum("pupil_count"))
    }


def _pairs(through_qs, left: str, right: str) -> dict[int, set]:
    found: dict[int, set] = {}
    for a, b in through_qs.values_list(left, right):
        found.setdefault(a, set()).add(b)
    return found


def need_facts(needs: QuerySet) -> list[matching.NeedFacts]:
    rows = list(
        needs.order_by().values("pk", "partnership_id", "organisation_id", "phase", "days_wanted", "same_trust_ok")
    )
    areas = _pairs(
        Need.areas.through.objects.filter(need__in=needs.order_by().values("pk")), "need_id", "supportarea_id"
    )
    parties = _parties(Organisation.objects.filter(pk__in=needs.order_by().values("organisation_id")))
    return [
        matching.NeedFacts(
            id=row["pk"],
            partnership_id=row["partnership_id"],
            party=parties[row["organisation_id"]],
            area_ids=frozenset(areas.get(row["pk"], ())),
            phase=row["phase"],
            days_wanted=row["days_wanted"],
            same_trust_ok=row["same_trust_ok"],
        )
        for row in rows
        if areas.get(row["pk"])
    ]


def offer_facts(offers: QuerySet) -> list[matching.OfferFacts]:
    ids = offers.order_by().values("pk")
    rows = list(
        offers.order_by().values(
            "pk",
            "partnership_id",
            "organisation_id",
            "title",
            "capacity_days",
            "days_allocated",
            "available_until",
            "phases",
        )
    )
    through = Offer.areas.through.objects.filter(offer__in=ids)
    areas = _pairs(through, "offer_id", "supportarea_id")
    subs = _pairs(Offer.travel_sub_regions.through.objects.filter(offer__in=ids), "offer_id", "subregion_id")
    las = _pairs(Offer.travel_local_authorities.through.objects.filter(offer__in=ids), "offer_id", "localauthority_id")
    ratings = dict(Evaluation.Rating.choices)
    evidence: dict[int, list[matching.Evidence]] = {}
    for offer_id, rating, p_ref, p_title, a_ref, a_title in (
        Offer.evaluations.through.objects.filter(offer__in=ids, evaluation__completed_at__isnull=False)
        .order_by("offer_id", "evaluation_id")
        .values_list(
            "offer_id",
            "evaluation__rating",
            "evaluation__project__reference",
            "evaluation__project__title",
            "evaluation__award__identifier",
            "evaluation__award__title",
        )
    ):
        evidence.setdefault(offer_id, []).append(
            matching.Evidence(p_ref or a_ref or "", p_title or a_title or "", rating, str(ratings.get(rating, "")))
        )
    parties = _parties(Organisation.objects.filter(pk__in=offers.order_by().values("organisation_id")))
    return [
        matching.OfferFacts(
            id=row["pk"],
            partnership_id=row["partnership_id"],
            party=parties[row["organisation_id"]],
            title=row["title"],
            area_ids=frozenset(areas.get(row["pk"], ())),
            evidence=tuple(evidence.get(row["pk"], ())),
            days_left=row["capacity_days"] - row["days_allocated"],
            available_until=row["available_until"],
            phases=frozenset(row["phases"] or ()),
            travel_la_ids=frozenset(las.get(row["pk"], ())),
            travel_sub_region_ids=frozenset(subs.get(row["pk"], ())),
        )
        for row in rows
    ]


def open_offers(*, today: dt.date | None = None) -> QuerySet:
    today = today or clock.today()
    return Offer.objects.filter(state=Offer.State.OPEN, available_until__gte=today)


def proposals_for(*, need: Need, limit: int | None = 10, today: dt.date | None = None) -> list[matching.Proposal]:
    """The ranked offers for one need, with reasons in words (a fixed number of queries)."""
    today = today or clock.today()
    facts = need_facts(Need.objects.filter(pk=need.pk))
    if not facts:
        return []
    place = facts[0].party.place
    # Only offers that share an area and can travel here (matching.distance's rule, asked of the database).
    reach = NOTHING
    if place.la_id is not None:
        reach |= Q(organisation__local_authority_id=place.la_id) | Q(travel_local_authorities=place.la_id)
    if place.sub_region_id is not None:
        reach |= Q(travel_sub_regions=place.sub_region_id)
    candidates = Offer.objects.filter(
        pk__in=open_offers(today=today)
        .filter(reach, partnership_id=need.partnership_id, areas__in=need.areas.all().values("pk"))
        .values("pk")
    )
    names = dict(SupportArea.objects.filter(partnership_id=need.partnership_id).values_list("pk", "name"))
    return matching.rank(
        facts[0], offer_facts(candidates), settings_for(need.partnership_id), today, limit, area_names=names
    )


def proposals_for_needs(*, needs: QuerySet, today: dt.date | None = None, limit: int = 10) -> dict:
    """Ranked offers for many needs at once: the bulk form (bench/bench_support.py)."""
    today = today or clock.today()
    need_rows = need_facts(needs)
    partnerships = {n.partnership_id for n in need_rows}
    offers = offer_facts(open_offers(today=today).filter(partnership_id__in=partnerships))
    weights = {s.partnership_id: s.weights() for s in MatchingSettings.objects.filter(partnership_id__in=partnerships)}
    names = dict(SupportArea.objects.filter(partnership_id__in=partnerships).values_list("pk", "name"))
    return matching.propose_all(need_rows, offers, weights, today, limit, area_names=names)


# Intelligence: need and capacity by area and sub-region; what was matched; who gave and received ----


def _by(rows, key: str) -> dict:
    return {row[key]: row for row in rows}


def need_and_capacity(*, user, today: dt.date | None = None) -> dict:
    """Open needs (and the days a term they want) beside open offers (and the days a term they have left),
    by area and by sub-region, over the needs and offers the person may see. Six queries."""
    today = today or clock.today()
    needs = Need.objects.filter(state=Need.State.OPEN)
    needs = scoped(needs, need_scope(user))
    offers = scoped(Offer.objects.filter(state=Offer.State.OPEN, available_until__gte=today), offer_scope(user))
    need_areas = Need.areas.through.objects.filter(need__in=needs.order_by().values("pk"))
    offer_areas = Offer.areas.through.objects.filter(offer__in=offers.order_by().values("pk"))
    by_area_need = _by(
        need_areas.values("supportarea__name")
        .order_by()
        .annotate(count=Count("need_id"), days=Sum("need__days_wanted")),
        "supportarea__name",
    )
    by_area_offer = _by(
        offer_areas.values("supportarea__name")
        .order_by()
        .annotate(count=Count("offer_id"), days=Sum(F("offer__capacity_days") - F("offer__days_allocated"))),
        "supportarea__name",
    )
    sub = "organisation__local_authority__sub_region__name"
    by_sub_need = _by(needs.order_by().values(sub).annotate(count=Count("pk"), days=Sum("days_wanted")), sub)
    by_sub_offer = _by(
        offers.order_by().values(sub).annotate(count=Count("pk"), days=Sum(F("capacity_days") - F("days_allocated"))),
        sub,
    )

    def rows(needed: dict, offered: dict) -> list[dict]:
        names = sorted(set(needed) | set(offered), key=lambda n: (n is None, n or ""))
        return [
            {
                "name": name or "No sub-region",
                "needs": needed.get(name, {}).get("count", 0),
                "days_needed": needed.get(name, {}).get("days", 0) or 0,
                "offers": offered.get(name, {}).get("count", 0),
                "days_offered": offered.get(name, {}).get("days", 0) or 0,
            }
            for name in names
        ]

    return {"areas": rows(by_area_need, by_area_offer), "sub_regions": rows(by_sub_need, by_sub_offer)}


def need_and_capacity_chart(chart_id: str, title: str, rows: list[dict]):
    from reporting.selectors.dashboards import Bar, Chart, ChartRow

    return Chart(
        id=chart_id,
        title=title,
        description="; ".join(f"{r['name']}: {r['days_needed']} days needed, {r['days_offered']} offered" for r in rows)
        or "Nothing yet.",
        rows=[
            ChartRow(
                r["name"],
                f"{r['days_needed']} needed, {r['days_offered']} offered",
                [Bar(r["days_offered"], "#1d70b8", "days offered"), Bar(r["days_needed"], "#d4351c", "days needed")],
            )
            for r in rows
        ],
        legend=[("#1d70b8", "Days a term offered (left)"), ("#d4351c", "Days a term needed")],
    )


def match_results(*, user, limit: int = 50) -> list:
    """Accepted matches and what came of them: the project's stage and, once evaluated, its rating."""
    from django.db.models import OuterRef, Subquery

    rating = Evaluation.objects.filter(project=OuterRef("project_id"), completed_at__isnull=False).order_by(
        "-completed_at"
    )
    matches = list(
        match_list(user=user)
        .filter(state__in=[MatchModel.State.ACCEPTED, MatchModel.State.RELEASED])
        .annotate(rating=Subquery(rating.values("rating")[:1]), stage=Subquery(rating.values("stage_reached")[:1]))
        .order_by("-accepted_at", "-id")[:limit]
    )
    ratings, stages = dict(Evaluation.Rating.choices), dict(Evaluation.Stage.choices)
    for match in matches:
        match.rating_label = str(ratings.get(match.rating, "")) if match.rating else ""
        match.stage_label = str(stages.get(match.stage, "")) if match.stage else ""
    return matches


def organisation_history(*, user, organisation) -> list[dict]:
    """The organisation as giver and receiver of support, school year by school year, from the projects
    and matches the person may see."""
    from partnerships.selectors import project_partner_list

    partners = (
        project_partner_list(user=user)
        .filter(organisation=organisation)
        .select_related("project__partnership")
        .order_by("-project__planned_start", "-project__created_at")
    )
    years: dict[str, dict] = {}
    for partner in partners:
        day = partner.project.planned_start or partner.project.created_at.date()
        start = day.year if day.month >= 9 else day.year - 1
        year = years.setdefault(f"{start}/{str(start + 1)[2:]}", {"gave": [], "received": []})
        if partner.gives_support:
            year["gave"].append(partner.project)
        if partner.receives_support:
            year["received"].append(partner.project)
    return [{"year": name, **entry} for name, entry in sorted(years.items(), reverse=True)]


def managed_matching_settings_list(*, user) -> QuerySet:
    return MatchingSettings.objects.filter(partnership__in=managed_partnership_list(user=user))
