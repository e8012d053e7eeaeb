"""Budget against actual and variations in the PDF reports, read back with pypdf and compared to the database."""

from decimal import Decimal

from grants.models import Award, BudgetLine
from grants.money import selectors
from grants.money import services as money
from reporting import reports
from reporting import services as reporting
from tests import factories as f
from tests.grants.money_helpers import approved_award, categories

from .conftest import pdf_text


def test_budget_against_actual_in_the_pdf_matches_the_database(world):
    staffing, cover, training = categories(world.programme, world.manager)
    award = approved_award(
        world,
        lines=[(staffing, 1, Decimal("6000.25")), (cover, 1, Decimal("2500")), (training, 2, Decimal("1499.75"))],
    )
    update = f.ProgressUpdateFactory(award=award, author=world.partner)
    reporting.update_edit(
        update=update,
        actor=world.partner,
        progress="Going well",
        spend_lines=[(staffing, Decimal("7012.34")), (cover, Decimal("1000.01"))],
    )
    reporting.update_transition(update=update, name="submit", actor=world.partner)
    reporting.update_transition(update=update, name="accept", actor=world.manager)
    variation = money.variation_request(
        award=award,
        actor=world.partner,
        kind="extension",
        reason="Illness",
        new_planned_end=award.planned_end.replace(year=2028),
    )
    money.variation_transition(variation=variation, name="approve", actor=world.manager)

    report = reports.award_report(user=world.funder, pk=award.pk)
    text = " ".join(pdf_text(reports.pdf_bytes(report)).split())

    expected = selectors.budget_against_actual(awards=Award.objects.filter(pk=award.pk))
    approved = {line.category.name: line.approved for line in BudgetLine.objects.filter(award=award)}
    assert expected.approved == sum(approved.values()) == Decimal("10000.00")
    assert "Budget against actual" in text
    for row in expected.rows:
        variance = f"{'-' if row.variance < 0 else ''}£{abs(row.variance):,.2f}"
        line = f"{row.name} ({row.finance_code}) £{row.approved:,.2f} £{row.actual:,.2f} {variance}"
        assert line in text, line
    assert f"Total £{expected.approved:,.2f} £{expected.actual:,.2f} £{expected.variance:,.2f}" in text
    assert expected.actual == Decimal("8012.35")
    assert "1. No-cost extension of the dates" in text and "Approved" in text
