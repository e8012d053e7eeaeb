"""A payment's urgency as a GOV.UK tag, by grants.due's rule: "12 days overdue", "Due soon"."""

from django import template
from django.utils.html import format_html

from grants import due

register = template.Library()


@register.filter
def due_tag(payment):
    kind = due.urgency(payment)
    if kind == due.OVERDUE:
        late = due.days_late(payment)
        return format_html(
            '<strong class="govuk-tag govuk-tag--red">{} day{} overdue</strong>', late, "s" if late != 1 else ""
        )
    if kind == due.DUE_SOON:
        return format_html('<strong class="govuk-tag govuk-tag--yellow">{}</strong>', "Due soon")
    return ""


@register.filter
def not_yet_due(payment) -> bool:
    """Whether releasing the payment today would pay it before its due date (the page then asks to confirm)."""
    return payment.due_on > due.today()
