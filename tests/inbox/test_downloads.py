"""Every list downloads as filtered, as CSV or Excel, for exactly the people who see the list, with
cells a spreadsheet opens as text (never as formulae), in a fixed number of queries."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from grants.models import Award
from tests import factories as f
from tests.helpers import force_state


def _rows(response) -> list[dict]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="exchange-')
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_award_list_downloads_as_filtered_and_formula_safe(client, world):
    force_state(f.AwardFactory(programme=world.programme, title='=HYPERLINK("http://x","pay")'), Award.State.ACTIVE)
    force_state(f.AwardFactory(programme=world.programme, title="Oracy in Dudley"), Award.State.SUBMITTED)
    f.AwardFactory(programme=world.programme_b, title="East Midlands only")
    client.force_login(world.manager)
    everything = _rows(client.get("/awards/?download=csv"))
    assert {r["Title"] for r in everything} == {'\'=HYPERLINK("http://x","pay")', "Oracy in Dudley"}
    active = _rows(client.get("/awards/?state=active&download=csv"))
    assert [r["Stage"] for r in active] == ["Active (in delivery)"]
    assert active[0]["Requested (£)"] == "10000.00"


def test_funders_download_only_their_own_awards(client, world):
    force_state(f.AwardFactory(programme=world.programme, title="Funded by us"), Award.State.ACTIVE)
    force_state(f.AwardFactory(programme=world.programme_b, title="Funded by them"), Award.State.ACTIVE)
    client.force_login(world.funder)
    titles = {r["Title"] for r in _rows(client.get("/awards/?download=csv"))}
    page = client.get("/awards/").content.decode()
    assert titles == {"Funded by us"} and "Funded by them" not in page


def test_payment_list_downloads_with_its_urgency(client, world, due_world):
    client.force_login(world.manager)
    with due_world.at():
        rows = _rows(client.get("/payments/?when=overdue&download=csv"))
    assert [(r["Amount (£)"], r["Due"], r["Days overdue"]) for r in rows] == [("1500.00", "Overdue", "3")]


def test_updates_due_and_outstanding_download(client, world, due_world):
    client.force_login(world.partner)
    with due_world.at():
        rows = _rows(client.get("/updates/?download=csv"))
    late = [r for r in rows if r["Days late"] not in ("0", "")]
    assert sorted(int(r["Days late"]) for r in late) == [6, 16]
    client.force_login(world.manager)
    with due_world.at():
        outstanding = _rows(client.get("/updates/overdue/?download=csv"))
    assert len(outstanding) == 4  # 2 overdue, 1 awaiting review, 1 due soon


def test_excel_download_keeps_numbers_as_numbers(client, world):
    force_state(
        f.AwardFactory(programme=world.programme, title="@SUM(A1)", amount_awarded=Decimal("2500.50")), "active"
    )
    client.force_login(world.manager)
    response = client.get("/awards/?download=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[header.index("Title")] == "'@SUM(A1)"
    assert row[header.index("Awarded (£)")] == Decimal("2500.50") or row[header.index("Awarded (£)")] == 2500.5


@pytest.mark.parametrize(
    "url", ["/programmes/", "/partnerships/", "/projects/", "/awards/", "/payments/", "/updates/", "/updates/overdue/"]
)
def test_every_list_downloads_and_needs_sign_in(client, world, url):
    assert client.get(url + "?download=csv").status_code == 302  # to sign in
    client.force_login(world.manager)
    assert _rows(client.get(url + "?download=csv")) is not None
    assert "download=csv" in client.get(url).content.decode()


def test_a_list_too_long_to_download_asks_for_a_filter(client, world, settings):
    settings.DOWNLOAD_MAX_ROWS = 2
    for _ in range(3):
        f.AwardFactory(programme=world.programme)
    client.force_login(world.manager)
    response = client.get("/awards/?state=draft&download=csv", follow=True)
    assert response.redirect_chain[-1][0] == "/awards/?state=draft"
    assert "too many to download at once" in response.content.decode()


def test_download_query_count_does_not_grow(client, world):
    type(world.programme).objects.filter(pk=world.programme.pk).update(budget=Decimal("10000000"))
    client.force_login(world.manager)
    counts = []
    for n in (3, 30):
        for _ in range(n):
            award = force_state(f.AwardFactory(programme=world.programme, recipient=world.partner_org), "active")
            f.PaymentFactory(award=award)
            f.ProjectFactory(partnership=world.partnership)
        row = []
        for url in ("/awards/", "/payments/", "/projects/", "/partnerships/", "/programmes/"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url + "?download=csv").status_code == 200
            row.append(len(ctx.captured_queries))
        counts.append(row)
    assert counts[0] == counts[1], counts
