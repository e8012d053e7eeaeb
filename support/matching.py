"""Ranking offers for a need: deterministic, explainable, weighted by the partnership.

Pure functions over plain facts (NeedFacts, OfferFacts) that the selectors load for many needs and
offers at once, a fixed number of queries whatever the numbers (support/selectors/ranking.py). Each offer
that may help a need gets points for six things, in this order — the order its reasons are written:

1. areas: the share of the need's areas the offer is strong in;
2. evidence: completed evaluations linked to the offer that show impact (met or exceeded its aims);
3. capacity: the days a term left against the days wanted;
4. distance: same local authority, same sub-region, or further (but within where it travels);
5. phase: the offer suits the need's phase of improvement (de-clutter, repair, improve, sustain);
6. difference: another trust, another size band, another context — so support does not only
   reinforce the similar.

Each is 0-100 points times the partnership's weight; ties go to the older offer (lower id). Never an
offer of the needing organisation itself, nor of its own trust unless the need asks for that; never
an offer that cannot travel there, has no days left, or has run out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

DEFAULT_WEIGHTS = {"areas": 5, "evidence": 3, "capacity": 2, "distance": 2, "phase": 2, "difference": 1}
STRONG = ("exceeded", "met")
DISTANCE_POINTS = {"same_la": 100, "same_sub_region": 60, "further": 20}


@dataclass(frozen=True)
class Place:
    la_id: int | None
    la_name: str
    sub_region_id: int | None
    sub_region_name: str


@dataclass(frozen=True)
class Party:
    organisation_id: int
    name: str
    trust_id: int | None  # the trust a school belongs to, or a trust's own id; None for a school on its own
    trust_name: str
    size_band: str
    context: str
    place: Place


@dataclass(frozen=True)
class NeedFacts:
    id: int
    partnership_id: int
    party: Party
    area_ids: frozenset[int]
    phase: str
    days_wanted: int
    same_trust_ok: bool


@dataclass(frozen=True)
class Evidence:
    reference: str
    title: str
    rating: str  # Evaluation.Rating value
    rating_label: str


@dataclass(frozen=True)
class OfferFacts:
    id: int
    partnership_id: int
    party: Party
    title: str
    area_ids: frozenset[int]
    evidence: tuple[Evidence, ...]
    days_left: int
    available_until: dt.date
    phases: frozenset[str]
    travel_la_ids: frozenset[int]
    travel_sub_region_ids: frozenset[int]


@dataclass(frozen=True)
class Reason:
    kind: str
    points: int  # 0-100 before the weight
    text: str


@dataclass
class Proposal:
    need_id: int
    offer: OfferFacts
    score: int
    points: dict[str, int]
    reasons: list[Reason] = field(default_factory=list)


def same_trust(need: NeedFacts, offer: OfferFacts) -> bool:
    return need.party.trust_id is not None and need.party.trust_id == offer.party.trust_id


def distance(need: NeedFacts, offer: OfferFacts) -> str | None:
    """ "same_la", "same_sub_region", "further" — or None when the offer does not travel there.
    An offer always reaches its own local authority; beyond that, the sub-regions and authorities it lists."""
    n, o = need.party.place, offer.party.place
    if n.la_id is not None and n.la_id == o.la_id:
        return "same_la"
    travels = (n.la_id in offer.travel_la_ids) or (n.sub_region_id in offer.travel_sub_region_ids)
    if not travels:
        return None
    if n.sub_region_id is not None and n.sub_region_id == o.sub_region_id:
        return "same_sub_region"
    return "further"


def exclusion(need: NeedFacts, offer: OfferFacts, today: dt.date) -> str | None:
    """Why this offer is never proposed for this need, in words; None when it may be."""
    o = offer.party
    if offer.partnership_id != need.partnership_id:
        return "The need and the offer are in different partnerships."
    if o.organisation_id == need.party.organisation_id:
        return f"{o.name} cannot be matched with its own need."
    if same_trust(need, offer) and not need.same_trust_ok:
        return (
            f"{o.name} is in the same trust ({o.trust_name}) as {need.party.name}, and the need does not ask "
            "for support from its own trust."
        )
    if offer.days_left <= 0:
        return f"{o.name}'s offer has no days left this term."
    if offer.available_until < today:
        return f"{o.name}'s offer ran until {offer.available_until:%d/%m/%Y}."
    if not (need.area_ids & offer.area_ids):
        return f"{o.name}'s offer is not strong in any of the areas needed."
    if distance(need, offer) is None:
        return f"{o.name} does not travel to {need.party.place.la_name or 'where the need is'}."
    return None


def excluded(need: NeedFacts, offer: OfferFacts, today: dt.date) -> bool:
    return (
        offer.partnership_id != need.partnership_id
        or offer.party.organisation_id == need.party.organisation_id
        or (same_trust(need, offer) and not need.same_trust_ok)
        or offer.days_left <= 0
        or offer.available_until < today
        or not (need.area_ids & offer.area_ids)
    )


def _differences(need: NeedFacts, offer: OfferFacts) -> list[str]:
    found = []
    if not same_trust(need, offer):
        found.append("trust")
    if need.party.size_band and offer.party.size_band and need.party.size_band != offer.party.size_band:
        found.append("size")
    if need.party.context and offer.party.context and need.party.context != offer.party.context:
        found.append("context")
    return found


def points(need: NeedFacts, offer: OfferFacts, where: str) -> dict[str, int]:
    strong = sum(1 for e in offer.evidence if e.rating in STRONG)
    partly = sum(1 for e in offer.evidence if e.rating == "partly")
    return {
        "areas": 100 * len(need.area_ids & offer.area_ids) // len(need.area_ids),
        "evidence": min(100, 50 * strong + 25 * partly),
        "capacity": min(100, 100 * offer.days_left // need.days_wanted),
        "distance": DISTANCE_POINTS[where],
        "phase": 100 if need.phase in offer.phases else 0,
        "difference": 100 * len(_differences(need, offer)) // 3,
    }


def score(need: NeedFacts, offer: OfferFacts, weights: dict[str, int], today: dt.date) -> Proposal | None:
    """The offer's points for the need, or None when it is never proposed (without the words: see explain)."""
    if excluded(need, offer, today):
        return None
    where = distance(need, offer)
    if where is None:
        return None
    each = points(need, offer, where)
    total = sum(weights.get(name, 0) * value for name, value in each.items())
    return Proposal(need_id=need.id, offer=offer, score=total, points=each)


def rank(
    need: NeedFacts, offers, weights: dict[str, int], today: dt.date, limit: int | None = 10, area_names=None
) -> list[Proposal]:
    """The offers that may help `need`, best first, each with its reasons in words."""
    proposals = [p for offer in offers if (p := score(need, offer, weights, today)) is not None]
    proposals.sort(key=lambda p: (-p.score, p.offer.id))
    chosen = proposals if limit is None else proposals[:limit]
    for proposal in chosen:
        proposal.reasons = explain(need, proposal, area_names or {})
    return chosen


def reach_keys(offer: OfferFacts) -> set[tuple[str, int]]:
    """Where an offer can go: its own local authority, and the sub-regions and authorities it lists."""
    keys = {("la", la) for la in offer.travel_la_ids} | {("sr", sr) for sr in offer.travel_sub_region_ids}
    if offer.party.place.la_id is not None:
        keys.add(("la", offer.party.place.la_id))
    return keys


def propose_all(
    needs,
    offers,
    weights_by_partnership: dict[int, dict[str, int]],
    today: dt.date,
    limit: int = 10,
    area_names: dict[int, str] | None = None,
):
    """Proposals for many needs at once. Offers are indexed by (partnership, area, where they reach), so a
    need meets only the offers that share one of its areas and can travel to it — the real candidates,
    never every pair — and only the best `limit` of each are put into words."""
    index: dict[tuple, list[OfferFacts]] = {}
    for offer in offers:
        if offer.days_left <= 0 or offer.available_until < today:
            continue
        for key in reach_keys(offer):
            for area_id in offer.area_ids:
                index.setdefault((offer.partnership_id, area_id, key), []).append(offer)
    result = {}
    for need in needs:
        place = need.party.place
        keys = [("la", place.la_id), ("sr", place.sub_region_id)]
        seen: dict[int, OfferFacts] = {}
        for area_id in need.area_ids:
            for key in keys:
                for offer in index.get((need.partnership_id, area_id, key), ()):
                    seen[offer.id] = offer
        weights = weights_by_partnership.get(need.partnership_id, DEFAULT_WEIGHTS)
        result[need.id] = rank(need, seen.values(), weights, today, limit, area_names)
    return result


# Words --------------------------------------------------------------------------------------------


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def explain(need: NeedFacts, proposal: Proposal, area_names: dict[int, str]) -> list[Reason]:
    offer, each = proposal.offer, proposal.points
    shared = sorted(area_names.get(a, f"area {a}") for a in need.area_ids & offer.area_ids)
    reasons = [
        Reason(
            "areas",
            each["areas"],
            f"Strong in {len(shared)} of the {len(need.area_ids)} areas needed: {_join(shared)}."
            if len(need.area_ids) > 1
            else f"Strong in the area needed: {_join(shared)}.",
        ),
        Reason("evidence", each["evidence"], _evidence_words(offer)),
        Reason("capacity", each["capacity"], _capacity_words(need, offer)),
        Reason("distance", each["distance"], _distance_words(need, offer)),
        Reason("phase", each["phase"], _phase_words(need, offer)),
        Reason("difference", each["difference"], _difference_words(need, offer)),
    ]
    return reasons


def _evidence_words(offer: OfferFacts) -> str:
    strong = [e for e in offer.evidence if e.rating in STRONG]
    partly = [e for e in offer.evidence if e.rating == "partly"]
    if not (strong or partly):
        return "No completed evaluation in Exchange shows impact yet: the offer rests on its own words."
    shown = [f"{e.reference} “{e.title}” {e.rating_label.lower()}" for e in (strong + partly)[:3]]
    count = len(strong) + len(partly)
    return f"Evidence of impact from {count} completed evaluation{'s' if count != 1 else ''}: {'; '.join(shown)}."


def _capacity_words(need: NeedFacts, offer: OfferFacts) -> str:
    until = f"{offer.available_until.day} {offer.available_until:%B %Y}"
    left = f"{offer.days_left} day{'s' if offer.days_left != 1 else ''} a term left until {until}"
    if offer.days_left >= need.days_wanted:
        return f"{left}; {need.days_wanted} wanted."
    return f"Only {left}; {need.days_wanted} wanted."


def _distance_words(need: NeedFacts, offer: OfferFacts) -> str:
    n, o = need.party.place, offer.party.place
    where = distance(need, offer)
    if where == "same_la":
        return f"Close by: both in {n.la_name}."
    if where == "same_sub_region":
        return f"Same sub-region: {o.la_name} and {n.la_name} are both in {n.sub_region_name}."
    origin = f"{o.la_name or 'elsewhere'} ({o.sub_region_name or 'no sub-region'})"
    return f"Further: from {origin}, and it travels to {n.la_name}."


PHASE_LABELS = {"declutter": "de-clutter", "repair": "repair", "improve": "improve", "sustain": "sustain"}


def _phase_words(need: NeedFacts, offer: OfferFacts) -> str:
    phase = PHASE_LABELS.get(need.phase, need.phase)
    if need.phase in offer.phases:
        return f"Suits schools in the {phase} phase."
    if not offer.phases:
        return f"Has not said which phases it suits; the need is in the {phase} phase."
    suits = _join([PHASE_LABELS.get(p, p) for p in sorted(offer.phases, key=list(PHASE_LABELS).index)])
    return f"Suits the {suits} phase{'s' if len(offer.phases) > 1 else ''}, not {phase}."


def _difference_words(need: NeedFacts, offer: OfferFacts) -> str:
    found = _differences(need, offer)
    words = []
    if "trust" in found:
        words.append(f"another trust ({offer.party.trust_name or 'not in a trust'})")
    if "size" in found:
        words.append(f"another size band ({offer.party.size_band}, not {need.party.size_band})")
    if "context" in found:
        words.append(f"another context ({offer.party.context}, not {need.party.context})")
    if not words:
        if same_trust(need, offer):
            return "Similar: the same trust (asked for), size band and context."
        return "Similar: the same size band and context."
    return "Different: " + _join(words) + "."
