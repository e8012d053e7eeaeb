"""The one rule for reading a number a person typed: money and indicator figures, on the pages, in the
API and in imports.

"1,250", "£1,250.50" and " 12.5 " are numbers; NaN, sNaN, Infinity, 1E+999999999, more than two
decimal places (0.004, 1E-9, 99.999) and anything larger than the database holds are refused with a
sentence a programme manager understands, never rounded to something else and never a 500.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

# The columns hold 14 digits, 2 of them after the point.
LARGEST = Decimal("999999999999.99")
PLACES = 2
NOT_A_NUMBER = "“{text}” is not a number: write it in figures, for example 12500 or 12,500.50."
TOO_MANY_PLACES = "“{text}” has more than two decimal places: use pounds and pence, for example 12.50."
TOO_LARGE = "“{text}” is too large: the largest figure Exchange holds is 999,999,999,999.99."


class FigureError(ValidationError):
    """A typed figure that is not one Exchange can hold (a ValidationError, so forms show it as is)."""


def parse_decimal(raw, *, places: int = PLACES) -> Decimal | None:
    """The Decimal a person meant by `raw`, or None when blank. Raises FigureError with the reason."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise FigureError(NOT_A_NUMBER.format(text=raw), code="not_a_number")
    if isinstance(raw, Decimal | int):
        text = str(raw)
    elif isinstance(raw, float):
        text = repr(raw)
    else:
        text = str(raw).strip()
    shown = text[:40]
    cleaned = text.replace(",", "").replace("£", "").replace(" ", "")
    if cleaned == "":
        return None
    if len(cleaned) > 60:
        raise FigureError(TOO_LARGE.format(text=shown + "…"))
    try:
        value = Decimal(cleaned)
    except (InvalidOperation, ValueError):
        raise FigureError(NOT_A_NUMBER.format(text=shown), code="not_a_number") from None
    if not value.is_finite():  # NaN, sNaN, Infinity
        raise FigureError(NOT_A_NUMBER.format(text=shown), code="not_a_number")
    if value and value.adjusted() > 11:  # read before any arithmetic: 1E+999999999 never gets expanded
        raise FigureError(TOO_LARGE.format(text=shown))
    if value.as_tuple().exponent < -places and value != value.quantize(Decimal(1).scaleb(-places)):
        raise FigureError(TOO_MANY_PLACES.format(text=shown))
    if abs(value) > LARGEST:
        raise FigureError(TOO_LARGE.format(text=shown))
    return value.quantize(Decimal(1).scaleb(-places)) if value.as_tuple().exponent < -places else value


def parse_money(raw) -> Decimal | None:
    """Pounds and pence: at most two decimal places (so never a sub-penny amount that rounds to £0.00)."""
    return parse_decimal(raw, places=PLACES)


def message(error: ValidationError) -> str:
    return error.messages[0] if error.messages else str(error)


# The same rule as a form field and as an API field --------------------------------------------

from django import forms  # noqa: E402
from rest_framework import serializers  # noqa: E402


class MoneyFormField(forms.DecimalField):
    """A DecimalField that reads what a person typed through parse_money (its words on refusal)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", PLACES)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parse_money(value)


class MoneySerializerField(serializers.DecimalField):
    """A decimal string in the API ("20000.00"), read through parse_money: the same refusals as the pages."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", PLACES)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            value = parse_money(data)
        except FigureError as error:
            raise serializers.ValidationError(message(error)) from None
        if value is None:
            self.fail("invalid")
        return super().to_internal_value(value)
