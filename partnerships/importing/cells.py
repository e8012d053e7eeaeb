"""Cells as people write them, read by widgets that give a reason in words when a cell is wrong."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from import_export import fields, widgets

from workflow.dates import out_of_range
from workflow.figures import FigureError, parse_money
from workflow.figures import message as figure_message
from workflow.text import clean_text

from ..models import LocalAuthority, Organisation


def cell_text(value) -> str:
    """A cell as text: spreadsheets give 123456.0 for an identifier typed as a number."""
    if value.__class__ is str:
        return clean_text(value).strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def lookup_key(value) -> str:
    return cell_text(value).casefold()


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class IdentifierWidget(TextWidget):
    """Org-ids and 360Giving identifiers are written in capitals: gb-edu-137000 is GB-EDU-137000."""

    def clean(self, value, row=None, **kwargs):
        return cell_text(value).upper()


class MoneyWidget(widgets.DecimalWidget):
    """Amounts as written by people: 1200, 1,200.50 or £1,200.50 (workflow.figures: the one rule)."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float):
            value = Decimal(str(value))
        if isinstance(value, str):
            value = cell_text(value)
        try:
            return parse_money(value)
        except FigureError as error:
            raise ValueError(figure_message(error)) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class WholeNumberWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).replace(",", "")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"“{cell_text(value)}” is not a whole number") from None
        if number != number.to_integral_value():
            raise ValueError(f"“{cell_text(value)}” is not a whole number")
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")


def parse_date(value) -> dt.date | None:
    """A date as a spreadsheet gives it, inside the range a grant can have (workflow.dates)."""
    date = _read_date(value)
    problem = out_of_range(date)
    if problem:
        raise ValueError(problem)
    return date


def _read_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    if not text:
        return None
    if len(text) > 10 and text[10] in "T ":  # a date-time, as 360Giving files may give
        text = text[:10]
    if len(text) == 10 and text[4] == "-":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"“{cell_text(value)}” is not a date (write it as 2026-09-01 or 01/09/2026)")


class DateWidget(widgets.DateWidget):
    def clean(self, value, row=None, **kwargs):
        return parse_date(value)

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class YesNoWidget(widgets.BooleanWidget):
    TRUE = {"1", "true", "yes", "y", "x"}
    FALSE = {"", "0", "false", "no", "n"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        key = lookup_key(value)
        if key in self.TRUE:
            return True
        if key in self.FALSE:
            return False
        raise ValueError(f"“{cell_text(value)}” is not yes or no")

    def render(self, value, obj=None, **kwargs):
        return "yes" if value else "no"


class ChoiceWidget(widgets.Widget):
    """A choice by its code or its label, in any case: `mat` or `Multi-academy trust`."""

    def __init__(self, choices, *, noun: str):
        super().__init__()
        self.noun = noun
        self.labels = [label for _, label in choices]
        self.by_key = {}
        for value, label in choices:
            self.by_key[lookup_key(value)] = value
            self.by_key[lookup_key(label)] = value

    def clean(self, value, row=None, **kwargs):
        key = lookup_key(value)
        if not key:
            return ""
        try:
            return self.by_key[key]
        except KeyError:
            raise ValueError(f"“{cell_text(value)}” is not a {self.noun} (one of: {', '.join(self.labels)})") from None

    def render(self, value, obj=None, **kwargs):
        return value or ""


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key by a stable key (an org-id, a name, a code), looked up once for the whole
    file in one query, with a reason in words when the value is unknown or out of reach."""

    def __init__(self, model, field: str = "identifier", *, noun: str, keys: Iterable[str] = (), queryset=None):
        super().__init__(model, field=field)
        self.noun = noun
        self.keys = tuple(keys) or (field,)
        self.base_queryset = queryset
        self.allowed: set | None = None  # pks the importing person may use; None means any
        self.refusal = "“{value}” is not a {noun} you may import into"
        self._map: dict | None = None

    def get_queryset(self, value, row, *args, **kwargs):
        return self.base_queryset.all() if self.base_queryset is not None else self.model.objects.all()

    def load(self, extra: Iterable = ()):
        self._map = {}
        for obj in list(self.get_queryset(None, None)) + list(extra):
            self.remember(obj)

    def remember(self, obj):
        if self._map is None:
            self.load()
        for key in self.keys:
            value = getattr(obj, key)
            if value not in (None, ""):
                self._map.setdefault(lookup_key(value), obj)

    def find(self, value):
        if self._map is None:
            self.load()
        return self._map.get(lookup_key(value))

    def clean(self, value, row=None, **kwargs):
        if not cell_text(value):
            return None
        obj = self.find(value)
        if obj is None:
            raise ValueError(f"unknown {self.noun} “{cell_text(value)}”")
        if self.allowed is not None and obj.pk not in self.allowed:
            raise ValueError(self.refusal.format(value=cell_text(value), noun=self.noun, obj=obj))
        return obj

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.field) or "")


def local_authority_widget() -> LookupWidget:
    return LookupWidget(LocalAuthority, "name", noun="local authority", keys=("name", "dfe_code", "gss_code"))


def organisation_widget(noun: str = "organisation identifier") -> LookupWidget:
    return LookupWidget(Organisation, "identifier", noun=noun)


def column(name: str, attribute: str, widget=None, **kwargs) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=name, widget=widget or TextWidget(), **kwargs)


def export_only(name: str, attribute: str, widget=None) -> fields.Field:
    """A column that an export writes and an import ignores (states, amounts set by approval)."""
    return fields.Field(attribute=attribute, column_name=name, widget=widget or TextWidget(), readonly=True)
