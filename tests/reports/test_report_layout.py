"""How reports are laid out on the page: words whole, the cover, the steps' own dates."""

from io import BytesIO

from pypdf import PdfReader

from reporting import reports

from .conftest import build_award


def pdf_lines(data: bytes) -> list[str]:
    return [line.strip() for page in PdfReader(BytesIO(data)).pages for line in page.extract_text().splitlines()]


def test_table_headings_are_not_broken_mid_word(world):
    build_award(world, amount="40000.00")
    report = reports.partnership_report(user=world.funder, pk=world.partnership.pk)
    lines = pdf_lines(reports.pdf_bytes(report))

    words = {word for line in lines for word in line.split()}
    assert {"Organisations", "Children", "Awarded", "Settings"} <= words
    assert not {"Organisatio", "Childre", "ns", "n"} & words
