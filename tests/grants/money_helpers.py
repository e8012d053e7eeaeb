"""Building approved awards with budget lines through the services, as a person would."""

import datetime as dt
from decimal import Decimal

from grants import services
from grants.money import services as money
from tests import factories as f
from tests.helpers import force_state


def categories(programme, manager, names=("Staffing", "Supply cover", "Training")):
    return [
        money.budget_category_save(programme=programme, actor=manager, name=n, finance_code=f"{5100 + i * 10}")
        for i, n in enumerate(names)
    ]


def approved_award(world, *, lines=None, amount=None, programme=None, manager=None, recipient=None):
    """An award applied for by world.partner, budgeted by `lines` ((category, year, amount)…), approved."""
    programme = programme or world.programme
    manager = manager or world.manager
    award = services.award_create(
        actor=manager,
        programme=programme,
        recipient=recipient or world.partner_org,
        title="Reading recovery across the Black Country",
        amount_requested=Decimal("1.00"),
        planned_start=dt.date(2026, 1, 5),
        planned_end=dt.date(2027, 12, 18),
    )
    if lines:
        money.budget_lines_set(award=award, actor=manager, lines=lines)
    else:
        services.award_update(award=award, actor=manager, amount_requested=Decimal("10000.00"))
    award = force_state(award, "in_assessment")
    return services.award_approve(award=award, actor=manager, amount=amount)


def paid_ready(world, award, *, due_on, amount):
    payment = services.payment_schedule(award=award, due_on=due_on, amount=amount, actor=world.manager)
    return services.payment_approve(payment=payment, actor=world.manager)


__all__ = ["approved_award", "categories", "f", "paid_ready"]
