"""Breakdowns (disadvantaged pupils, SEND, EAL) beside each indicator's figure, by the rule the figure follows."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting import reports
from reporting.models import Indicator, IndicatorResult

from .conftest import build_award, pdf_text

LABELS = "Disadvantaged pupils, SEND, EAL"
# Oldest first: the two accepted updates, then the one still in review (never counted).
CHILDREN = (
    {"Disadvantaged pupils": "40", "SEND": "10"},
    {"Disadvantaged pupils": "50", "SEND": "5", "EAL": "7"},
    {"Disadvantaged pupils": "900"},
)
ATTENDANCE = ({"Disadvantaged pupils": "88"}, {"Disadvantaged pupils": "90.5", "SEND": "85"}, {"SEND": "1"})


def give_breakdowns(award, children=CHILDREN, attendance=ATTENDANCE):
    Indicator.objects.filter(award=award).update(breakdowns=LABELS)
    for name, parts in (("Children reached", children), ("Attendance", attendance)):
        results = IndicatorResult.objects.filter(indicator__award=award, indicator__name=name)
        for result, breakdown in zip(results.order_by("update__period_end"), parts, strict=True):
            result.breakdown = breakdown
            result.save()


def parts(indicator: dict) -> dict:
    return {p["label"]: p["value"] for p in indicator["breakdown"]}


def test_an_award_report_shows_each_indicators_breakdown_by_its_rule(world):
    award = build_award(world)
    give_breakdowns(award)
    report = reports.award_report(user=world.funder, pk=award.pk)
    indicators = {i["name"]: i for i in report.data["awards"][0]["indicators"]}

    # Cumulative: each part added up over the accepted results (40 + 50, 10 + 5, 7); the 900 in review is not.
    assert parts(indicators["Children reached"]) == {
        "Disadvantaged pupils": Decimal("90"),
        "SEND": Decimal("15"),
        "EAL": Decimal("7"),
    }
    # Not cumulative: the latest accepted result's parts; a part not given is not recorded, not 0.
    assert parts(indicators["Attendance"]) == {
        "Disadvantaged pupils": Decimal("90.5"),
        "SEND": Decimal("85"),
        "EAL": None,
    }
    text = pdf_text(reports.pdf_bytes(report))
    for words in (
        "Disadvantaged pupils 90 ",
        "SEND 15 ",
        "EAL 7 ",
        "Disadvantaged pupils 90.5",
        "SEND 85",
        "EAL Not recorded",
    ):
        assert words in text
    assert "900" not in text


def test_a_period_takes_the_breakdowns_of_its_updates_only(world):
    award = build_award(world)
    give_breakdowns(award)
    period = reports.Period(dt.date(2026, 4, 1), dt.date(2026, 8, 31))
    report = reports.award_report(user=world.funder, pk=award.pk, period=period)
    children = {i["name"]: i for i in report.data["awards"][0]["indicators"]}["Children reached"]
    assert parts(children) == {"Disadvantaged pupils": Decimal("50"), "SEND": Decimal("5"), "EAL": Decimal("7")}


def test_an_indicator_without_breakdowns_shows_none(world):
    award = build_award(world)
    report = reports.award_report(user=world.funder, pk=award.pk)
    assert all(i["breakdown"] == [] for i in report.data["awards"][0]["indicators"])
    assert "Of which" not in pdf_text(reports.pdf_bytes(report))


def test_a_partnership_totals_breakdowns_only_within_the_same_definition(world):
    world.programme.budget = Decimal("200000.00")
    world.programme.save()
    first = build_award(world, amount="40000.00", partnership=world.partnership)
    second = build_award(world, amount="35000.00", partnership=world.partnership)
    third = build_award(world, amount="30000.00", partnership=world.partnership)
    for award in (first, second):
        give_breakdowns(award)
    later = ({"Disadvantaged pupils": "70"}, {"Disadvantaged pupils": "80.5", "SEND": "75"}, {})
    give_breakdowns(third, attendance=later)
    Indicator.objects.filter(award=second).update(baseline=Decimal("10"))  # another definition: not added in

    report = reports.partnership_report(user=world.manager, pk=world.partnership.pk)
    totals = {(i["name"], i["baseline"]): i for i in report.data["indicator_totals"]}
    children = totals[("Children reached", Decimal("0"))]
    assert sorted(children["labels"]) == sorted([first.identifier, third.identifier])
    assert parts(children) == {"Disadvantaged pupils": Decimal("180"), "SEND": Decimal("30"), "EAL": Decimal("14")}
    assert children["actual"] == Decimal("520")
    assert parts(totals[("Children reached", Decimal("10"))]) == {
        "Disadvantaged pupils": Decimal("90"),
        "SEND": Decimal("15"),
        "EAL": Decimal("7"),
    }
    # A rate is averaged like its figure, over the awards that gave the part.
    attendance = totals[("Attendance", Decimal("91.50"))]
    assert parts(attendance) == {"Disadvantaged pupils": Decimal("85.50"), "SEND": Decimal("80.00"), "EAL": None}
    text = pdf_text(reports.pdf_bytes(report))
    assert "Disadvantaged pupils 180" in text and "Disadvantaged pupils 85.5" in text


def test_breakdowns_and_a_period_keep_the_queries_constant(world):
    world.programme.budget = Decimal("1000000.00")
    world.programme.save()
    period = reports.Period(dt.date(2026, 4, 1), dt.date(2026, 8, 31))

    def count():
        world.funder.__dict__.pop("_exchange_roles", None)
        with CaptureQueriesContext(connection) as ctx:
            reports.portfolio_report(user=world.funder, pk=world.funder_org.pk, period=period)
        return len(ctx.captured_queries)

    give_breakdowns(build_award(world, amount="30000.00"))
    count()  # content types cached, as on a running site
    one = count()
    for _ in range(4):
        give_breakdowns(build_award(world, amount="30000.00"))
    assert count() == one
    # The whole-life report's 15, and one: with a period, the budget against actual adds up the whole-life
    # spend itself (the period's spend is not what the budget lines are measured against).
    assert one <= 16
