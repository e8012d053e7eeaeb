"""The money lists (pages and API) take the same number of queries for a few rows as for many."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants.models import FundingProgramme
from grants.money import services as money
from tests.grants.money_helpers import approved_award, categories, paid_ready


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def _add(world, cats, n):
    for _ in range(n):
        award = approved_award(world, lines=[(cats[0], 1, Decimal("600")), (cats[1], 2, Decimal("400"))])
        money.variation_request(award=award, actor=world.partner, kind="scope", reason="More", scope_change="More")
        paid_ready(world, award, due_on=dt.date(2026, 4, 1), amount="100.00")
        money.payment_run_export(actor=world.manager, organisation=world.central, due_by=dt.date(2026, 4, 1))


URLS = [
    "/api/v1/variations/",
    "/api/v1/budget-lines/",
    "/api/v1/budget-categories/",
    "/api/v1/payment-runs/",
    "/api/v1/financial-years/",
    reverse("grants:payment_run_list"),
    reverse("grants:money_by_year"),
]


def test_money_lists_cost_the_same_for_three_rows_as_for_nine(world, client):
    FundingProgramme.objects.filter(pk=world.programme.pk).update(budget=Decimal("1000000"))
    cats = categories(world.programme, world.manager)
    _add(world, cats, 3)
    client.force_login(world.manager)
    for url in URLS:  # warm the session and the demo banner's one-off reads
        client.get(url)
    few = {url: _count(client, url) for url in URLS}
    _add(world, cats, 6)
    many = {url: _count(client, url) for url in URLS}
    assert many == few
