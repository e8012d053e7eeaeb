"""The ranking on hand-made cases: each reason present, in words, in the right order; exclusions;
the partnership's weights; ties settled the same way every time."""

import datetime as dt

import pytest

from support import selectors, services
from support.models import Offer

from .conftest import areas, completed_evaluation, join, make_need, make_offer, school, trust

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world, places):
    p = world.partnership
    a = areas(p, "Attendance", "SEND", "Curriculum")
    t1 = trust("Sandwell Starter Trust", places.sandwell)
    t2 = trust("Oakfield Learning Trust", places.sandwell)
    t3 = trust("Midlands National Trust", places.coventry)
    greenfield = school("Greenfield Primary", places.sandwell, t1)
    damson = school("Damson Primary", places.sandwell, t1)
    oak = school("Oak Academy", places.sandwell, t2, phase="Secondary", pupils=900)
    for i in range(7):
        school(f"Oakfield school {i}", places.dudley, t2)
    birch = school("Birch Primary", places.dudley, None)
    cedar = school("Cedar Primary", places.coventry, t3)
    for i in range(15):
        school(f"National school {i}", places.coventry, t3)
    elm = school("Elm Primary", places.birmingham, None)
    fir = school("Fir Primary", places.sandwell, None)
    join(p, greenfield, damson, oak, birch, cedar, elm, fir)
    need = make_need(world, greenfield, [a["Attendance"], a["SEND"]], phase="repair", days_wanted=4)
    evidence_oak = completed_evaluation(p, oak, "met", "Attendance hubs")
    cedar_ev = [
        completed_evaluation(p, cedar, "exceeded", "SEND outreach"),
        completed_evaluation(p, cedar, "met", "SEND review"),
    ]
    offers = {
        "oak": make_offer(world, oak, [a["Attendance"], a["SEND"]], capacity_days=6, phases=["repair"]),
        "birch": make_offer(
            world,
            birch,
            [a["Attendance"]],
            capacity_days=2,
            phases=["improve"],
            travel_local_authorities=[places.sandwell],
        ),
        "cedar": make_offer(
            world,
            cedar,
            [a["SEND"]],
            capacity_days=10,
            phases=["repair", "improve"],
            travel_sub_regions=[places.black_country],
        ),
        "damson": make_offer(world, damson, [a["Attendance"], a["SEND"]]),
        "elm": make_offer(world, elm, [a["Attendance"], a["SEND"]]),
        "fir": make_offer(world, fir, [a["Curriculum"]]),
        "expired": make_offer(world, fir, [a["Attendance"]], available_until=dt.date(2026, 1, 1)),
    }
    Offer.evaluations.through.objects.create(offer=offers["oak"], evaluation=evidence_oak)
    for e in cedar_ev:
        Offer.evaluations.through.objects.create(offer=offers["cedar"], evaluation=e)
    return need, offers


def ranked(need, **kwargs):
    return selectors.proposals_for(need=need, today=dt.date(2026, 6, 1), **kwargs)


def test_offers_come_best_first_with_their_scores(case):
    need, offers = case
    result = ranked(need)
    assert [p.offer.id for p in result] == [offers["oak"].pk, offers["cedar"].pk, offers["birch"].pk]
    assert [p.score for p in result] == [1350, 1056, 536]


def test_each_reason_is_given_in_words_in_a_fixed_order(case):
    need, _ = case
    oak, cedar, birch = ranked(need)
    assert [r.kind for r in oak.reasons] == ["areas", "evidence", "capacity", "distance", "phase", "difference"]
    words = {r.kind: r.text for r in oak.reasons}
    assert words["areas"] == "Strong in 2 of the 2 areas needed: Attendance and SEND."
    assert "Evidence of impact from 1 completed evaluation" in words["evidence"]
    assert "“Attendance hubs” met its aims" in words["evidence"]
    assert words["capacity"] == "6 days a term left until 31 July 2030; 4 wanted."
    assert words["distance"] == "Close by: both in Sandwell."
    assert words["phase"] == "Suits schools in the repair phase."
    assert words["difference"] == (
        "Different: another trust (Oakfield Learning Trust), "
        "another size band (Established trust, not Starter trust) and "
        "another context (secondary academy, not primary academy)."
    )
    cedar_words = {r.kind: r.text for r in cedar.reasons}
    assert cedar_words["areas"] == "Strong in 1 of the 2 areas needed: SEND."
    assert "2 completed evaluations" in cedar_words["evidence"]
    assert (
        cedar_words["distance"]
        == "Further: from Coventry (Coventry, Solihull and Warwickshire), and it travels to Sandwell."
    )
    birch_words = {r.kind: r.text for r in birch.reasons}
    assert birch_words["evidence"].startswith("No completed evaluation in Exchange shows impact yet")
    assert birch_words["capacity"] == "Only 2 days a term left until 31 July 2030; 4 wanted."
    assert birch_words["distance"] == "Same sub-region: Dudley and Sandwell are both in Black Country."
    assert birch_words["phase"] == "Suits the improve phase, not repair."
    assert birch_words["difference"] == (
        "Different: another trust (not in a trust) and another size band (School on its own, not Starter trust)."
    )


def test_same_trust_other_places_other_areas_and_lapsed_offers_are_never_proposed(case):
    need, offers = case
    proposed = {p.offer.id for p in ranked(need, limit=None)}
    for excluded in ("damson", "elm", "fir", "expired"):
        assert offers[excluded].pk not in proposed, excluded


def test_the_same_trust_is_proposed_when_the_need_asks_for_it(case, world):
    need, offers = case
    services.need_update(need=need, actor=world.manager, same_trust_ok=True)
    result = {p.offer.id: p for p in ranked(need, limit=None)}
    assert offers["damson"].pk in result
    difference = [r.text for r in result[offers["damson"].pk].reasons if r.kind == "difference"]
    assert difference == ["Similar: the same trust (asked for), size band and context."]


def test_the_partnerships_weights_change_the_order(case, world):
    need, offers = case
    services.matching_settings_save(partnership=world.partnership, actor=world.manager, weight_evidence=20)
    assert [p.offer.id for p in ranked(need)][:2] == [offers["cedar"].pk, offers["oak"].pk]


def test_equal_offers_are_ordered_by_age_every_time(world, places):
    p = world.partnership
    a = areas(p, "Attendance")
    needing = school("Needing Primary", places.sandwell)
    first, second = school("First Primary", places.dudley), school("Second Primary", places.dudley)
    join(p, needing, first, second)
    need = make_need(world, needing, [a["Attendance"]])
    older = make_offer(world, first, [a["Attendance"]], travel_sub_regions=[places.black_country])
    newer = make_offer(world, second, [a["Attendance"]], travel_sub_regions=[places.black_country])
    for _ in range(3):
        result = ranked(need)
        assert [r.offer.id for r in result] == [older.pk, newer.pk]
        assert result[0].score == result[1].score


def test_ranking_one_need_takes_the_same_queries_for_three_offers_or_thirty(case, django_assert_max_num_queries):
    need, _ = case
    with django_assert_max_num_queries(14):
        ranked(need)


def test_proposing_for_many_needs_at_once_gives_what_each_need_gets_alone(case, world, places):
    need, offers = case
    second = school("Second Needing Primary", places.dudley)
    join(world.partnership, second)
    other = make_need(world, second, list(need.areas.all()))
    together = selectors.proposals_for_needs(needs=type(need).objects.all(), today=dt.date(2026, 6, 1))
    for one in (need, other):
        alone = ranked(one)
        assert [(p.offer.id, p.score, p.reasons) for p in together[one.pk]] == [
            (p.offer.id, p.score, p.reasons) for p in alone
        ]
    assert together[need.pk]
