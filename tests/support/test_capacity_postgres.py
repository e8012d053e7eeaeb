"""Capacity is never allocated twice, also when managers accept at the same moment (PostgreSQL row locks)."""

import pytest

from accounts.models import OrganisationMembership
from support import services
from support.models import Match, Need, Offer
from tests import factories as f
from tests.grants.test_concurrency_postgres import run_at_once
from workflow.errors import TransitionRefused
from workflow.models import TransitionLog

from .conftest import areas, join, make_need, make_offer, school

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _managers(world, n):
    people = []
    for i in range(n):
        user = f.UserFactory(username=f"support-racer{i}")
        f.MembershipFactory(user=user, organisation=world.central, role=OrganisationMembership.Role.MANAGER)
        people.append(user)
    return people


def test_managers_accepting_at_once_never_give_more_days_than_the_offer_has(world, places):
    p = world.partnership
    a = areas(p, "Attendance")
    giving = school("Oak Academy", places.sandwell)
    join(p, giving)
    offer = make_offer(world, giving, [a["Attendance"]], capacity_days=10)
    needs = []
    for i in range(6):
        needing = school(f"Needing Primary {i}", places.sandwell)
        join(p, needing)
        needs.append(make_need(world, needing, [a["Attendance"]], days_wanted=3))
    managers = _managers(world, 6)

    results = run_at_once(
        [
            lambda n=n, m=m: services.match_accept(need=n, offer=offer, actor=m, days=3)
            for n, m in zip(needs, managers, strict=True)
        ]
    )

    accepted = [r for kind, r in results if kind == "ok"]
    refused = [r for kind, r in results if kind == "error"]
    assert len(accepted) == 3
    assert len(refused) == 3
    assert all(isinstance(e, TransitionRefused) and "past its capacity" in e.reason for e in refused)
    offer.refresh_from_db()
    assert offer.days_allocated == 9
    assert Match.objects.filter(state=Match.State.ACCEPTED).count() == 3
    assert Need.objects.filter(state=Need.State.MATCHED).count() == 3
    assert TransitionLog.objects.filter(transition="allocate").count() == 3


def test_two_managers_accepting_one_need_make_one_project(world, places):
    p = world.partnership
    a = areas(p, "SEND")
    needing = school("Needing Primary", places.sandwell)
    givers = [school(f"Giving Primary {i}", places.sandwell) for i in range(2)]
    join(p, needing, *givers)
    need = make_need(world, needing, [a["SEND"]], days_wanted=2)
    offers = [make_offer(world, g, [a["SEND"]], capacity_days=4) for g in givers]
    managers = _managers(world, 2)

    results = run_at_once(
        [
            lambda o=o, m=m: services.match_accept(need=need, offer=o, actor=m)
            for o, m in zip(offers, managers, strict=True)
        ]
    )

    assert sorted(kind for kind, _ in results) == ["error", "ok"]
    assert Match.objects.filter(state=Match.State.ACCEPTED).count() == 1
    assert sum(Offer.objects.values_list("days_allocated", flat=True)) == 2
