"""Figures as people type them and as pages show them: one pure module shared by the forms, the API and
the services, so a figure means the same and is refused in the same words on every door.

No database: strings and Decimals in, Decimals, ints and sentences out.
"""

from decimal import Decimal
from typing import Protocol

from workflow.figures import FigureError, parse_decimal
from workflow.figures import message as figure_message

MAX_FIGURE = Decimal("999999999999.99")


class Measure(Protocol):
    """What result_problem needs of an indicator."""

    name: str
    allow_negative: bool

    @property
    def is_percentage(self) -> bool: ...


def parse_number(raw) -> Decimal | None:
    """A figure as a person types it ("1,250", " 12.5 "); None for blank (workflow.figures: the one rule for
    typed numbers, money too). Raises ValueError: empty for something that is not a number at all, else the
    reason (too large, more than two decimal places)."""
    try:
        return parse_decimal(raw)
    except FigureError as error:
        raise ValueError("" if error.code == "not_a_number" else figure_message(error)) from None


def parse_whole(raw) -> int:
    """A count of 0 or more as typed ("1,200", blank for 0). Raises ValueError otherwise."""
    text = str(raw or "0").strip().replace(",", "") or "0"
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


def result_problem(indicator: Measure, value: Decimal, what: str | None = None) -> str | None:
    """Why a figure cannot be a result of `indicator`, or None."""
    what = what or indicator.name
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        return f"{what}: use at most two decimal places."
    if abs(value) > MAX_FIGURE:
        return f"{what}: that figure is too large."
    if value < 0 and not indicator.allow_negative:
        return f"{what} cannot be negative."
    if indicator.is_percentage and not (-100 <= value <= 100 if indicator.allow_negative else 0 <= value <= 100):
        return f"{what} is a percentage, so it must be between 0 and 100."
    return None


def parse_spend(raw) -> Decimal:
    """Spend to date in pounds and pence (blank is £0.00). Raises ValueError with the sentence to show."""
    try:
        spend = parse_number(raw)
    except ValueError as error:
        if str(error):
            raise ValueError(f"Spend to date: {error}") from error
        raise ValueError("Spend to date must be an amount in pounds, like 2500 or 2,500.00.") from error
    if spend is None:
        return Decimal("0.00")
    if spend < 0:
        raise ValueError("Spend to date cannot be negative.")
    if spend.as_tuple().exponent < -2 or spend > MAX_FIGURE:  # type: ignore[operator]
        raise ValueError("Spend to date must be pounds and pence, like 2500.00.")
    return spend


def plain(value: Decimal) -> str:
    """A figure as a person would type it back: 1250, 12.5 (no trailing zeros, no exponent)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
