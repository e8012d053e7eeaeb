from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from grants import services
from grants.models import FundingProgramme
from reporting.selectors.dashboards import programme_money
from tests import factories as f
from tests.helpers import force_state


def money_of(user, programme):
    row = next(p for p in programme_money(user=user) if p.pk == programme.pk)
    return row.committed, row.paid


def test_programme_money_reads_the_running_totals_in_a_constant_number_of_queries(world, django_assert_max_num_queries):
    """3 programmes or 30 cost the same: the totals are columns, not sums worked out per row."""
    central = world.programme.managed_by
    for _ in range(30):
        programme = f.ProgrammeFactory(managed_by=central)
        award = force_state(f.AwardFactory(programme=programme, amount_requested=Decimal("1000")), "in_assessment")
        services.award_approve(award=award, actor=world.manager)
    assert len(programme_money(user=world.manager)) == 31  # roles now cached on the user
    with django_assert_max_num_queries(1):
        rows = programme_money(user=world.manager)
    assert sum(row.committed for row in rows) == Decimal("30000.00")


def test_programme_running_totals_follow_approval_variation_and_release(world):
    award = force_state(f.AwardFactory(programme=world.programme, amount_requested=Decimal("40000")), "in_assessment")
    assert money_of(world.manager, world.programme) == (Decimal("0"), Decimal("0"))

    services.award_approve(award=award, actor=world.manager)
    assert money_of(world.manager, world.programme) == (Decimal("40000.00"), Decimal("0"))
    payment = services.payment_schedule(award=award, due_on="2026-04-01", amount="15000", actor=world.manager)
    services.payment_approve(payment=payment, actor=world.manager)
    services.payment_release(payment=payment, actor=world.manager)
    services.award_change_amount(award=award, amount=Decimal("45000"), actor=world.manager, note="Extra school")
    assert money_of(world.manager, world.programme) == (Decimal("45000.00"), Decimal("15000.00"))
    world.programme.refresh_from_db()
    assert world.programme.recount_totals() == (world.programme.committed_amount, world.programme.paid_amount)
    assert all(p.pk != world.programme.pk for p in programme_money(user=world.manager_b))


def test_the_database_refuses_a_committed_total_past_the_budget(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingProgramme.objects.filter(pk=world.programme.pk).update(committed_amount=Decimal("100000.01"))


def test_running_totals_reconcile_with_the_awards_on_the_demo_data(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", stdout=open("/dev/null", "w"))
    for programme in FundingProgramme.objects.all():
        assert programme.recount_totals() == (programme.committed_amount, programme.paid_amount), programme
    assert services.programme_totals_recount() == 0
