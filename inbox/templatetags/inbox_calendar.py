"""The calendar feed block of an account page: `{% load inbox_calendar %}{% calendar_feed_section %}`.
A template tag, so any account page can show it without importing the inbox app."""

from django import template
from django.urls import reverse

from inbox import services

register = template.Library()


@register.inclusion_tag("inbox/_calendar_feed.html", takes_context=True)
def calendar_feed_section(context):
    request = context["request"]
    feed = services.calendar_feed_get_or_create(user=request.user)
    url = request.build_absolute_uri(reverse("inbox:calendar_feed", args=[feed.token]))
    return {"feed": feed, "feed_url": url, "csrf_token": context.get("csrf_token")}
