"""How reports read: words whole on the page, indicators compared only where they share a baseline."""

from decimal import Decimal
from io import BytesIO

from pypdf import PdfReader

from reporting import reports
from reporting.models import Indicator

from .conftest import build_award, pdf_text


def pdf_lines(data: bytes) -> list[str]:
    return [line.strip() for page in PdfReader(BytesIO(data)).pages for line in page.extract_text().splitlines()]


def test_table_headings_are_not_broken_mid_word(world):
    build_award(world, amount="40000.00")
    report = reports.partnership_report(user=world.funder, pk=world.partnership.pk)
    lines = pdf_lines(reports.pdf_bytes(report))

    words = {word for line in lines for word in line.split()}
    assert {"Organisations", "Children", "Awarded", "Settings"} <= words
    assert not {"Organisatio", "Childre", "ns", "n"} & words


def test_indicators_with_different_baselines_are_not_averaged_across_awards(world):
    world.programme.budget = Decimal("200000.00")
    world.programme.save()
    first = build_award(world, amount="40000.00", partnership=world.partnership)
    second = build_award(world, amount="35000.00", partnership=world.partnership)
    third = build_award(world, amount="30000.00", partnership=world.partnership)
    Indicator.objects.filter(award=second, name="Attendance").update(baseline=Decimal("80"))

    report = reports.partnership_report(user=world.manager, pk=world.partnership.pk)
    attendance = [i for i in report.data["indicator_totals"] if i["name"] == "Attendance"]
    by_baseline = {i["baseline"]: i for i in attendance}
    assert set(by_baseline) == {Decimal("80"), Decimal("91.5")}
    assert by_baseline[Decimal("80")]["labels"] == [second.identifier]
    assert sorted(by_baseline[Decimal("91.5")]["labels"]) == sorted([first.identifier, third.identifier])
    text = pdf_text(reports.pdf_bytes(report))
    assert f"{second.identifier} on its own baseline" in text
    assert "Average across 2 indicators with the same baseline and target" in text


def test_cover_page_carries_the_headline_figures_and_the_reach_table_a_total(world):
    award = build_award(world, amount="40000.00")
    report = reports.award_report(user=world.funder, pk=award.pk)
    cover = PdfReader(BytesIO(reports.pdf_bytes(report))).pages[0].extract_text()
    assert "Headline figures" in cover
    assert "£40,000.00" in cover and "children reached" in cover

    report = reports.partnership_report(user=world.funder, pk=world.partnership.pk)
    totals = [line for line in pdf_lines(reports.pdf_bytes(report)) if line.startswith("Total ")]
    assert "Total 1 £40,000.00 6 260" in totals  # the reach table: awards, awarded, settings, children


def test_each_step_carries_the_date_it_was_taken_from_the_log(world):
    import datetime as dt

    from django.utils import timezone

    from workflow.models import TransitionLog

    award = build_award(world, amount="40000.00")
    logs = TransitionLog.objects.filter(object_id=award.pk, content_type__model="award").order_by("at", "id")
    days = [dt.date(2025, 3, 3), dt.date(2025, 4, 14), dt.date(2025, 6, 2), dt.date(2025, 9, 1)]
    for log, day in zip(logs, days, strict=True):
        TransitionLog.objects.filter(pk=log.pk).update(at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))))

    report = reports.award_report(user=world.funder, pk=award.pk)
    assert [s["at"].date() for s in report.data["awards"][0]["steps"]] == days
    text = pdf_text(reports.pdf_bytes(report))
    assert "3 March 2025" in text and "1 September 2025" in text
