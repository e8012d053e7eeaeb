"""The service navigation for the signed-in person: the sections their role uses, one marked current.

One place decides both, so a page is never under two sections ("Awards" and "Payments" on the payment
form) and a partner or funder is not offered a manager's queue. The current section follows the view's
name (its URL's namespace and name), not a substring of the path."""

from dataclasses import dataclass

from django import template
from django.urls import reverse

from accounts import roles

register = template.Library()


@dataclass(frozen=True)
class Section:
    label: str
    url_name: str
    views: tuple[str, ...]  # view-name prefixes that belong to this section
    who: tuple[str, ...] = ("manager", "partner", "funder")


SECTIONS = (
    Section("Dashboard", "home", ("home",)),
    Section("Inbox", "inbox:inbox", ("inbox:inbox",)),
    Section("Programmes", "grants:programme_list", ("grants:programme_", "grants:giving360"), ("manager", "funder")),
    Section("Calls", "assessment:call_list", ("assessment:",)),
    Section("Partnerships", "partnerships:partnership_list", ("partnerships:partnership_",)),
    Section("Projects", "partnerships:project_list", ("partnerships:project_",), ("manager", "partner")),
    Section("Awards", "grants:award_list", ("grants:award_",)),
    Section("Payments", "grants:payment_list", ("grants:payment_",)),
    Section("Updates", "reporting:due", ("reporting:",), ("manager", "partner")),
    Section("What works", "reporting:what_works", ("reporting:what_works",), ("manager", "partner")),
    Section("Support", "support:need_list", ("support:",)),
    Section("Reach", "dashboard:reach", ("dashboard:",), ("manager", "funder")),
    Section("Reports", "reports:index", ("reports:",)),
)


def _kinds(user) -> set[str]:
    r = roles.of(user)
    kinds = set()
    if r.is_manager:
        kinds.add("manager")
    if r.is_partner:
        kinds.add("partner")
    if r.is_funder:
        kinds.add("funder")
    return kinds


def current_section(view_name: str) -> str | None:
    """The label of the one section a view belongs to: the longest matching prefix wins."""
    best, length = None, -1
    for section in SECTIONS:
        for prefix in section.views:
            matches = view_name == prefix if not prefix.endswith((":", "_")) else view_name.startswith(prefix)
            if matches and len(prefix) > length:
                best, length = section.label, len(prefix)
    return best


@register.simple_tag(takes_context=True)
def navigation_items(context) -> list[dict]:
    request = context["request"]
    kinds = _kinds(request.user)
    match = getattr(request, "resolver_match", None)
    here = current_section(match.view_name if match else "")
    items = []
    for section in SECTIONS:
        if kinds and not kinds.intersection(section.who):
            continue
        items.append({"label": section.label, "url": reverse(section.url_name), "current": section.label == here})
    return items


@register.simple_tag(takes_context=True)
def is_manager(context) -> bool:
    return roles.of(context["request"].user).is_manager
