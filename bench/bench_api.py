"""REST API lists: a page of 200 rows (serialized, with available_transitions and related rows) against
the reference of reading the same 200 rows' columns straight from the ORM, in the same run.

Builds 1,000 awards (each with a project, partners, two payments, an accepted update with results)
in a throwaway test database (SQLite in memory by default; PostgreSQL's test_<name> when DATABASE_URL
points there), then times GET /api/v1/<list>/?page_size=200 as a programme manager with a token.
Aim: queries per request constant (the same at 20 and 200 rows) and a 200-row page well under a
second. The rest of the gap to the raw read is DRF building model instances and serializing ~35
fields a row (about 0.4 ms a row, measured with cProfile), not the database.
"""

import datetime as dt
import time
from decimal import Decimal

AWARDS = 1000
LISTS = ["awards", "projects", "payments", "updates", "transitions"]


def _build(n: int):
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import OrganisationMembership
    from grants.models import Award, FundingProgramme, Payment
    from partnerships.models import (
        LocalAuthority,
        Organisation,
        Partnership,
        Project,
        ProjectPartner,
        Region,
        SubRegion,
    )
    from reporting.models import Indicator, IndicatorResult, ProgressUpdate
    from workflow.models import TransitionLog

    region = Region.objects.create(name="West Midlands", code="E12000005")
    sub = SubRegion.objects.create(region=region, name="Black Country", number=2)
    la = LocalAuthority.objects.create(name="Walsall", gss_code="E08000030", region=region, sub_region=sub)
    central = Organisation.objects.create(name="Bench Alliance", kind="charity", identifier="GB-CHC-1000002")
    funder = Organisation.objects.create(name="Bench Foundation", kind="funder", identifier="GB-CHC-1000001")
    manager = get_user_model().objects.create(username="bench-manager")
    OrganisationMembership.objects.create(user=manager, organisation=central, role="manager")
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Trust {i}", kind="mat", identifier=f"GB-COH-{20000000 + i}", local_authority=la)
        for i in range(50)
    )
    partnership = Partnership.objects.create(
        name="Bench partnership", region=region, lead_organisation=central, starts_on=dt.date(2025, 9, 1)
    )
    programme = FundingProgramme.objects.create(
        name="Bench programme",
        funder=funder,
        managed_by=central,
        partnership=partnership,
        budget=Decimal("100000000.00"),
        opens_on=dt.date(2025, 9, 1),
        closes_on=dt.date(2028, 8, 31),
        identifier_prefix="360G-BENCH",
    )
    projects = Project.objects.bulk_create(
        Project(
            partnership=partnership,
            reference=f"BENCH-{i:04d}",
            title=f"Peer review project {i}",
            lead_organisation=orgs[i % 50],
            theme="peer_review",
            summary="Headteachers review each other's schools.",
            state="in_delivery",
        )
        for i in range(n)
    )
    ProjectPartner.objects.bulk_create(
        ProjectPartner(project=p, organisation=orgs[(i + k) % 50], receives_support=True)
        for i, p in enumerate(projects)
        for k in (1, 2)
    )
    awards = Award.objects.bulk_create(
        Award(
            identifier=f"360G-BENCH-{i:05d}",
            programme=programme,
            recipient=orgs[i % 50],
            project=projects[i],
            title=f"Award {i}",
            amount_requested=Decimal("20000.00"),
            amount_awarded=Decimal("20000.00"),
            state="active",
        )
        for i in range(n)
    )
    Payment.objects.bulk_create(
        Payment(award=a, due_on=dt.date(2026, 3, 31), amount=Decimal("5000.00"), state=state)
        for a in awards
        for state in ("paid", "scheduled")
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(award=a, name="Children reached", unit="children", target=Decimal("500")) for a in awards
    )
    updates = ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            award=a,
            period_start=dt.date(2026, 1, 5),
            period_end=dt.date(2026, 3, 31),
            progress="Twelve peer reviews completed.",
            state="accepted",
            author=manager,
        )
        for a in awards
    )
    IndicatorResult.objects.bulk_create(
        IndicatorResult(update=u, indicator=i, value=Decimal("120")) for u, i in zip(updates, indicators, strict=True)
    )
    ct = ContentType.objects.get_for_model(Award)
    TransitionLog.objects.bulk_create(
        TransitionLog(
            content_type=ct,
            object_id=a.pk,
            object_repr=str(a),
            transition="activate",
            source="approved",
            target="active",
            actor=manager,
        )
        for a in awards
    )
    return manager


def _best(fn, repeat=5):
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def main():
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from grants.selectors import award_list, payment_list
    from partnerships.selectors import project_list
    from reporting.selectors import update_list
    from workflow.selectors import transition_list

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        start = time.perf_counter()
        manager = _build(AWARDS)
        print(
            f"built {AWARDS} awards with projects, payments, updates on {connection.vendor} "
            f"in {time.perf_counter() - start:.1f} s"
        )
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=manager).key}")
        raw = {
            "awards": award_list,
            "projects": project_list,
            "payments": payment_list,
            "updates": update_list,
            "transitions": transition_list,
        }
        for name in LISTS:
            url = f"/api/v1/{name}/"
            queries = {}
            for size in (20, 200):
                with CaptureQueriesContext(connection) as ctx:
                    assert client.get(url, {"page_size": size}).status_code == 200
                queries[size] = len(ctx.captured_queries)
            api = _best(lambda url=url: client.get(url, {"page_size": 200}))
            ref = _best(lambda name=name: list(raw[name](user=manager)[:200].values()))
            print(
                f"{name:12} 200 rows: API {api * 1000:6.1f} ms, raw ORM read {ref * 1000:5.1f} ms "
                f"({api / ref:4.1f}x); queries {queries[20]} at 20 rows, {queries[200]} at 200 rows"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
