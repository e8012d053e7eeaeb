"""Scenario dates (demo/dates.py): relative to the loading day, anchored on the schedules' terms."""

import datetime as dt

import pytest

from demo.dates import ScenarioDateError, resolve

D = dt.date


@pytest.mark.parametrize(
    ("expression", "today", "expected"),
    [
        ("today", D(2026, 12, 2), D(2026, 12, 2)),
        ("today-3d", D(2026, 12, 2), D(2026, 11, 29)),
        ("today+25d", D(2026, 12, 2), D(2026, 12, 27)),
        ("term(0)", D(2026, 12, 2), D(2026, 9, 1)),  # autumn term
        ("term(-1)", D(2026, 12, 2), D(2026, 4, 1)),  # the summer term before it
        ("termend(-1)", D(2026, 12, 2), D(2026, 8, 31)),
        ("term(1)", D(2026, 12, 2), D(2027, 1, 1)),
        ("term(-1)", D(2027, 2, 14), D(2026, 9, 1)),  # in spring, the term before is autumn
        ("termend(0)", D(2027, 2, 14), D(2027, 3, 31)),
        ("term(-3)+10d", D(2027, 5, 5), D(2026, 4, 11)),
        ("year(-1)", D(2026, 12, 2), D(2025, 9, 1)),
        ("year(0)", D(2027, 8, 31), D(2026, 9, 1)),  # still the school year that began last September
        ("yearend(0)-39d", D(2026, 12, 2), D(2027, 7, 23)),
        ("term(-1)+5d-14d", D(2026, 12, 2), D(2026, 3, 23)),
        ("termend(-1)+12d | today-1d", D(2026, 9, 3), D(2026, 9, 2)),  # the earlier of the two
        ("termend(-1)+12d | today-1d", D(2026, 12, 2), D(2026, 9, 12)),
        (None, D(2026, 12, 2), None),
    ],
)
def test_scenario_dates_count_from_the_loading_day(expression, today, expected):
    assert resolve(expression, today) == expected


@pytest.mark.parametrize("expression", ["2026-01-05", "tomorrow", "term-1", "today(1)", "term(1)+3"])
def test_a_date_the_scenario_cannot_mean_is_refused(expression):
    with pytest.raises(ScenarioDateError, match="demo/dates.py|takes no"):
        resolve(expression, D(2026, 12, 2))
