"""Small helpers that draw Django form fields, money and states as GOV.UK Design System components."""

from decimal import Decimal

from django import template
from django.utils.html import format_html

register = template.Library()

TEXT_INPUTS = {"text", "number", "email", "password", "date", "url", "search", "tel", "decimal", "datetime"}

# The colour of each state's tag: grey for not started, blue for moving, green for done, red for stopped.
STATE_COLOURS = {
    "draft": "grey",
    "proposed": "teal",
    "submitted": "teal",
    "resubmitted": "teal",
    "under_review": "blue",
    "in_assessment": "blue",
    "changes_requested": "orange",
    "approved": "turquoise",
    "scheduled": "grey",
    "in_delivery": "green",
    "active": "green",
    "accepted": "green",
    "paid": "green",
    "on_hold": "yellow",
    "suspended": "yellow",
    "in_evaluation": "purple",
    "completed": "green",
    "closed": "green",
    "rejected": "red",
    "declined": "red",
    "withdrawn": "grey",
    "cancelled": "grey",
}


@register.simple_tag
def govuk_widget(field, extra_class=""):
    """The field's widget with the GOV.UK class for its kind, error state and described-by links."""
    kind = field.widget_type
    has_error = bool(field.errors)
    if kind == "dateparts":  # GOV.UK's date input: its own classes (workflow/templates/workflow/date_parts.html)
        return field.as_widget(attrs={"data_error": "1"} if has_error else {})
    if kind in ("select", "nullbooleanselect"):
        css = "govuk-select" + (" govuk-select--error" if has_error else "")
    elif kind == "textarea":
        css = "govuk-textarea" + (" govuk-textarea--error" if has_error else "")
    elif kind == "checkbox":
        css = "govuk-checkboxes__input"
    else:
        css = "govuk-input" + (" govuk-input--error" if has_error else "")
    if extra_class:
        css += f" {extra_class}"
    attrs = {"class": css}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if has_error:
        described.append(f"{field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def state_tag(obj):
    """A GOV.UK tag for an object's state (anything with `state` and `get_state_display`)."""
    colour = STATE_COLOURS.get(obj.state, "grey")
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, obj.get_state_display())


@register.simple_tag
def state_badge(state, label):
    colour = STATE_COLOURS.get(state, "grey")
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label)


@register.filter
def gbp(value):
    """£12,345.67 (or £12,345 for whole pounds)."""
    if value is None or value == "":
        return "–"
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"£{value:,.0f}"
    return f"£{value:,.2f}"


@register.filter
def percent_of(part, whole):
    """`part` as a whole-number percentage of `whole`, capped at 100 (for bar widths)."""
    try:
        part, whole = Decimal(part or 0), Decimal(whole or 0)
    except (TypeError, ValueError, ArithmeticError):
        return 0
    if whole <= 0:
        return 0
    return min(100, int(part * 100 / whole))


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (for pagination links that keep filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return "?" + params.urlencode()


@register.filter
def step_url(transition_url: str, name: str) -> str:
    """`transition_url` with its __name__ placeholder filled in ("/x/1/steps/__name__/" or "/x/1/steps/__name__")."""
    url = str(transition_url).replace("__name__", name)
    return url if url.endswith("/") else url + "/"


@register.filter
def get_item(mapping, key):
    """mapping[key], or None (for dicts keyed by a variable in templates)."""
    return (mapping or {}).get(key)
