"""Scenario dates, written relative to the day the demo is loaded, so the demo reads alike on any day.

A date in the scenario files is an expression:

    today              the day the demo is loaded (`load_demo --today` to choose it)
    term(-1)           the first day of the school term one before the current one
    termend(-1)        the last day of that term
    year(-2)           1 September of the school year two before the current one
    yearend(0)         31 August that ends the current school year
    …+14d, …-3d        so many days after or before
    a | b              whichever of a and b comes first (a step never happens after the loading day)

Terms are the reporting schedules' terms (reporting/schedules.py): autumn 1 September–31 December,
spring 1 January–31 March, summer 1 April–31 August. Anchoring the scenario on terms keeps every
award's reporting periods the same shape whatever the day; anchoring the few things that must read
"due soon" or "just late" on `today` keeps them so.
"""

from __future__ import annotations

import datetime as dt
import re

TERM_MONTHS = (1, 4, 9)  # spring, summer, autumn, as the termly schedule cuts the year
_PART = re.compile(r"^(today|term|termend|year|yearend)(?:\(([+-]?\d+)\))?((?:[+-]\d+d)*)$")
_DAYS = re.compile(r"([+-]\d+)d")


class ScenarioDateError(ValueError):
    pass


def _term_number(day: dt.date) -> int:
    """A count of terms since year 0: spring is 0, summer 1, autumn 2 of each year."""
    index = 2 if day.month >= 9 else 0 if day.month <= 3 else 1
    return day.year * 3 + index


def term_start(number: int) -> dt.date:
    year, index = divmod(number, 3)
    return dt.date(year, TERM_MONTHS[index], 1)


def _school_year(day: dt.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def resolve(expression, today: dt.date) -> dt.date | None:
    """The date `expression` names when the demo is loaded on `today`; None stays None."""
    if expression is None:
        return None
    if isinstance(expression, dt.date):
        return expression
    choices = [_one(part.strip(), today, expression) for part in str(expression).split("|")]
    return min(choices)


def _one(text: str, today: dt.date, whole) -> dt.date:
    match = _PART.match(text.replace(" ", ""))
    if not match:
        raise ScenarioDateError(f"Not a scenario date: {whole!r} (see demo/dates.py).")
    anchor, offset = match.group(1), int(match.group(2) or 0)
    days = sum(int(n) for n in _DAYS.findall(match.group(3)))
    if anchor == "today":
        if match.group(2):
            raise ScenarioDateError(f"`today` takes no (n): {whole!r}.")
        day = today
    elif anchor == "term":
        day = term_start(_term_number(today) + offset)
    elif anchor == "termend":
        day = term_start(_term_number(today) + offset + 1) - dt.timedelta(days=1)
    elif anchor == "year":
        day = dt.date(_school_year(today) + offset, 9, 1)
    else:
        day = dt.date(_school_year(today) + offset + 1, 8, 31)
    return day + dt.timedelta(days=days)
