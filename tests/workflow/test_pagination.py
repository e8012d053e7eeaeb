"""The capped paginator: exact counts below the cap, "more than" above it, every page still reachable,
GOV.UK page links with ellipses, and the API's count_exact flag."""

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from workflow.pagination import ELLIPSIS, CappedPaginator, paginate

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    User = get_user_model()
    User.objects.bulk_create(User(username=f"person-{i:02d}") for i in range(23))
    return User.objects.order_by("username")


def test_below_the_cap_the_count_is_exact_and_links_are_elided(users):
    paginator = CappedPaginator(users, 2, cap=100)
    assert paginator.count == 23 and not paginator.capped and paginator.count_label == "23"
    page = paginator.page(6)
    assert page.links() == [1, ELLIPSIS, 5, 6, 7, ELLIPSIS, 12]
    assert paginator.page(12).has_next() is False and len(paginator.page(12)) == 1


def test_above_the_cap_every_page_is_still_reachable(users, django_assert_num_queries):
    paginator = CappedPaginator(users, 2, cap=5)
    with django_assert_num_queries(1):
        assert paginator.capped and paginator.count_label == "more than 5"
    # Page 11 lies well past the cap (5 rows = 3 pages) and still reads its rows and knows one follows.
    with django_assert_num_queries(1):
        page = paginator.page(11)
    assert [u.username for u in page] == ["person-20", "person-21"]
    assert page.has_next() and page.next_page_number() == 12
    assert page.links() == [1, ELLIPSIS, 10, 11, 12, ELLIPSIS]
    last = paginator.page(12)
    assert [u.username for u in last] == ["person-22"] and not last.has_next()
    assert last.links() == [1, ELLIPSIS, 11, 12]
    assert paginator.page(2).links() == [1, 2, 3, ELLIPSIS]
    # A last page that is exactly full: nothing follows it.
    exactly_full = CappedPaginator(users, 1, cap=5).page(23)
    assert len(exactly_full) == 1 and not exactly_full.has_next()


def test_a_page_past_the_end_of_a_capped_list_falls_back(users):
    request = RequestFactory().get("/", {"page": "999"})
    page = paginate(request, users, per_page=2)
    assert page.number == 12  # under the default cap the count is exact: the last page
    paginator = CappedPaginator(users, 2, cap=5)
    assert paginator.get_page(999).number == 3 and paginator.get_page("x").number == 1


def test_the_award_list_page_shows_more_than_the_cap(client, settings, django_user_model):
    from tests.factories import AwardFactory, MembershipFactory

    settings.PAGINATION_COUNT_CAP = 3
    manager = django_user_model.objects.create(username="cap-manager")
    award = AwardFactory()
    MembershipFactory(user=manager, organisation=award.programme.managed_by, role="manager")
    for _ in range(4):
        AwardFactory(programme=award.programme)
    client.force_login(manager)
    html = client.get("/awards/").content.decode()
    assert "more than 3 awards" in html
    api = client.get("/api/v1/awards/", {"page_size": 2}).json()
    assert api["count"] == 3 and api["count_exact"] is False and api["next"]
    assert client.get("/api/v1/awards/", {"page": 3, "page_size": 2}).json()["results"]
    settings.PAGINATION_COUNT_CAP = 100
    api = client.get("/api/v1/awards/").json()
    assert api["count"] == 5 and api["count_exact"] is True


def test_the_history_logs_count_to_their_own_smaller_cap(client, settings, django_user_model):
    """The transitions log asks its subject whether each row is visible: its count stops at
    HISTORY_COUNT_CAP (1,000), below the lists' 10,000, and `next` still leads on."""
    from tests.factories import AwardFactory
    from workflow.models import TransitionLog

    settings.HISTORY_COUNT_CAP = 2
    admin = django_user_model.objects.create(username="cap-admin", is_superuser=True)
    award = AwardFactory()
    for n in range(4):
        TransitionLog.objects.create(
            subject=award, object_repr=str(n), transition="submit", source="draft", target="submitted"
        )
    client.force_login(admin)
    api = client.get("/api/v1/transitions/", {"page_size": 1}).json()
    assert api["count"] == 2 and api["count_exact"] is False and api["next"]
    assert client.get("/api/v1/awards/").json()["count_exact"] is True  # other lists keep PAGINATION_COUNT_CAP


def test_updates_and_payments_count_to_the_history_cap_as_their_rows_are_checked_through_their_award(
    client, settings, django_user_model
):
    """A progress update's or payment's visibility is asked of its award row by row: the API lists count
    to HISTORY_COUNT_CAP, as the history logs do, and `next` leads on past it."""
    from tests.factories import AwardFactory, PaymentFactory, ProgressUpdateFactory

    settings.HISTORY_COUNT_CAP = 2
    admin = django_user_model.objects.create(username="cap-admin", is_superuser=True)
    award = AwardFactory()
    for n in range(4):
        PaymentFactory(award=award)
        ProgressUpdateFactory(award=award, period_start=f"202{n}-01-01", period_end=f"202{n}-03-31")
    client.force_login(admin)
    for url in ("/api/v1/payments/", "/api/v1/updates/"):
        page = client.get(url, {"page_size": 1}).json()
        assert page["count"] == 2 and page["count_exact"] is False and page["next"], url
        assert len(client.get(url, {"page_size": 1, "page": 4}).json()["results"]) == 1, url
    assert client.get("/api/v1/awards/").json()["count_exact"] is True


def test_the_count_reads_the_keys_only_and_still_counts_what_an_annotation_filters(users):
    """An annotation worked out per row (an award's paid total in the API) is not computed for the rows
    that are only counted; one used by a filter still decides which rows count."""
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce
    from django.test.utils import CaptureQueriesContext

    in_groups = Group.objects.filter(user=OuterRef("pk")).values("user").annotate(n=Count("pk")).values("n")
    annotated = users.annotate(groups_n=Coalesce(Subquery(in_groups, output_field=IntegerField()), 0))
    with CaptureQueriesContext(connection) as ctx:
        assert CappedPaginator(annotated, 2, cap=100).count == 23
    (sql,) = [q["sql"] for q in ctx.captured_queries]
    assert "auth_user_groups" not in sql, sql
    assert CappedPaginator(annotated.filter(groups_n__gt=0), 2, cap=100).count == 0
    assert CappedPaginator(annotated.filter(groups_n=0), 2, cap=100).count == 23
    assert CappedPaginator(users.values("username").distinct(), 2, cap=100).count == 23


def test_the_capped_count_asks_for_no_order(users):
    """Any cap + 1 rows count the same, so the count leaves the list's order out: the database may take
    the first rows it finds instead of sorting every match (a list ordered by a field no index serves)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    paginator = CappedPaginator(users.order_by("-last_login", "username"), 2, cap=5)
    with CaptureQueriesContext(connection) as captured:
        assert paginator.count == 6 and paginator.capped
    (count,) = [q["sql"] for q in captured]
    assert "COUNT(" in count and "ORDER BY" not in count
    assert [u.username for u in paginator.page(1)] == ["person-00", "person-01"]  # the page keeps the order


@pytest.mark.parametrize("cap", [5, 100])  # a capped list and one counted to the end
def test_a_search_sorts_keys_and_reads_its_rows_by_key_in_the_same_order(users, cap):
    """A search's page is found by its keys (the only column its sort carries), then read by key and
    given back in the keys' order: the same rows as reading the page whole, one query more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ordered = users.order_by("-last_login", "-username")
    whole = [u.username for u in CappedPaginator(ordered, 2, cap=cap).page(2)]
    paginator = CappedPaginator(ordered, 2, cap=cap, search=True)
    paginator.count  # noqa: B018 (counted first, as a page does)
    with CaptureQueriesContext(connection) as captured:
        page = [u.username for u in paginator.page(2)]
    assert page == whole and len(page) == 2
    keys, rows = [q["sql"] for q in captured]
    assert "ORDER BY" in keys and "username" not in keys.split(" FROM ")[0]  # the sort carries the key alone
    assert "ORDER BY" not in rows and "LIMIT" not in rows  # the page's rows, read by key
    assert list(CappedPaginator(ordered.filter(username="nobody"), 2, cap=cap, search=True).page(1)) == []


def test_a_deep_page_skips_keys_and_reads_its_rows_by_key_and_a_first_page_reads_once(users, monkeypatch):
    """Past the first KEYS_FIRST_FROM rows a page skips the rows before it as keys (whole rows with
    every joined table were sorted or walked: page 300 of 10,000 awards took 45 ms); the first pages
    read their rows in one query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workflow import pagination

    monkeypatch.setattr(pagination, "KEYS_FIRST_FROM", 4)
    ordered = users.order_by("-username")
    paginator = CappedPaginator(ordered, 2, cap=100)
    paginator.count  # noqa: B018
    with CaptureQueriesContext(connection) as first:
        assert [u.username for u in paginator.page(2)] == ["person-20", "person-19"]
    with CaptureQueriesContext(connection) as deep:
        assert [u.username for u in paginator.page(3)] == ["person-18", "person-17"]
    assert len(first) == 1 and "OFFSET 2" in first[0]["sql"]
    keys, rows = [q["sql"] for q in deep]
    assert "OFFSET 4" in keys and "username" not in keys.split(" FROM ")[0] and "LIMIT" not in rows
