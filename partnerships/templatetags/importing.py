"""The admin's Import shows what the command line shows: problems grouped by cause, in words."""

from django import template

from partnerships.importing import grouped_report, problems_of

register = template.Library()


@register.filter
def grouped_problems(result) -> list[str]:
    return grouped_report(problems_of(result))
