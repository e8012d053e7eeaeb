"""Variations: requested and decided as their own record, logged; the amount awarded is always the original
plus the approved variations; increases go through the programme's budget guard."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from grants import services
from grants.models import BudgetLine, FundingProgramme, Variation
from grants.money import services as money
from tests.grants.money_helpers import approved_award, categories
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.models import MoneyChange, TransitionLog


def _original(award) -> Decimal:
    approved = Variation.objects.filter(award=award, state="approved")
    return award.amount_awarded - sum((v.amount_change for v in approved), Decimal(0))


def test_a_partner_asks_for_more_money_and_a_manager_approves_it_in_the_budget(world):
    staffing, cover, _training = categories(world.programme, world.manager)
    award = approved_award(world, lines=[(staffing, 1, Decimal("6000")), (cover, 1, Decimal("4000"))])
    variation = money.variation_request(
        award=award,
        actor=world.partner,
        kind="amount",
        reason="Two more schools joined",
        amount_change=Decimal("1500"),
        lines=[(staffing, 1, Decimal("1000")), (cover, 1, Decimal("500"))],
    )
    assert variation.state == "requested" and variation.number == 1
    money.variation_transition(variation=variation, name="approve", actor=world.manager, note="Agreed at panel")

    award.refresh_from_db()
    variation.refresh_from_db()
    assert award.amount_awarded == Decimal("11500.00")
    assert (variation.amount_before, variation.amount_after) == (Decimal("10000.00"), Decimal("11500.00"))
    assert sum(award.budget_lines.values_list("approved", flat=True)) == award.amount_awarded
    assert _original(award) == Decimal("10000.00")
    programme = FundingProgramme.objects.get(pk=award.programme_id)
    assert programme.committed_amount == programme.committed_total() == Decimal("11500.00")
    assert TransitionLog.objects.filter(transition="approve", object_id=variation.pk, actor=world.manager).exists()
    assert MoneyChange.objects.filter(field="amount_awarded", new_amount=Decimal("11500.00")).exists()


def test_an_increase_past_the_programmes_budget_is_refused_with_the_reason(world):
    award = approved_award(world)  # £10,000 of £100,000
    variation = money.variation_request(
        award=award, actor=world.partner, kind="amount", reason="Whole county", amount_change=Decimal("90000.01")
    )
    with pytest.raises(TransitionRefused, match="past its budget of £100,000.00.*leaving £90,000.00"):
        money.variation_transition(variation=variation, name="approve", actor=world.manager)
    award.refresh_from_db()
    assert award.amount_awarded == Decimal("10000.00")


def test_a_decrease_below_what_is_scheduled_is_refused(world):
    award = approved_award(world)
    services.payment_schedule(award=award, due_on=dt.date(2026, 4, 1), amount="8000", actor=world.manager)
    variation = money.variation_request(
        award=award, actor=world.manager, kind="amount", reason="Less needed", amount_change=Decimal("-2500")
    )
    with pytest.raises(TransitionRefused, match="already in its payment schedule"):
        money.variation_transition(variation=variation, name="approve", actor=world.manager)


def test_moving_money_between_lines_must_add_up_to_nothing(world):
    staffing, cover, _training = categories(world.programme, world.manager)
    award = approved_award(world, lines=[(staffing, 1, Decimal("6000")), (cover, 1, Decimal("4000"))])
    with pytest.raises(ValidationError, match="must add up to £0.00"):
        money.variation_request(
            award=award,
            actor=world.partner,
            kind="reallocation",
            reason="Cover costs rose",
            lines=[(staffing, 1, Decimal("-500")), (cover, 1, Decimal("400"))],
        )
    variation = money.variation_request(
        award=award,
        actor=world.partner,
        kind="reallocation",
        reason="Cover costs rose",
        lines=[(staffing, 1, Decimal("-500")), (cover, 1, Decimal("500"))],
    )
    money.variation_transition(variation=variation, name="approve", actor=world.manager)
    approved = dict(BudgetLine.objects.filter(award=award).values_list("category__name", "approved"))
    assert approved == {"Staffing": Decimal("5500.00"), "Supply cover": Decimal("4500.00")}
    award.refresh_from_db()
    assert award.amount_awarded == Decimal("10000.00")


def test_a_no_cost_extension_moves_the_planned_end(world):
    award = approved_award(world)
    variation = money.variation_request(
        award=award, actor=world.partner, kind="extension", reason="Staff illness", new_planned_end=dt.date(2028, 3, 31)
    )
    money.variation_transition(variation=variation, name="approve", actor=world.manager)
    award.refresh_from_db()
    assert award.planned_end == dt.date(2028, 3, 31)


def test_declining_needs_a_reason_and_changes_nothing(world):
    award = approved_award(world)
    variation = money.variation_request(
        award=award, actor=world.partner, kind="amount", reason="More", amount_change=Decimal("100")
    )
    with pytest.raises(TransitionRefused, match="needs a note"):
        money.variation_transition(variation=variation, name="decline", actor=world.manager)
    money.variation_transition(variation=variation, name="decline", actor=world.manager, note="No budget left")
    variation.refresh_from_db()
    award.refresh_from_db()
    assert variation.state == "declined" and award.amount_awarded == Decimal("10000.00")


def test_a_partner_cannot_approve_and_another_partner_cannot_ask(world):
    award = approved_award(world)
    variation = money.variation_request(
        award=award, actor=world.partner, kind="scope", reason="Add maths", scope_change="Maths as well as reading"
    )
    with pytest.raises(PermissionRefused):
        money.variation_transition(variation=variation, name="approve", actor=world.partner)
    with pytest.raises(PermissionRefused):
        money.variation_request(award=award, actor=world.partner_b, kind="scope", reason="x", scope_change="y")


def test_a_draft_cannot_be_varied(world):
    award = services.award_create(
        actor=world.partner,
        programme=world.programme,
        recipient=world.partner_org,
        title="Draft",
        amount_requested=Decimal("10"),
    )
    with pytest.raises(TransitionRefused, match="Only an approved award"):
        money.variation_request(award=award, actor=world.partner, kind="scope", reason="x", scope_change="y")


def test_the_managers_vary_step_is_recorded_as_an_approved_variation(world, client):
    award = approved_award(world)
    client.force_login(world.manager)
    response = client.post(
        f"/api/v1/awards/{award.pk}/vary/",
        {"amount": "12000.00", "note": "Panel uplift"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    variation = Variation.objects.get(award=award)
    assert (variation.state, variation.amount_change, variation.reason) == (
        "approved",
        Decimal("2000.00"),
        "Panel uplift",
    )
    award.refresh_from_db()
    assert award.amount_awarded == Decimal("12000.00") and _original(award) == Decimal("10000.00")


def test_variations_in_the_api_with_their_steps_and_on_the_award_page_in_order(world, client):
    award = approved_award(world)
    client.force_login(world.partner)
    first = client.post(
        "/api/v1/variations/",
        {"award": award.pk, "kind": "amount", "reason": "More schools", "amount_change": "250.00"},
        content_type="application/json",
    )
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["number"] == 1 and body["state"] == "requested"
    assert [t["name"] for t in body["available_transitions"]] == ["withdraw"]
    client.post(
        "/api/v1/variations/",
        {"award": award.pk, "kind": "extension", "reason": "Later", "new_planned_end": "2028-06-30"},
        content_type="application/json",
    )
    client.force_login(world.manager)
    approved = client.post(
        f"/api/v1/variations/{body['id']}/approve/", {"note": "Yes"}, content_type="application/json"
    )
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    again = client.post(f"/api/v1/variations/{body['id']}/approve/", {}, content_type="application/json")
    assert again.status_code == 409
    page = client.get(reverse("grants:award_detail", args=[award.pk])).content.decode()
    assert page.index("Variation 1") < page.index("Variation 2")
    assert "Originally awarded £10,000; with the approved variations, £10,250." in " ".join(page.split())
    client.force_login(world.partner_b)
    assert client.get(f"/api/v1/variations/{body['id']}/").status_code == 404


def test_the_variation_form_refuses_lines_that_do_not_add_up_and_keeps_what_was_typed(world, client):
    staffing, cover, _training = categories(world.programme, world.manager)
    award = approved_award(world, lines=[(staffing, 1, Decimal("6000")), (cover, 1, Decimal("4000"))])
    client.force_login(world.partner)
    response = client.post(
        reverse("grants:variation_create", args=[award.pk]),
        {
            "kind": "reallocation",
            "reason": "Cover rose",
            f"move-line-{staffing.pk}-1": "-300",
            f"move-line-{cover.pk}-1": "200",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200 and "must add up to £0.00" in text and 'value="-300"' in text
    assert not Variation.objects.exists()
