"""Money in the grants layer: the zero, the field size every amount uses, and how an amount reads."""

from decimal import Decimal

ZERO = Decimal("0.00")
MONEY = {"max_digits": 14, "decimal_places": 2}


def money(value) -> str:
    return f"£{Decimal(value or 0):,.2f}"
