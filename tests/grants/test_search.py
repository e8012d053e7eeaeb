"""Award search (`?q=` on the awards page and the API): the same awards in the same order (newest first)
whichever way the database is asked (grants.search), and a search counts to SEARCH_COUNT_CAP."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from grants import search
from grants.models import Award
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def awards(world):
    """Twelve awards a day apart (the last the newest), created in a shuffled id order so that newest first
    is not id order; "Needle" in the titles of the four oldest, an identifier and a recipient's name."""
    needle_trust = f.OrganisationFactory(name="Needlework Trust")
    start = timezone.now() - dt.timedelta(days=30)
    rows = {}
    for age in [7, 2, 11, 0, 5, 9, 3, 10, 1, 8, 6, 4]:  # 0 is the oldest
        title = f"Old needle study {age}" if age < 4 else f"Study {age}"
        recipient = needle_trust if age == 6 else world.partner_org
        award = f.AwardFactory(programme=world.programme, recipient=recipient, title=title)
        if age == 9:
            Award.objects.filter(pk=award.pk).update(identifier="360G-NEEDLE-9")
        Award.objects.filter(pk=award.pk).update(created_at=start + dt.timedelta(days=age))
        rows[age] = award.pk
    return rows


def expected(rows, ages):
    return [rows[age] for age in sorted(ages, reverse=True)]


def page_ids(client, query):
    response = client.get("/awards/", query)
    assert response.status_code == 200
    return [award.pk for award in response.context["page"].object_list]


def api_ids(world, query):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=world.manager)[0].key}")
    response = client.get("/api/v1/awards/", query)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]], response.json()


@pytest.mark.parametrize("window", [2, 1_000])  # the old matches outside the newest awards, or among them
def test_search_finds_title_identifier_and_recipient_newest_first(client, world, awards, settings, window):
    settings.SEARCH_RECENT_WINDOW = window
    client.force_login(world.manager)
    matches = expected(awards, [0, 1, 2, 3, 6, 9])
    assert page_ids(client, {"q": "needle"}) == matches
    assert api_ids(world, {"q": "NEEDLE"})[0] == matches
    # Page by page, as the paginator slices it, and the API's pages.
    settings.SEARCH_COUNT_CAP = 2
    assert api_ids(world, {"q": "needle", "page_size": 2, "page": 2})[0] == matches[2:4]
    assert api_ids(world, {"q": "needle", "page_size": 4, "page": 2})[0] == matches[4:6]
    # Asked for in another order, the API keeps it.
    assert api_ids(world, {"q": "needle", "ordering": "created_at"})[0] == matches[::-1]


def test_a_search_counts_to_the_search_cap(client, world, awards, settings):
    settings.SEARCH_COUNT_CAP = 3
    client.force_login(world.manager)
    response = client.get("/awards/", {"q": "needle"})
    assert response.context["page"].paginator.count_label == "more than 3"
    assert "more than 3 awards" in response.content.decode()
    body = api_ids(world, {"q": "needle", "page_size": 2})[1]
    assert (body["count"], body["count_exact"]) == (3, False)
    # Without a search the list counts to PAGINATION_COUNT_CAP as before.
    assert client.get("/awards/").context["page"].paginator.count_label == "12"
    assert api_ids(world, {})[1]["count"] == 12


@pytest.mark.parametrize("page", ["9223372036854775807", "1" + "0" * 30])
def test_a_search_for_a_page_past_any_list_answers_with_the_last_page(client, world, awards, settings, page):
    """A page number too big for a database's LIMIT (typed, or a crawler's) is a page past the end: the
    last page, on the page and the API, not an error (PostgreSQL refused it with "bigint out of range")."""
    settings.SEARCH_COUNT_CAP = 2
    client.force_login(world.manager)
    response = client.get("/awards/", {"q": "needle", "page": page})
    assert response.status_code == 200
    assert response.context["page"].object_list
    token = Token.objects.create(user=world.manager)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/awards/", {"q": "needle", "page": page}).status_code in (200, 404)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the sorted order is PostgreSQL's")
def test_old_matches_are_sorted_not_walked_to(world, awards, settings):
    searched = Award.objects.filter(search.award_text("needle")).order_by("-created_at", "-id")
    settings.SEARCH_RECENT_WINDOW = 3  # the newest three hold a match (age 9): the index walk finds it
    assert search.newest_first(searched, rows_needed=1) is searched
    settings.SEARCH_RECENT_WINDOW = 2  # the newest two awards do not match: sort what the indexes find
    sorted_ = search.newest_first(searched, rows_needed=1)
    assert sorted_ is not searched and "+" in str(sorted_.query).split("ORDER BY")[1]
    assert list(sorted_.values_list("pk", flat=True)) == list(searched.values_list("pk", flat=True))


@pytest.mark.postgres
@pytest.mark.parametrize("cap", [1_000, 3])
def test_sorted_matches_are_counted_and_paged_from_one_read_of_their_keys(client, world, awards, settings, cap):
    """Sorted, a search reads every match whatever the page: its count is the first cap + 1 keys in order,
    and the pages within them are those keys (one query for the count and the keys, not two)."""
    settings.SEARCH_RECENT_WINDOW = 2  # the newest two awards do not match: sorted
    settings.SEARCH_COUNT_CAP = cap
    client.force_login(world.manager)
    matches = expected(awards, [0, 1, 2, 3, 6, 9])
    with CaptureQueriesContext(connection) as asked:
        response = client.get("/awards/", {"q": "needle"})
    assert [award.pk for award in response.context["page"].object_list] == matches
    assert response.context["page"].paginator.count_label == ("6" if cap > 6 else "more than 3")
    searched = [
        q["sql"] for q in asked.captured_queries if "%needle%" in q["sql"].lower() and "grants_award" in q["sql"]
    ]
    # The probe of the newest awards, the keys in order (the count), the page's rows by key: no count apart.
    assert len(searched) == 3, [q[:150] for q in searched]
    for size, number in ((2, 1), (2, 2), (2, 3), (4, 2)):
        ids, body = api_ids(world, {"q": "needle", "page_size": size, "page": number})
        assert ids == matches[(number - 1) * size : number * size], (size, number)
        assert (body["count"], body["count_exact"]) == ((6, True) if cap > 6 else (3, False))


@pytest.mark.postgres
def test_a_search_reads_one_index_of_the_state_and_the_titles_trigrams(client, world, awards):
    """At 1,000,000 awards "Award 1" has 111,111 candidate titles, 33,333 of them active: the state beside
    the title's trigrams in one index (grants 0017) lets a search by state visit only those (the planner's
    choice at that size: `make bench`); the title-only index it replaces is gone, and a search without a
    state still finds its titles by the same index."""
    client.force_login(world.manager)
    response = client.get("/awards/", {"state": "draft", "q": "needle"})
    assert [a.pk for a in response.context["page"].object_list] == expected(awards, [0, 1, 2, 3, 6, 9])
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'grants_award'")
        indexes = dict(cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = off")  # what the planner does once the table is big
        cursor.execute("SET LOCAL enable_indexscan = off")  # nor a walk of a whole btree (award_by_title)
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        sql, params = Award.objects.filter(title__icontains="needle").values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "award_title_trgm" not in indexes
    assert "gin (state, upper((title)::text) gin_trgm_ops)" in indexes["award_state_title_trgm"]
    assert "award_state_title_trgm" in plan, plan
