"""Payments and commitments by financial year (April–March) and school year (September–August)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from grants import services
from grants.money import selectors
from grants.money.cofunding.services import award_shares_set
from grants.money.years import year_bounds, year_label, year_of
from tests.grants.cofunding_helpers import co_programme
from tests.grants.money_helpers import approved_award, paid_ready


@pytest.mark.parametrize(
    "day, financial, school",
    [
        (dt.date(2026, 3, 31), 2025, 2025),
        (dt.date(2026, 4, 1), 2026, 2025),
        (dt.date(2026, 8, 31), 2026, 2025),
        (dt.date(2026, 9, 1), 2026, 2026),
        (dt.date(2027, 1, 15), 2026, 2026),
    ],
)
def test_a_days_year_follows_its_date(day, financial, school):
    assert year_of(day, "financial") == financial
    assert year_of(day, "school") == school
    first, last = year_bounds(year_of(day, "financial"), "financial")
    assert first <= day <= last and (first.month, last.month, last.day) == (4, 3, 31)


def test_year_labels():
    assert year_label(2026) == "2026–27" and year_label(2099) == "2099–00"


def test_payments_fall_in_the_year_of_their_due_date_and_add_up_to_the_commitments(world, client):
    award = approved_award(world)  # £10,000 committed
    paid = paid_ready(world, award, due_on=dt.date(2026, 3, 31), amount="1000.00")
    services.payment_release(payment=paid, actor=world.manager, paid_on=dt.date(2026, 3, 31))
    paid_ready(world, award, due_on=dt.date(2026, 4, 1), amount="2000.00")
    services.payment_schedule(award=award, due_on=dt.date(2026, 9, 1), amount="3000.00", actor=world.manager)
    cancelled = services.payment_schedule(award=award, due_on=dt.date(2026, 9, 2), amount="500", actor=world.manager)
    services.payment_cancel(payment=cancelled, actor=world.manager, note="Duplicate")

    (financial,) = [t for t in selectors.money_by_year(user=world.manager, kind="financial") if t.name == "WM Fund"]
    assert [(y.label, y.paid, y.forecast) for y in financial.years] == [
        ("2025–26", Decimal("1000.00"), Decimal("0.00")),
        ("2026–27", Decimal("0.00"), Decimal("5000.00")),
    ]
    assert (financial.committed, financial.unscheduled) == (Decimal("10000.00"), Decimal("4000.00"))
    (school,) = [t for t in selectors.money_by_year(user=world.manager, kind="school") if t.name == "WM Fund"]
    assert [(y.label, y.paid + y.forecast) for y in school.years] == [
        ("2025–26", Decimal("3000.00")),
        ("2026–27", Decimal("3000.00")),
    ]

    (by_funder,) = selectors.money_by_year(user=world.funder, kind="financial", by="funder")
    assert by_funder.name == world.funder_org.name and by_funder.committed == Decimal("10000.00")
    assert selectors.money_by_year(user=world.funder_b, kind="financial", by="funder")[0].committed == 0

    client.force_login(world.funder)
    page = client.get(reverse("grants:money_by_year"), {"year": "school", "by": "funder"}).content.decode()
    assert "School year (September to August)" in page and "2026–27" in page
    api = client.get("/api/v1/financial-years/?year=financial").json()
    (row,) = [t for t in api if t["name"] == "WM Fund"]
    assert row["committed"] == "10000.00" and row["unscheduled"] == "4000.00"
    assert row["years"][0] == {
        "year": 2025,
        "label": "2025–26",
        "paid": "1000.00",
        "forecast": "0.00",
        "total": "1000.00",
    }
    assert client.get("/api/v1/financial-years/?year=calendar").status_code == 400


def test_the_years_page_and_api_take_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    client.force_login(world.manager)
    award = approved_award(world)
    for month in range(1, 4):
        paid_ready(world, award, due_on=dt.date(2026, month, 1), amount="100.00")
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("grants:money_by_year"))
    for month in range(4, 12):
        paid_ready(world, award, due_on=dt.date(2026 + month % 3, month, 1), amount="100.00")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("grants:money_by_year"))


def test_a_co_funded_award_counts_on_each_funder_by_its_share(world):
    co = co_programme(world)
    award = approved_award(world)  # £10,000, of which the co-funder takes £2,500
    award_shares_set(award=award, actor=world.manager, shares=[(co, Decimal("2500.00"))], note="Panel")
    paid = paid_ready(world, award, due_on=dt.date(2026, 4, 1), amount="1000.00")
    services.payment_release(payment=paid, actor=world.manager, paid_on=dt.date(2026, 4, 1))
    paid_ready(world, award, due_on=dt.date(2026, 5, 1), amount="333.33")

    tables = {t.name: t for t in selectors.money_by_year(user=world.manager, kind="financial")}
    lead, share = tables["WM Fund"], tables[co.name]
    assert (lead.committed, share.committed) == (Decimal("7500.00"), Decimal("2500.00"))
    assert [(y.paid, y.forecast) for y in lead.years] == [(Decimal("750.00"), Decimal("250.00"))]
    assert [(y.paid, y.forecast) for y in share.years] == [(Decimal("250.00"), Decimal("83.33"))]
    # to the penny: the two shares of each payment add up to the payment
    assert lead.years[0].total + share.years[0].total == Decimal("1333.33")

    (co_funder,) = selectors.money_by_year(user=world.funder_b, kind="financial", by="funder")
    assert co_funder.committed == Decimal("2500.00") and co_funder.years[0].paid == Decimal("250.00")
    (lead_funder,) = selectors.money_by_year(user=world.funder, kind="financial", by="funder")
    assert lead_funder.committed == Decimal("7500.00")
