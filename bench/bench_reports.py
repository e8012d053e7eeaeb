"""Impact reports on a portfolio of 200 awards: time to gather the data vs WeasyPrint's time for the same HTML.

Builds the data in a throwaway test database (SQLite in memory by default; PostgreSQL's test_<name> when
DATABASE_URL points there), then measures, for the funder's whole portfolio:
  gather      the scoped selector reads, the figures and the fingerprint (a fixed number of queries)
  html        the Django template
  weasyprint  HTML to PDF, the reference measured in the same run
and a single award's report end to end in a warm process. Aims: gather under 20% of WeasyPrint's time;
a single-award report under 1 s.
"""

import datetime as dt
import logging
import random
import tempfile
import time
from decimal import Decimal
from io import BytesIO

from pypdf import PdfReader

AWARDS = 200


def _build(n_awards: int):
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
    from workflow.models import MoneyChange, TransitionLog

    rnd = random.Random(4)
    region = Region.objects.create(name="West Midlands", code="E12000005")
    subs = [SubRegion.objects.create(region=region, name=f"Sub-region {i}", number=i) for i in range(1, 7)]
    las = [
        LocalAuthority.objects.create(
            name=f"Authority {i}", gss_code=f"E0800{i:04d}", region=region, sub_region=subs[i % 6]
        )
        for i in range(14)
    ]
    funder = Organisation.objects.create(name="Bench Foundation", kind="funder", identifier="GB-CHC-1000001")
    central = Organisation.objects.create(name="Bench Alliance", kind="charity", identifier="GB-CHC-1000002")
    user = get_user_model().objects.create(username="bench-funder")
    OrganisationMembership.objects.create(user=user, organisation=funder, role="funder")
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Trust {i}", kind="mat", identifier=f"GB-COH-{20000000 + i}", local_authority=las[i % 14])
        for i in range(60)
    )
    partnerships = [
        Partnership.objects.create(
            name=f"Partnership {i}", region=region, lead_organisation=central, starts_on=dt.date(2025, 9, 1)
        )
        for i in range(5)
    ]
    programme = FundingProgramme.objects.create(
        name="Bench programme",
        funder=funder,
        managed_by=central,
        partnership=partnerships[0],
        budget=Decimal("100000000.00"),
        opens_on=dt.date(2025, 9, 1),
        closes_on=dt.date(2028, 8, 31),
        identifier_prefix="360G-BENCH",
    )
    projects = Project.objects.bulk_create(
        Project(
            partnership=partnerships[i % 5],
            reference=f"BENCH-{i:03d}",
            title=f"Peer review project {i}",
            lead_organisation=orgs[i % 60],
            summary="Headteachers review each other's schools.",
            state="in_delivery",
            children_reached=100 + i,
            settings_reached=3,
        )
        for i in range(40)
    )
    ProjectPartner.objects.bulk_create(
        ProjectPartner(project=p, organisation=orgs[(i * 7 + 3) % 60], receives_support=True)
        for i, p in enumerate(projects)
    )
    awards = Award.objects.bulk_create(
        Award(
            identifier=f"360G-BENCH-{i:05d}",
            programme=programme,
            recipient=orgs[i % 60],
            project=projects[i % 40] if i % 2 else None,
            partnership=partnerships[i % 5] if not i % 2 else None,
            title=f"Collaboration award {i}",
            amount_requested=Decimal("45000.00"),
            amount_awarded=Decimal(45000 - i * 3) + Decimal("0.25"),
            state="active",
            planned_start=dt.date(2026, 1, 5),
            planned_end=dt.date(2027, 7, 20),
        )
        for i in range(n_awards)
    )
    payments, updates, indicators, results, logs, money = [], [], [], [], [], []
    award_ct = ContentType.objects.get_for_model(Award)
    for i, a in enumerate(awards):
        for k in range(3):
            paid = k < 2
            payments.append(
                Payment(
                    award=a,
                    due_on=dt.date(2026, 2 + 3 * k, 1),
                    amount=Decimal("10000.00"),
                    state="paid" if paid else "scheduled",
                    paid_on=dt.date(2026, 2 + 3 * k, 3) if paid else None,
                )
            )
        for k, (source, target) in enumerate(
            [
                ("draft", "submitted"),
                ("submitted", "in_assessment"),
                ("in_assessment", "approved"),
                ("approved", "active"),
            ]
        ):
            logs.append(
                TransitionLog(
                    content_type=award_ct,
                    object_id=a.pk,
                    object_repr=str(a),
                    transition=target,
                    source=source,
                    target=target,
                    note="Agreed at panel." if k == 2 else "",
                )
            )
        money.append(
            MoneyChange(
                content_type=award_ct,
                object_id=a.pk,
                object_repr=str(a),
                field="amount_awarded",
                new_amount=a.amount_awarded,
            )
        )
        for k in range(3):
            updates.append(
                ProgressUpdate(
                    award=a,
                    period_start=dt.date(2026, 1 + 3 * k, 5),
                    period_end=dt.date(2026, 3 + 3 * k, 28),
                    progress=f"Term {k + 1}: reviews completed in {rnd.randint(2, 9)} schools; leaders coached. " * 4,
                    challenges="Supply cover was hard to find; one visit moved after an Ofsted call.",
                    spend_to_date=Decimal(5000 * (k + 1)) + Decimal("0.17"),
                    settings_reached=2 + k,
                    children_reached=100 * (k + 1) + i,
                    state="accepted",
                )
            )
        indicators += [
            Indicator(award=a, name="Children reached", unit="children", target=Decimal("600")),
            Indicator(award=a, name="Teachers trained", unit="teachers", target=Decimal("20")),
            Indicator(
                award=a, name="Attendance", unit="%", baseline=Decimal("91.2"), target=Decimal("94"), cumulative=False
            ),
        ]
    Payment.objects.bulk_create(payments)
    TransitionLog.objects.bulk_create(logs)
    MoneyChange.objects.bulk_create(money)
    updates = ProgressUpdate.objects.bulk_create(updates)
    indicators = Indicator.objects.bulk_create(indicators)
    by_award = {}
    for ind in indicators:
        by_award.setdefault(ind.award_id, []).append(ind)
    for u in updates:
        for ind in by_award[u.award_id]:
            value = Decimal(rnd.randint(90, 95)) if not ind.cumulative else Decimal(rnd.randint(5, 200))
            results.append(IndicatorResult(update=u, indicator=ind, value=value))
    IndicatorResult.objects.bulk_create(results)
    return user, funder, awards


def _best(fn, repeat=3):
    best, result = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def main():
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import (
        CaptureQueriesContext,
        override_settings,
        setup_test_environment,
        teardown_test_environment,
    )

    from reporting import reports

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    media = override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="bench-reports-"))
    media.enable()
    try:
        start = time.perf_counter()
        user, funder, awards = _build(AWARDS)
        print(
            f"built {AWARDS} awards (3 payments, 3 accepted updates, 3 indicators each) in "
            f"{time.perf_counter() - start:.1f} s on {connection.vendor}"
        )

        start = time.perf_counter()
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
        import weasyprint  # noqa: F401  (the one-off import, reported apart)

        print(f"weasyprint import (once per process): {time.perf_counter() - start:.2f} s")

        gather, report = _best(lambda: reports.portfolio_report(user=user, pk=funder.pk))
        html_time, html = _best(lambda: reports.render_html(report))
        pdf_time, pdf = _best(lambda: reports.render_pdf(html), repeat=1)
        with CaptureQueriesContext(connection) as ctx:
            reports.portfolio_report(user=user, pk=funder.pk)
        pages = len(PdfReader(BytesIO(pdf)).pages)
        print(
            f"portfolio of {len(report.data['awards'])} awards: {len(html) / 1024:.0f} KiB HTML, "
            f"{len(pdf) / 1024:.0f} KiB PDF, {pages} pages, {len(ctx.captured_queries)} queries to gather"
        )
        print(f"  gather data      {gather * 1000:8.1f} ms")
        print(f"  render template  {html_time * 1000:8.1f} ms")
        print(f"  weasyprint       {pdf_time * 1000:8.1f} ms   (reference)")
        print(f"  gather / weasyprint           = {gather / pdf_time:6.1%}   (aim < 20%)")
        print(f"  (gather + template) / weasyprint = {(gather + html_time) / pdf_time:6.1%}")

        one = awards[0]

        def single():
            r = reports.award_report(user=user, pk=one.pk)
            return reports.render_pdf(reports.render_html(r))

        single_time, _ = _best(single)
        with CaptureQueriesContext(connection) as ctx:
            reports.award_report(user=user, pk=one.pk)
        print(
            f"single award report, gather + template + weasyprint: {single_time * 1000:.0f} ms "
            f"({len(ctx.captured_queries)} queries)   (aim < 1000 ms)"
        )
        cached = reports.award_report(user=user, pk=one.pk)
        reports.prepare(cached)
        hit, _ = _best(lambda: reports.prepare(reports.award_report(user=user, pk=one.pk)))
        print(f"single award report already stored (cache hit): {hit * 1000:.1f} ms")
    finally:
        media.disable()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
