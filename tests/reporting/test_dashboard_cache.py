from decimal import Decimal

from grants import services
from reporting.dashboard import programme_money
from tests import factories as f
from tests.helpers import force_state


def money_of(user, programme):
    row = next(p for p in programme_money(user=user) if p.pk == programme.pk)
    return row.committed, row.paid


def test_programme_money_is_cached_until_a_transition_or_money_change(world, django_assert_max_num_queries):
    award = force_state(f.AwardFactory(programme=world.programme, amount_requested=Decimal("40000")), "in_assessment")
    assert money_of(world.manager, world.programme) == (Decimal("0"), Decimal("0"))
    with django_assert_max_num_queries(2):  # the two log marks, not the per-programme sums
        programme_money(user=world.manager)

    services.award_approve(award=award, actor=world.manager)
    assert money_of(world.manager, world.programme) == (Decimal("40000.00"), Decimal("0"))

    payment = services.payment_schedule(award=award, due_on="2026-04-01", amount="15000", actor=world.manager)
    services.payment_approve(payment=payment, actor=world.manager)
    services.payment_release(payment=payment, actor=world.manager)
    assert money_of(world.manager, world.programme) == (Decimal("40000.00"), Decimal("15000.00"))

    services.award_change_amount(award=award, amount=Decimal("45000"), actor=world.manager, note="Extra school")
    assert money_of(world.manager, world.programme) == (Decimal("45000.00"), Decimal("15000.00"))
    # Another manager's view is cached apart: it never sees this programme.
    assert all(p.pk != world.programme.pk for p in programme_money(user=world.manager_b))
