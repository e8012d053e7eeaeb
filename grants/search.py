"""Free-text search of awards (`?q=` on the awards page and the API) that costs little at 1,000,000 awards.

The three tests (title, identifier, the recipient's name: `icontains`, which Django writes as
`UPPER(column) LIKE UPPER('%…%')`) stay on the award's own row, so PostgreSQL can answer them together from
the trigram indexes (grants 0013; the title's beside the award's state, grants 0017, so a search by state
visits only that state's candidates) as one bitmap: the recipient's name as `recipient_id = ANY(ARRAY(…))`, the
matching organisations found first through their own index (an `IN (subquery)` inside an OR cannot join
that bitmap). SQLite keeps the plain subquery.

Newest first is kept, and exact: `newest_first` walks the newest-first index when the page's rows are among
the newest `SEARCH_RECENT_WINDOW` awards (one bounded probe tells), and otherwise sorts the matches the
trigram indexes found, instead of walking back through every award newer than the first match (a search
whose matches are all old read 800,000 rows for its first page at 1,000,000 awards). That sort reads every
match whatever the page, so the paginator counts by reading the first 1,001 keys in order and pages from
them (workflow.pagination.count_in_order): one query for the count and the keys.
"""

import datetime as dt

from django.conf import settings
from django.db import connections, router
from django.db.models import DateTimeField, ExpressionWrapper, F, Q, QuerySet, Value

from partnerships.models import Organisation
from workflow.lookups import in_subquery
from workflow.pagination import count_in_order

from .models import Award


def award_text(value: str) -> Q:
    """Awards whose title, identifier or recipient's name contains `value` (any case)."""
    recipients = Organisation.objects.filter(name__icontains=value).order_by().values("pk")
    by_recipient = in_subquery("recipient_id", recipients)
    return Q(title__icontains=value) | Q(identifier__icontains=value) | by_recipient


def rows_needed(params, per_page: int = 25) -> int:
    """How many rows, newest first, the page asked for in `params` (?page=) reads: its own and one more."""
    try:
        number = max(1, int(params.get("page", 1)))
    except (TypeError, ValueError):
        number = 1
    # A page number typed past any list (…?page=9223372036854775807) would not fit PostgreSQL's LIMIT; far
    # past the newest awards the search sorts its matches anyway, so the rows needed are capped.
    return min(number * per_page + 1, 10**9)  # (the paginator sends such a page to the last one)


def recent_window() -> int:
    return int(getattr(settings, "SEARCH_RECENT_WINDOW", 2_000))


def newest_first(queryset: QuerySet, *, rows_needed: int) -> QuerySet:
    """`queryset` (searched awards, newest first) ordered so that PostgreSQL finds its first
    `rows_needed` rows cheaply at any size, in the same order. One query more on PostgreSQL, none on SQLite.

    If the newest `SEARCH_RECENT_WINDOW` awards hold `rows_needed` matches, the newest-first index walk
    stops within them. Otherwise the matches are few or old, and the walk would read back through every
    newer award: the same order is then written so no index gives it (`created_at + 0`), and PostgreSQL
    sorts the rows the trigram indexes find."""
    using = queryset.db or router.db_for_read(Award)
    if connections[using].vendor != "postgresql":
        return queryset
    window = recent_window()
    edge = Award.objects.order_by("-created_at", "-id").values("created_at")[window - 1 : window]
    if queryset.filter(created_at__gte=edge)[:rows_needed].count() >= rows_needed:
        return queryset
    sorted_by = ExpressionWrapper(F("created_at") + Value(dt.timedelta(0)), output_field=DateTimeField())
    return count_in_order(queryset.order_by(sorted_by.desc(), F("id").desc()))
