"""Support matching at size: proposing offers for 5,000 needs against 5,000 offers (ranked, top ten each,
with their reasons in words), beside a plain query of the same candidates — the need/offer pairs that
share an area and that the offer can travel to — in the same run, on a fresh SQLite file.

The data: six sub-regions of five local authorities each, 24 areas, 10,000 schools in 400 trusts, needs of
one or two areas, offers of one to three with their own authority and one or two sub-regions to travel to,
a third of the offers with completed evaluations as evidence. BENCH_NEEDS=5000 BENCH_OFFERS=5000 change
the numbers. Also times the need page's own ranking (one need, every offer of the partnership).
"""

import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEEDS = int(os.environ.get("BENCH_NEEDS", "5000"))
OFFERS = int(os.environ.get("BENCH_OFFERS", "5000"))
AREAS = 24
TODAY = dt.date(2026, 10, 1)

PLAIN_QUERY = """
SELECT DISTINCT na.need_id, oa.offer_id
FROM support_need_areas na
JOIN support_need n ON n.id = na.need_id
JOIN partnerships_organisation norg ON norg.id = n.organisation_id
JOIN partnerships_localauthority nla ON nla.id = norg.local_authority_id
JOIN support_offer_areas oa ON oa.supportarea_id = na.supportarea_id
JOIN support_offer o ON o.id = oa.offer_id
JOIN partnerships_organisation oorg ON oorg.id = o.organisation_id
WHERE n.state = 'open' AND o.state = 'open' AND o.partnership_id = n.partnership_id
  AND o.capacity_days > o.days_allocated AND o.available_until >= %s
  AND (oorg.local_authority_id = norg.local_authority_id
       OR EXISTS (SELECT 1 FROM support_offer_travel_local_authorities t
                  WHERE t.offer_id = o.id AND t.localauthority_id = norg.local_authority_id)
       OR EXISTS (SELECT 1 FROM support_offer_travel_sub_regions s
                  WHERE s.offer_id = o.id AND s.subregion_id = nla.sub_region_id))
"""


def build(rng: random.Random) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from partnerships.models import LocalAuthority, Organisation, Partnership, Project, Region, SubRegion
    from reporting.models import Evaluation
    from support.models import Need, Offer, SupportArea

    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench-only")
    region, _ = Region.objects.get_or_create(code="E12000005", defaults={"name": "West Midlands"})
    subs = [SubRegion.objects.create(region=region, name=f"Bench sub-region {i}", number=i) for i in range(1, 7)]
    las = [
        LocalAuthority.objects.create(
            name=f"Bench authority {s.number}-{j}", gss_code=f"X{s.number:02d}{j:06d}", region=region, sub_region=s
        )
        for s in subs
        for j in range(5)
    ]
    lead = Organisation.objects.create(name="Bench Exchange", kind="charity", identifier="GB-CHC-9000000")
    partnership = Partnership.objects.create(
        name="Bench partnership", region=region, lead_organisation=lead, starts_on=TODAY
    )
    trusts = Organisation.objects.bulk_create(
        Organisation(name=f"Trust {i}", kind="mat", identifier=f"GB-COH-T{i:06d}", local_authority=rng.choice(las))
        for i in range(400)
    )
    schools = Organisation.objects.bulk_create(
        Organisation(
            name=f"School {i}",
            kind="school",
            identifier=f"GB-EDU-{100000 + i}",
            local_authority=rng.choice(las),
            trust=rng.choice(trusts) if rng.random() < 0.8 else None,
            pupil_count=rng.randint(90, 1400),
            phase=rng.choice(["Primary", "Secondary"]),
            establishment_type=rng.choice(["academy", "maintained", "special"]),
        )
        for i in range(NEEDS + OFFERS)
    )
    areas = SupportArea.objects.bulk_create(
        SupportArea(partnership=partnership, name=f"Area {i}") for i in range(AREAS)
    )
    phases = ["declutter", "repair", "improve", "sustain"]
    needs = Need.objects.bulk_create(
        Need(
            partnership=partnership,
            organisation=schools[i],
            title=f"Need {i}",
            phase=rng.choice(phases),
            days_wanted=rng.randint(1, 5),
            shared=True,
            created_by=user,
        )
        for i in range(NEEDS)
    )
    offers = Offer.objects.bulk_create(
        Offer(
            partnership=partnership,
            organisation=schools[NEEDS + i],
            title=f"Offer {i}",
            capacity_days=rng.randint(2, 10),
            available_until=TODAY + dt.timedelta(days=rng.randint(-30, 600)),
            phases=rng.sample(phases, rng.randint(1, 3)),
            created_by=user,
        )
        for i in range(OFFERS)
    )
    Need.areas.through.objects.bulk_create(
        Need.areas.through(need_id=n.pk, supportarea_id=a.pk)
        for n in needs
        for a in rng.sample(areas, rng.randint(1, 2))
    )
    Offer.areas.through.objects.bulk_create(
        Offer.areas.through(offer_id=o.pk, supportarea_id=a.pk)
        for o in offers
        for a in rng.sample(areas, rng.randint(1, 3))
    )
    Offer.travel_sub_regions.through.objects.bulk_create(
        Offer.travel_sub_regions.through(offer_id=o.pk, subregion_id=s.pk)
        for o in offers
        for s in rng.sample(subs, rng.randint(1, 2))
    )
    projects = Project.objects.bulk_create(
        Project(
            partnership=partnership,
            reference=f"BENCH-{i:04d}",
            title=f"Project {i}",
            lead_organisation=rng.choice(schools),
        )
        for i in range(300)
    )
    now = timezone.now()
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(project=p, rating=rng.choice(["exceeded", "met", "partly", "not_met"]), completed_at=now)
        for p in projects
    )
    Offer.evaluations.through.objects.bulk_create(
        Offer.evaluations.through(offer_id=o.pk, evaluation_id=e.pk)
        for o in offers
        if rng.random() < 0.33
        for e in rng.sample(evaluations, rng.randint(1, 2))
    )


def worker() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries

    from support import selectors
    from support.models import Need

    call_command("migrate", verbosity=0)
    rng = random.Random(18)
    start = time.perf_counter()
    build(rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the planner's statistics after the bulk inserts, for both databases
    print(f"built {NEEDS:,} needs and {OFFERS:,} offers in {time.perf_counter() - start:.1f} s", flush=True)

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(PLAIN_QUERY, [TODAY])
        pairs = cursor.fetchall()
    plain = time.perf_counter() - start

    from django.conf import settings

    settings.DEBUG = True
    reset_queries()
    start = time.perf_counter()
    proposals = selectors.proposals_for_needs(needs=Need.objects.all(), today=TODAY)
    proposing = time.perf_counter() - start
    queries = len(connection.queries)
    settings.DEBUG = False

    proposed = sum(len(v) for v in proposals.values())
    candidates = {(need_id, p.offer.id) for need_id, ps in proposals.items() for p in ps}
    assert candidates <= set(pairs), "a proposal outside the plain query's candidates"
    with_reasons = all(len(p.reasons) == 6 for ps in proposals.values() for p in ps)
    db = connection.vendor[:8]
    print(f"{db:8}  plain query of the candidate pairs   {len(pairs):>10,} pairs      {plain:6.2f} s")
    print(
        f"{db:8}  proposals: facts, score, rank, words {proposed:>10,} proposals  {proposing:6.2f} s  "
        f"{proposing / plain:.2f}x the plain query  ({queries} queries, every proposal with 6 reasons: {with_reasons})"
    )
    sample = list(Need.objects.order_by("?")[:40])
    times = []
    for need in sample:
        reset_queries()
        start = time.perf_counter()
        selectors.proposals_for(need=need, today=TODAY)
        times.append(time.perf_counter() - start)
    print(f"{db:8}  one need's page ranking (median of {len(sample)})  {statistics.median(times) * 1000:8.1f} ms")
    sys.stdout.flush()


PG = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def _postgres_database(name: str, create: bool) -> bool:
    """A throwaway PostgreSQL database for the same run (False, with a message, where none answers)."""
    try:
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            if create:
                conn.execute(f"CREATE DATABASE {name}")
        return True
    except Exception as error:  # noqa: BLE001 - any failure means: measure SQLite only
        print(f"postgresql  skipped: {error}")
        return False


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        subprocess.run([sys.executable, "-m", "bench.bench_support", "--worker"], cwd=ROOT, env=env, check=True)
    if _postgres_database("bench_support", create=True):
        try:
            env = {**os.environ, "DATABASE_URL": f"{PG}/bench_support", "DJANGO_SETTINGS_MODULE": "config.settings"}
            subprocess.run([sys.executable, "-m", "bench.bench_support", "--worker"], cwd=ROOT, env=env, check=True)
        finally:
            _postgres_database("bench_support", create=False)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        worker()
    else:
        main()
