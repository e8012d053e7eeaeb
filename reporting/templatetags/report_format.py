"""Formatting for a UK reader in the impact reports: "23 November 2026", "£1,234.56", "1,240"."""

import datetime as dt
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from reporting import charts

register = template.Library()


@register.filter
def uk_date(value) -> str:
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value.day} {value:%B %Y}"


@register.filter
def gbp(value) -> str:
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"


@register.filter
def figure(value) -> str:
    """A count or measure without trailing zeros: 1,240; 94.5; -0.2."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


@register.filter
def percent_of(part, whole) -> str:
    if not whole:
        return "—"
    return f"{Decimal(part or 0) / Decimal(whole) * 100:.0f}%"


@register.simple_tag
def indicator_chart(ind) -> str:
    return mark_safe(
        charts.indicator_chart(
            name=ind["name"],
            unit=ind["unit"],
            baseline=ind["baseline"],
            target=ind["target"],
            actual=ind["actual"],
            direction=ind["direction"],
        )
    )


@register.simple_tag
def money_chart(totals) -> str:
    return mark_safe(charts.money_chart(awarded=totals["awarded"], paid=totals["paid"], spent=totals["spend"]))
