"""Due periods, the overdue list and the reminder run at programme scale, beside a plain award query.

Builds a throwaway test database (in memory on SQLite, `test_<name>` on PostgreSQL), fills one
programme with N active termly awards (three periods each, one accepted update per award), then
times, for a programme manager:
- reference: fetching the same N awards with their programme and recipient (one query);
- outstanding: the overdue page's first page of each list (overdue, awaiting review, due soon), read from the
  kept due periods (reporting.selectors.due_rows);
- reminders_send: the first run (emails into memory) and a second run (nothing to send).
"""

import datetime as dt
import time
from decimal import Decimal

import django

SIZES = (200, 1000)


def _timed(fn, repeat=3):
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def _build(n: int):
    from django.contrib.auth import get_user_model

    from accounts.models import OrganisationMembership
    from grants.models import Award, FundingProgramme
    from partnerships.models import Organisation, Partnership, Region
    from reporting.models import ProgressUpdate

    suffix = f"{n}"
    region, _ = Region.objects.get_or_create(code="E12000005", defaults={"name": "West Midlands"})
    central = Organisation.objects.create(name=f"Central {suffix}", kind="charity", identifier=f"GB-CHC-9{suffix}")
    funder = Organisation.objects.create(name=f"Funder {suffix}", kind="funder", identifier=f"GB-COH-8{suffix}")
    partnership = Partnership.objects.create(
        name=f"Bench partnership {suffix}", region=region, lead_organisation=central, starts_on=dt.date(2025, 9, 1)
    )
    programme = FundingProgramme.objects.create(
        name=f"Bench fund {suffix}",
        funder=funder,
        managed_by=central,
        partnership=partnership,
        budget=Decimal("100000000"),
        opens_on=dt.date(2025, 9, 1),
        closes_on=dt.date(2028, 8, 31),
        identifier_prefix=f"360G-BENCH{suffix}",
    )
    recipients = Organisation.objects.bulk_create(
        Organisation(name=f"Trust {suffix}-{i}", kind="mat", identifier=f"GB-COH-7{suffix}{i:05d}") for i in range(n)
    )
    awards = Award.objects.bulk_create(
        Award(
            identifier=f"360G-BENCH{suffix}-{i:05d}",
            programme=programme,
            recipient=recipients[i],
            partnership=partnership,
            title=f"Award {i}",
            amount_requested=Decimal("10000"),
            amount_awarded=Decimal("10000"),
            planned_start=dt.date(2026, 1, 5),
            planned_end=dt.date(2026, 12, 18),
            reporting_frequency="termly",
        )
        for i in range(n)
    )
    Award.objects.filter(pk__in=[a.pk for a in awards]).update(state="active")
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            award=award,
            period_start=dt.date(2026, 1, 5),
            period_end=dt.date(2026, 3, 31),
            progress="Done",
            state="accepted",
        )
        for award in awards
    )
    User = get_user_model()
    manager = User.objects.create(username=f"bench-manager-{suffix}", email=f"m{suffix}@example.org")
    OrganisationMembership.objects.create(user=manager, organisation=central, role="manager")
    partners = User.objects.bulk_create(
        User(username=f"bench-partner-{suffix}-{i}", email=f"p{suffix}-{i}@example.org") for i in range(n)
    )
    OrganisationMembership.objects.bulk_create(
        OrganisationMembership(user=partners[i], organisation=recipients[i], role="partner") for i in range(n)
    )
    # Bulk writes without the imports' signal: write the kept due periods as the imports would.
    from reporting import due_rows

    due_rows.refresh(awards=[a.pk for a in awards])
    return programme, manager


def main():
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    mail.outbox = []
    config = setup_databases(verbosity=0, interactive=False)
    try:
        from grants.selectors import award_list
        from reporting.selectors import due_rows
        from reporting.services import reminders_send

        today = dt.date(2026, 9, 20)
        print(f"database: {connection.vendor}; today = {today}")
        print(f"{'awards':>7} {'reference s':>12} {'outstanding s':>14} {'ratio':>6} {'queries':>8} {'rows':>6}")
        for n in SIZES:
            programme, manager = _build(n)

            def reference(programme=programme, manager=manager):
                return list(award_list(user=manager).filter(programme=programme))

            def outstanding(programme=programme, manager=manager):
                which = {"user": manager, "today": today, "managed_only": True, "programme": programme}
                return [
                    period
                    for urgency in due_rows.OUTSTANDING
                    for period in due_rows.read(due_rows.rows(urgency=urgency, **which)[:50], user=manager, today=today)
                ]

            ref, _ = _timed(reference)
            with CaptureQueriesContext(connection) as queries:
                spent, rows = _timed(outstanding, repeat=1)
            spent, rows = _timed(outstanding)
            print(f"{n:>7} {ref:>12.4f} {spent:>14.4f} {spent / ref:>6.1f} {len(queries):>8} {len(rows):>6}")
        first, sent = _timed(lambda: reminders_send(today=today), repeat=1)
        again, sent_again = _timed(lambda: reminders_send(today=today), repeat=1)
        total = sum(SIZES)
        print(f"reminders_send over {total} awards: first run {first:.2f} s ({sent}), {len(mail.outbox)} emails;")
        print(f"  second run {again:.2f} s ({sent_again}) — nothing sent twice")
    finally:
        teardown_databases(config, verbosity=0)
