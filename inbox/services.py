"""Writes of the inbox app: a person's calendar feed token, made on first ask and renewable."""

from django.db import transaction

from workflow import clock

from .models import CalendarFeed, new_token


def calendar_feed_get_or_create(*, user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user, defaults={"created_at": clock.now()})
    return feed


@transaction.atomic
def calendar_feed_renew(*, user) -> CalendarFeed:
    """A new secret token: the old feed URL stops working at once (for a URL that was shared by mistake)."""
    feed = calendar_feed_get_or_create(user=user)
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    feed.token = new_token()
    feed.renewed_at = clock.now()
    feed.save(update_fields=["token", "renewed_at"])
    return feed
