import datetime as dt
from decimal import Decimal

from reporting import selectors, services
from tests import factories as f

from .conftest import start, walk_award

D = dt.date
SPRING, SUMMER, AUTUMN = (
    (D(2026, 1, 5), D(2026, 3, 31)),
    (D(2026, 4, 1), D(2026, 8, 31)),
    (D(2026, 9, 1), D(2026, 12, 18)),
)


def report(subject, world, period, figures, *, accept=True):
    indicators = {i.name: i for i in selectors.subject_indicators(subject)}
    results = {indicators[name].pk: {"value": value} for name, value in figures.items()}
    update = start(subject, world, *period, results=results)
    if accept is None:
        return update
    update = services.update_submit(update=update, actor=world.partner)
    if accept:
        update = services.update_accept(update=update, actor=world.manager)
    return update


def rows(**where):
    return {row.name: row for row in selectors.indicator_rollup(**where)}


def test_actuals_count_only_accepted_results(world, award):
    report(award, world, SPRING, {"Children reached": "100", "Attendance": "92"})
    report(award, world, SUMMER, {"Children reached": "150", "Attendance": "93.5"})
    report(award, world, AUTUMN, {"Children reached": "999", "Attendance": "50"}, accept=False)  # submitted only
    actuals = {a.indicator.name: a.actual for a in selectors.indicator_actuals(award.indicators.all())}
    # Cumulative indicators add up; the others take the latest accepted period's figure.
    assert actuals == {"Children reached": Decimal("250"), "Attendance": Decimal("93.5")}


def test_draft_and_returned_results_never_count(world, award):
    report(award, world, SPRING, {"Children reached": "40"}, accept=None)  # draft
    update = report(award, world, SUMMER, {"Children reached": "60"}, accept=False)
    services.update_request_changes(update=update, actor=world.manager, note="Check the figure.")
    actuals = {a.indicator.name: a.actual for a in selectors.indicator_actuals(award.indicators.all())}
    assert actuals == {"Children reached": None, "Attendance": None}


def test_reopened_update_stops_counting_until_accepted_again(world, award):
    update = report(award, world, SPRING, {"Children reached": "100"})
    services.update_reopen(update=update, actor=world.manager, note="Wrong cohort counted.")
    assert rows(user=world.manager, programme=world.programme)["Children reached"].actual is None


def test_rollup_from_projects_to_partnership_and_programme_reconciles(world, award, project):
    second = f.AwardFactory(
        programme=world.programme,
        recipient=world.partner_org,
        partnership=world.partnership,
        planned_start=D(2026, 1, 5),
        planned_end=D(2026, 12, 18),
    )
    f.IndicatorFactory(award=second, name="Children reached", unit="children", target=Decimal("300"))
    second = walk_award(second, world)
    f.IndicatorFactory(project=project, award=None, name="Children reached", unit="children", target=Decimal("200"))
    report(award, world, SPRING, {"Children reached": "100", "Attendance": "92"})
    report(award, world, SUMMER, {"Children reached": "50", "Attendance": "94"})
    report(second, world, SPRING, {"Children reached": "70"})
    report(project, world, SPRING, {"Children reached": "30"})
    report(project, world, SUMMER, {"Children reached": "500"}, accept=False)

    programme = rows(user=world.manager, programme=world.programme)
    partnership = rows(user=world.manager, partnership=world.partnership)
    project_rows = rows(user=world.manager, project=project)

    # Programme: the two awards. Partnership: the two awards and the unfunded project.
    assert programme["Children reached"].actual == Decimal("150") + Decimal("70")
    assert programme["Children reached"].target == Decimal("800")
    assert partnership["Children reached"].actual == Decimal("250")
    assert project_rows["Children reached"].actual == Decimal("30")
    # Each roll-up is the sum of its parts.
    for rolled in (programme, partnership):
        row = rolled["Children reached"]
        assert row.actual == sum(p.actual for p in row.parts if p.actual is not None)
    # A percentage is averaged across its parts, never added; non-cumulative takes the latest.
    assert programme["Attendance"].actual == Decimal("94.00")
    assert programme["Attendance"].is_percentage


def test_rollup_is_scoped_to_what_the_user_may_see(world, award, award_b):
    report(award, world, SPRING, {"Children reached": "100"})
    assert rows(user=world.manager_b, programme=world.programme) == {}
    assert rows(user=world.partner_b, partnership=world.partnership) == {}
    assert rows(user=world.funder, programme=world.programme)["Children reached"].actual == Decimal("100")


def test_funded_project_indicators_do_not_count_twice(world, project):
    award = f.AwardFactory(
        programme=world.programme,
        recipient=world.partner_org,
        project=project,
        planned_start=D(2026, 1, 5),
        planned_end=D(2026, 12, 18),
    )
    f.IndicatorFactory(project=project, award=None, name="Children reached", unit="children", target=Decimal("500"))
    f.IndicatorFactory(award=award, name="Children reached", unit="children", target=Decimal("500"))
    award = walk_award(award, world)
    report(award, world, SPRING, {"Children reached": "120"})
    row = rows(user=world.manager, project=project)["Children reached"]
    assert (row.actual, row.target, len(row.parts)) == (Decimal("120"), Decimal("500"), 1)
