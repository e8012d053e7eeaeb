"""The facts the ranking works on, set-based, whatever the numbers: loaded for any number of needs and
offers in a fixed number of queries, then ranked by support.matching."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum

from grants.subjects import subject_column
from partnerships.models import Organisation
from partnerships.selectors import NOTHING
from reporting.models import Evaluation
from workflow import clock

from .. import matching
from ..models import MatchingSettings, Need, Offer, SupportArea
from .weights import settings_for

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
    for offer_id, rating, reference, title in (
        Offer.evaluations.through.objects.filter(offer__in=ids, evaluation__completed_at__isnull=False)
        .order_by("offer_id", "evaluation_id")
        .values_list(
            "offer_id",
            "evaluation__rating",
            subject_column("evaluation__", "reference"),
            subject_column("evaluation__", "title"),
        )
    ):
        evidence.setdefault(offer_id, []).append(
            matching.Evidence(reference, title, rating, str(ratings.get(rating, "")))
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
