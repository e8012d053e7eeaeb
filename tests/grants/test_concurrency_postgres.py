"""Real concurrency on PostgreSQL: several managers approve at the same moment."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from accounts.models import OrganisationMembership
from grants import services
from grants.models import Award
from tests import factories as f
from tests.helpers import force_state
from workflow.errors import TransitionRefused
from workflow.models import TransitionLog

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(functions):
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def worker(i, fn):
        try:
            barrier.wait()
            results[i] = ("ok", fn())
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread met
            results[i] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_concurrent_approvals_never_take_programme_past_budget():
    central = f.OrganisationFactory(kind="charity")
    programme = f.ProgrammeFactory(managed_by=central, budget=Decimal("100000.00"))
    managers = []
    for i in range(8):
        user = f.UserFactory(username=f"racer{i}")
        f.MembershipFactory(user=user, organisation=central, role=OrganisationMembership.Role.MANAGER)
        managers.append(user)
    awards = [
        force_state(
            f.AwardFactory(programme=programme, amount_requested=Decimal("20000.00")), Award.State.IN_ASSESSMENT
        )
        for _ in range(8)
    ]

    results = run_at_once(
        [lambda a=a, m=m: services.award_approve(award=a, actor=m) for a, m in zip(awards, managers, strict=True)]
    )

    succeeded = [r for kind, r in results if kind == "ok"]
    refused = [r for kind, r in results if kind == "error"]
    assert len(succeeded) == 5
    assert len(refused) == 3
    assert all(isinstance(e, TransitionRefused) and "past its budget" in e.reason for e in refused)
    assert programme.committed_total() == Decimal("100000.00")
    assert Award.objects.filter(state=Award.State.APPROVED).count() == 5
    assert TransitionLog.objects.filter(target="approved").count() == 5


def test_concurrent_payment_scheduling_never_exceeds_award():
    central = f.OrganisationFactory(kind="charity")
    programme = f.ProgrammeFactory(managed_by=central)
    manager = f.UserFactory(username="scheduler")
    f.MembershipFactory(user=manager, organisation=central, role=OrganisationMembership.Role.MANAGER)
    award = f.AwardFactory(programme=programme, amount_requested=Decimal("10000.00"))
    award = force_state(award, Award.State.IN_ASSESSMENT)
    award = services.award_approve(award=award, actor=manager)

    results = run_at_once(
        [
            lambda: services.payment_schedule(award=award, due_on="2026-06-30", amount="3000", actor=manager)
            for _ in range(6)
        ]
    )

    assert sum(1 for kind, _ in results if kind == "ok") == 3
    assert award.scheduled_total() == Decimal("9000.00")
