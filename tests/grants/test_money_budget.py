"""Budget lines: set by the applicant, fixed at approval (adding up to the amount awarded), spend by line,
budget against actual on the pages and the API, reconciling to the penny on random data."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grants import services
from grants.models import Award, BudgetLine, SpendLine
from grants.money import selectors
from grants.money import services as money
from grants.money.pennies import share_out
from reporting import services as reporting
from tests import factories as f
from tests.grants.money_helpers import approved_award, categories
from tests.helpers import force_state
from workflow.errors import PermissionRefused, TransitionRefused


def test_the_applicant_budgets_by_line_and_year_and_the_request_is_the_total(world):
    staffing, cover, training = categories(world.programme, world.manager)
    award = services.award_create(
        actor=world.partner,
        programme=world.programme,
        recipient=world.partner_org,
        title="Peer review",
        amount_requested=Decimal("1"),
    )
    money.budget_lines_set(
        award=award,
        actor=world.partner,
        lines=[(staffing, 1, Decimal("4000")), (staffing, 2, Decimal("4200.50")), (cover, 1, Decimal("800"))],
    )
    award.refresh_from_db()
    assert award.amount_requested == Decimal("9000.50")
    assert award.budget_lines.count() == 3


def test_another_programmes_line_is_refused_and_nothing_changes(world):
    other = money.budget_category_save(programme=world.programme_b, actor=world.manager_b, name="Travel")
    award = f.AwardFactory(programme=world.programme, recipient=world.partner_org)
    with pytest.raises(ValidationError, match="is not one of WM Fund's budget lines"):
        money.budget_lines_set(award=award, actor=world.partner, lines=[(other, 1, Decimal("10"))])
    assert not award.budget_lines.exists()


def test_only_the_programmes_managers_set_its_lines(world):
    with pytest.raises(PermissionRefused):
        money.budget_category_save(programme=world.programme, actor=world.partner, name="Staffing")
    with pytest.raises(PermissionRefused):
        money.budget_category_save(programme=world.programme, actor=world.manager_b, name="Staffing")


def test_approval_fixes_the_approved_budget_adding_up_to_the_amount_awarded(world):
    staffing, cover, training = categories(world.programme, world.manager)
    award = approved_award(
        world,
        lines=[(staffing, 1, Decimal("3333.33")), (cover, 1, Decimal("3333.33")), (training, 2, Decimal("3333.34"))],
        amount=Decimal("7000.00"),
    )
    approved = list(award.budget_lines.values_list("approved", flat=True))
    assert sum(approved) == award.amount_awarded == Decimal("7000.00")
    assert all(a is not None for a in approved)


def test_approval_is_refused_when_the_lines_and_the_request_disagree(world):
    (staffing, *_rest) = categories(world.programme, world.manager)
    award = f.AwardFactory(programme=world.programme, recipient=world.partner_org, amount_requested="5000")
    money.budget_lines_set(award=award, actor=world.manager, lines=[(staffing, 1, Decimal("5000"))])
    Award.objects.filter(pk=award.pk).update(amount_requested=Decimal("6000"))  # as an old import might leave it
    award = force_state(award, "in_assessment")
    with pytest.raises(TransitionRefused, match="budget lines add up to £5,000.00"):
        services.award_approve(award=award, actor=world.manager)


def _accepted_update(world, award, spend_lines, period_end=dt.date(2026, 3, 31)):
    update = f.ProgressUpdateFactory(award=award, period_end=period_end, author=world.partner)
    reporting.update_edit(update=update, actor=world.partner, progress="Going well", spend_lines=spend_lines)
    reporting.update_transition(update=update, name="submit", actor=world.partner)
    return reporting.update_transition(update=update, name="accept", actor=world.manager)


def test_a_partners_update_reports_spend_by_line_and_its_total_is_the_spend_to_date(world):
    staffing, cover, training = categories(world.programme, world.manager)
    award = approved_award(world, lines=[(staffing, 1, Decimal("6000")), (cover, 1, Decimal("4000"))])
    update = _accepted_update(world, award, [(staffing, Decimal("2500.10")), (cover, Decimal("999.90"))])
    assert update.spend_to_date == Decimal("3500.00")
    assert SpendLine.objects.filter(update=update).count() == 2


def test_budget_against_actual_on_the_award_page_and_in_the_api(world, client):
    staffing, cover, training = categories(world.programme, world.manager)
    award = approved_award(world, lines=[(staffing, 1, Decimal("6000")), (cover, 1, Decimal("4000"))])
    _accepted_update(world, award, [(staffing, Decimal("7000")), (cover, Decimal("1000"))])

    report = selectors.budget_against_actual(awards=Award.objects.filter(pk=award.pk))
    rows = {r.name: r for r in report.rows}
    assert rows["Staffing"].variance == Decimal("-1000.00")
    assert rows["Supply cover"].variance == Decimal("3000.00")
    assert (report.approved, report.actual) == (Decimal("10000.00"), Decimal("8000.00"))

    client.force_login(world.funder)
    page = client.get(reverse("grants:award_detail", args=[award.pk])).content.decode()
    assert "Over by more than 10%" in page  # staffing is 16.7% over
    api = client.get(f"/api/v1/budget-lines/against-actual/?award={award.pk}").json()
    assert api["approved"] == "10000.00" and api["actual"] == "8000.00" and api["variance"] == "2000.00"
    for kind, pk in [
        ("programme", world.programme.pk),
        ("funder", world.funder_org.pk),
        ("partnership", world.partnership.pk),
    ]:
        assert client.get(reverse("grants:budget_against_actual", args=[kind, pk])).status_code == 200
    client.force_login(world.funder_b)
    assert client.get(f"/api/v1/budget-lines/against-actual/?award={award.pk}").status_code == 404
    assert client.get(reverse("grants:budget_against_actual", args=["award", award.pk])).status_code == 404


def test_the_budget_lines_api_replaces_a_drafts_budget(world, client):
    staffing, cover, _training = categories(world.programme, world.manager)
    award = f.AwardFactory(programme=world.programme, recipient=world.partner_org)
    client.force_login(world.partner)
    body = {
        "award": award.pk,
        "lines": [
            {"category": staffing.pk, "year": 1, "amount": "1200.00"},
            {"category": cover.pk, "year": 2, "amount": "300.5"},
        ],
    }
    response = client.post("/api/v1/budget-lines/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert [line["requested"] for line in response.json()] == ["1200.00", "300.50"]
    award.refresh_from_db()
    assert award.amount_requested == Decimal("1500.50")
    listed = client.get(f"/api/v1/budget-lines/?award={award.pk}").json()
    assert listed["count"] == 2
    client.force_login(world.partner_b)
    assert client.post("/api/v1/budget-lines/", body, content_type="application/json").status_code == 400
    assert client.get(f"/api/v1/budget-lines/?award={award.pk}").json()["count"] == 0


def test_the_budget_page_keeps_what_was_typed_when_a_figure_is_wrong(world, client):
    staffing, cover, _training = categories(world.programme, world.manager)
    award = f.AwardFactory(programme=world.programme, recipient=world.partner_org)
    client.force_login(world.partner)
    url = reverse("grants:award_budget_edit", args=[award.pk])
    response = client.post(url, {f"line-{staffing.pk}-1": "12,000", f"line-{cover.pk}-1": "lots"})
    text = response.content.decode()
    assert response.status_code == 200 and "“lots” is not a number" in text and 'value="12,000"' in text
    assert not BudgetLine.objects.exists()
    response = client.post(url, {f"line-{staffing.pk}-1": "12,000"})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.amount_requested == Decimal("12000.00")


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2),
    st.lists(st.decimals(min_value=Decimal("0"), max_value=Decimal("9999999.99"), places=2), min_size=1, max_size=12),
)
def test_sharing_out_always_adds_up_to_the_penny(total, weights):
    shares = share_out(total, weights)
    assert sum(shares) == total
    assert all(s >= 0 for s in shares)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    requested=st.lists(
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("20000"), places=2), min_size=1, max_size=6
    ),
    fraction=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1"), places=2),
    spent=st.lists(st.decimals(min_value=Decimal("0"), max_value=Decimal("30000"), places=2), min_size=1, max_size=6),
)
def test_random_budgets_reconcile_to_the_penny(world, requested, fraction, spent):
    cats = list(world.programme.budget_categories.all()) or categories(
        world.programme, world.manager, names=[f"Line {i}" for i in range(6)]
    )
    lines = [(cats[i % len(cats)], 1 + i // len(cats), amount) for i, amount in enumerate(requested)]
    total = sum(requested)
    amount = max(Decimal("0.01"), (total * fraction).quantize(Decimal("0.01")))
    from grants.models import FundingProgramme

    FundingProgramme.objects.filter(pk=world.programme.pk).update(budget=Decimal("99999999.00"))
    award = approved_award(world, lines=lines, amount=amount)
    assert sum(award.budget_lines.values_list("approved", flat=True)) == award.amount_awarded == amount

    update = _accepted_update(world, award, [(cats[i % len(cats)], s) for i, s in enumerate(spent)])
    report = selectors.budget_against_actual(awards=Award.objects.filter(pk=award.pk))
    assert report.approved == award.amount_awarded
    assert report.actual == update.spend_to_date == sum(spent)
    assert report.variance == report.approved - report.actual
    assert sum(r.variance for r in report.rows) == report.variance


def test_the_partner_gives_spend_by_line_on_the_update_page_and_the_api(world, client):
    staffing, cover, _training = categories(world.programme, world.manager)
    award = approved_award(world, lines=[(staffing, 1, Decimal("6000")), (cover, 1, Decimal("4000"))])
    update = f.ProgressUpdateFactory(award=award, author=world.partner)
    client.force_login(world.partner)
    url = reverse("reporting:update_edit", args=[update.pk])
    page = client.get(url).content.decode()
    assert f'name="spend_line_{staffing.pk}"' in page
    wrong = client.post(url, {"progress": "Going well", f"spend_line_{staffing.pk}": "a lot"})
    assert wrong.status_code == 400 and "“a lot” is not a number" in wrong.content.decode()
    client.post(
        url, {"progress": "Going well", f"spend_line_{staffing.pk}": "1,200.50", f"spend_line_{cover.pk}": "99.50"}
    )
    update.refresh_from_db()
    assert update.spend_to_date == Decimal("1300.00")
    assert dict(update.spend_lines.values_list("category__name", "amount")) == {
        "Staffing": Decimal("1200.50"),
        "Supply cover": Decimal("99.50"),
    }
    response = client.patch(
        f"/api/v1/updates/{update.pk}/",
        {"spend_lines": [{"category": staffing.pk, "amount": "2000.00"}]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["spend_to_date"] == "2000.00"
    assert response.json()["spend_lines"] == [
        {"category": staffing.pk, "category_name": "Staffing", "amount": "2000.00"}
    ]
    other = money.budget_category_save(programme=world.programme_b, actor=world.manager_b, name="Secret line")
    refused = client.patch(
        f"/api/v1/updates/{update.pk}/",
        {"spend_lines": [{"category": other.pk, "amount": "1.00"}]},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "Secret line" not in refused.content.decode()
