"""The inbox's blocks of an account page: `{% load inbox_calendar %}{% calendar_feed_section %}` and
`{% notifications_section %}`.
A template tag, so any account page can show it without importing the inbox app."""

from django import template
from django.urls import reverse

from inbox import services
from reporting.models import Delivery, SentReminder
from reporting.services import notification_preferences_of

register = template.Library()


@register.inclusion_tag("inbox/_calendar_feed.html", takes_context=True)
def calendar_feed_section(context):
    request = context["request"]
    feed = services.calendar_feed_get_or_create(user=request.user)
    url = request.build_absolute_uri(reverse("inbox:calendar_feed", args=[feed.token]))
    return {"feed": feed, "feed_url": url, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("inbox/_notifications.html", takes_context=True)
def notifications_section(context):
    """How the person gets reminders, with a link to change it (the inbox app's page)."""
    chosen = notification_preferences_of(context["request"].user)
    labels = dict(Delivery.choices)
    return {"choices": [(label, labels[chosen[kind]]) for kind, label in SentReminder.Kind.choices]}
