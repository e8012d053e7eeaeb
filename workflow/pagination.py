"""Pagination that costs the same at a million rows as at a thousand, for pages and the API.

A plain Django paginator counts every matching row (`COUNT(*)` over the whole filtered list: 1.6 ms at
10,000 awards, 33 ms at 100,000, most of a second at 1,000,000). This one counts at most
`PAGINATION_COUNT_CAP` rows (`SELECT COUNT(*) FROM (… LIMIT cap + 1)`, without the list's order, so the
database stops at the first cap + 1 rows it finds):
below the cap the count is exact, as before; above it the list says "more than 10,000" and the pages
after the cap stay reachable by number and by Next (each page reads one row more than it shows to know
whether another follows). Page links are the GOV.UK pattern with ellipses, built from a handful of
numbers rather than a loop over every page.
"""

import math

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

ELLIPSIS = Paginator.ELLIPSIS


# A page starting this many rows in is read by its keys first (CappedPaginator._rows).
KEYS_FIRST_FROM = 250
# More rows than any list holds: a page past them is past the end.
MOST_ROWS = 10**12


def count_cap() -> int:
    return int(getattr(settings, "PAGINATION_COUNT_CAP", 10_000))


def search_count_cap() -> int:
    return int(getattr(settings, "SEARCH_COUNT_CAP", 1_000))


def searching(params) -> bool:
    """A free-text search (`?q=` on a page or the API, `?search=` on the API) is in the query string."""
    return any(str(params.get(name, "")).strip() for name in ("q", "search"))


class CappedPage(Page):
    """A page of a list whose length is only known up to the cap."""

    def __init__(self, object_list, number, paginator, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more if self.paginator.capped else super().has_next()

    def end_index(self):
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)

    def links(self):
        """Page numbers and ellipses to show: 1 … 4 5 6 … 40 (the GOV.UK pattern)."""
        return self.paginator.links(self.number, more=self.more)


class CappedPaginator(Paginator):
    def __init__(
        self,
        object_list,
        per_page,
        orphans=0,
        allow_empty_first_page=True,
        cap: int | None = None,
        search: bool = False,
    ):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.search = search
        self.cap = cap if cap is not None else search_count_cap() if search else count_cap()

    @property
    def count(self) -> int:
        """Exact up to the cap; `cap + 1` means "more than cap" (see `capped`). Only the keys are read (a
        per-row annotation such as an award's paid total is not worked out for rows only counted), and
        without the list's order: any cap + 1 rows count the same, so the database takes the first it
        finds (by a trigram index for a search, where the newest-first walk may read most of a table
        before a search's first match; by the filter's index for an order no index serves with that
        filter, where the ordered count sorted every match: the active awards by amount at 100,000
        awards sorted 30,000 rows, 50 ms, to count 10,001)."""
        if not hasattr(self, "_capped_count"):
            rows = self.object_list
            keys = _keys_only(rows) if hasattr(rows, "query") and counted_in_order(rows) else rows
            if keys is not rows:
                # The order sorts every match anyway: the first cap + 1 keys in it (and a page's worth at
                # least) cost what counting them does, and are the keys of the pages within them (_rows).
                read = max(self.cap, self.per_page) + 1
                self._first_keys = [row["pk"] for row in keys[:read]]
                self._every_key = len(self._first_keys) < read
                self._capped_count = min(len(self._first_keys), self.cap + 1)
            elif hasattr(rows, "count") and hasattr(rows, "query"):
                self._capped_count = _keys_only(rows.order_by())[: self.cap + 1].count()
            else:
                self._capped_count = len(rows)
        return self._capped_count

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def count_label(self) -> str:
        return f"more than {self.cap:,}" if self.capped else f"{self.count:,}"

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("That page number is not an integer") from error
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        if number * self.per_page > MOST_ROWS:
            # Past any list, and past what a database's OFFSET can hold (PostgreSQL's is a bigint).
            raise EmptyPage("That page contains no results")
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if not self.capped:
            top = bottom + self.per_page
            if top + self.orphans >= self.count:
                top = self.count
            return CappedPage(self._rows(bottom, top), number, self, more=number < self.num_pages)
        rows = list(self._rows(bottom, bottom + self.per_page + 1))
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def _rows(self, bottom: int, top: int):
        """Rows `bottom` to `top` of the list. A search's, and a page's past the first `KEYS_FIRST_FROM`
        rows, are found by their keys first, then read by key (one query more): the rows before them are
        then skipped or sorted as keys alone, where whole rows with every joined table cost far more —
        at 1,000,000 awards the 33,333 active awards matching "Award 1" took 45 ms sorted with every
        column (the sort spilled to disk) and 28 ms as keys; at 10,000 awards page 300 of the awards
        (7,475 rows skipped) took 45 ms."""
        rows = self.object_list
        by_keys = self.search or bottom >= KEYS_FIRST_FROM
        keys_only = _keys_only(rows) if by_keys and hasattr(rows, "query") else rows
        if keys_only is rows:
            return rows[bottom:top]
        first = getattr(self, "_first_keys", None)
        if first is not None and (top <= len(first) or self._every_key):
            keys = first[bottom:top]
        else:
            keys = [row["pk"] for row in keys_only[bottom:top]]
        if not keys:
            return []
        by_key = rows.order_by().in_bulk(keys)
        return [by_key[key] for key in keys if key in by_key]

    def get_page(self, number):
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            # Past the end of a capped list we do not know where the end is: the last counted page.
            return self.page(math.ceil(min(self.count, self.cap) / self.per_page) or 1)

    def links(self, number: int, *, more: bool) -> list:
        if not self.capped:
            return list(self.get_elided_page_range(number, on_each_side=1, on_ends=1))
        shown = [1, *range(max(2, number - 1), number + 1 + (1 if more else 0))]
        out = []
        for previous, n in zip([0, *shown], shown, strict=False):
            if n - previous > 2:
                out.append(ELLIPSIS)
            elif n - previous == 2:
                out.append(n - 1)
            out.append(n)
        if more:
            out.append(ELLIPSIS)
        return out


def paginate(request, queryset, per_page: int = 25, count: int | None = None) -> CappedPage:
    """One page of `queryset` for ?page= (a capped count and a slice: two queries whatever the size).
    `count`: the capped count when the caller already has it (counted beside a total, say). A search
    counts to `SEARCH_COUNT_CAP` (1,000): its matches are found by testing text, not by walking an index."""
    paginator = CappedPaginator(queryset, per_page, search=searching(request.GET))
    if count is not None:
        paginator._capped_count = count
    return paginator.get_page(request.GET.get("page"))


class Pagination(PageNumberPagination):
    """The API's documented page-number pagination (`count`, `next`, `previous`, `results`, `?page=`,
    `?page_size=` up to 200), with the count capped: above `PAGINATION_COUNT_CAP` rows `count` is the cap
    and `count_exact` is false; `next` keeps leading on to the end."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        # A search counts to SEARCH_COUNT_CAP, as on the pages (see `paginate`).
        self.search = searching(request.query_params)
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, object_list, per_page):  # type: ignore[override]
        return CappedPaginator(object_list, per_page, search=getattr(self, "search", False))

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": min(paginator.count, paginator.cap),
                "count_exact": not paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    @staticmethod
    def cap() -> int:
        return count_cap()

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_exact"] = {
            "type": "boolean",
            "example": True,
            "description": f"False when the list is longer than the count cap ({self.cap():,}; "
            f"{search_count_cap():,} for a search, `q` or `search`); "
            "`count` is then the cap and `next` still leads to every page.",
        }
        response["required"] = [*response.get("required", []), "count_exact"]
        return response


def history_count_cap() -> int:
    return int(getattr(settings, "HISTORY_COUNT_CAP", 1_000))


class HistoryPaginator(CappedPaginator):
    """The history logs' pages: counted to `HISTORY_COUNT_CAP` (1,000) rows, not 10,000. Whether a log row
    is visible is asked of its subject row by row (workflow.selectors._history_scope), so a count of 10,000
    probes 10,000 subjects; a history longer than a thousand changes is read by filtering it (by model,
    actor, date) or by following `next`."""

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, cap: int | None = None):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page, cap=cap or history_count_cap())


class HistoryPagination(Pagination):
    django_paginator_class = HistoryPaginator

    @staticmethod
    def cap() -> int:
        return history_count_cap()


class ProbedPagination(HistoryPagination):
    """Lists whose rows are each checked against the reader's scope through another table (a progress
    update or a payment through its award or project): counted to `HISTORY_COUNT_CAP` (1,000) as the
    history logs are, so the count costs the same at a million awards as at ten thousand; `next` still
    leads to every page."""


def count_in_order(rows):
    """`rows` whose order no index gives, so that the database reads and sorts every match for any page
    (a search's matches sorted by grants.search.newest_first): their paginator counts by reading the
    first cap + 1 keys in that order, and takes the pages within them from those keys — one query for the
    count and the page's keys. (A mark on the query, which its clones keep; `order_by` again clears it.)"""
    rows = rows.all()
    rows.query.exchange_counted_in_order = tuple(rows.query.order_by)
    return rows


def counted_in_order(rows) -> bool:
    return getattr(rows.query, "exchange_counted_in_order", None) == tuple(rows.query.order_by)


def _keys_only(rows):
    """`rows` selecting only their primary key, where that counts the same rows (not a union, a DISTINCT ON
    or an already chosen list of columns); annotations used in a filter or ordering stay where used."""
    query = rows.query
    if query.combinator or query.distinct_fields or query.values_select:
        return rows
    return rows.values("pk")
