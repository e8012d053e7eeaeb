"""Awards' stage tallies (grants/tallies.py): kept by triggers through every kind of write, equal to a
count of the awards, and what the dashboards and the programme list show."""

from decimal import Decimal

import pytest

from grants import services, tallies
from grants.models import Award, AwardTally
from grants.selectors import award_stage_figures, programme_money_list
from reporting.selectors import dashboards as dashboard
from tests import factories as f
from tests.helpers import force_state


def counted(user):
    """The dashboard's figures worked out the slow way, from the awards the person may see."""
    from grants.selectors import award_list

    out = {}
    for award in award_list(user=user):
        row = out.setdefault(award.state, {"n": 0, "requested": Decimal(0), "awarded": Decimal(0)})
        row["n"] += 1
        row["requested"] += award.amount_requested
        row["awarded"] += award.amount_awarded or 0
    return out


def from_tallies(user):
    return {
        state: {"n": r["n"], "requested": r["requested"], "awarded": r["awarded"]}
        for state, r in award_stage_figures(user=user).items()
    }


def test_tallies_follow_services_archive_and_bulk_writes(world):
    a = f.AwardFactory(programme=world.programme, recipient=world.partner_org, amount_requested=Decimal("40000.10"))
    b = services.award_create(
        actor=world.manager,
        programme=world.programme,
        recipient=world.partner_org,
        title="Peer review",
        amount_requested=Decimal("12000.00"),
    )
    a = force_state(a, "in_assessment")
    services.award_approve(award=a, actor=world.manager)
    services.award_change_amount(award=a, amount=Decimal("41000.00"), actor=world.manager, note="One more school")
    services.award_transition(award=b, name="withdraw", actor=world.manager, note="Merged")
    services.award_archive(award=b, actor=world.manager)
    # An import writes in bulk: inserts and a queryset update no Python hook sees.
    Award.objects.bulk_create(
        [f.AwardFactory.build(programme=world.programme_b, recipient=world.partner_org_b) for _ in range(3)]
    )
    Award.objects.filter(programme=world.programme_b).update(amount_requested=Decimal("999.99"))

    assert tallies.recount() == 0
    assert from_tallies(world.manager) == counted(world.manager)
    assert from_tallies(world.manager) == {
        "approved": {"n": 1, "requested": Decimal("40000.10"), "awarded": Decimal("41000.00")}
    }
    assert from_tallies(world.manager_b) == {"draft": {"n": 3, "requested": Decimal("2999.97"), "awarded": 0}}
    assert from_tallies(world.funder_b) == {}  # a funder does not see drafts
    assert from_tallies(world.admin) == counted(world.admin)
    assert AwardTally.objects.get(programme=world.programme, state="withdrawn", archived=True).awards == 1


def test_a_tally_that_drifted_is_found_and_put_right(world):
    f.AwardFactory(programme=world.programme)
    AwardTally.objects.filter(programme=world.programme).update(awards=7)
    assert tallies.recount() == 1
    assert tallies.recount() == 0
    assert AwardTally.objects.get(programme=world.programme, state="draft", archived=False).awards == 1


def test_dashboard_and_programme_list_read_the_tallies(world, django_assert_num_queries):
    for state in ("submitted", "active", "active", "closed", "draft"):
        force_state(f.AwardFactory(programme=world.programme, amount_requested=Decimal("1000")), state)
    dashboard.award_pipeline(user=world.manager)  # the person's roles, read once per request
    with django_assert_num_queries(1):
        pipeline = {r["state"]: r["count"] for r in dashboard.award_pipeline(user=world.manager)}
    assert pipeline == {"draft": 1, "submitted": 1, "active": 2, "closed": 1}
    figures = dashboard.portfolio(user=world.funder)
    assert (figures["count"], figures["in_pipeline"]) == (3, 1)
    row = programme_money_list(user=world.manager).get(pk=world.programme.pk)
    assert row.award_count == 4  # beyond draft


@pytest.mark.django_db
def test_a_partner_is_counted_from_the_awards(world):
    """A partner's scope is by recipient, not by programme: counted, not read from the tallies."""
    f.AwardFactory(programme=world.programme, recipient=world.partner_org)
    f.AwardFactory(programme=world.programme, recipient=world.partner_org_b)
    assert award_stage_figures(user=world.partner) is None
    assert [(r["state"], r["count"]) for r in dashboard.award_pipeline(user=world.partner)] == [("draft", 1)]


@pytest.mark.parametrize("order", [("tallies", "awards", "programmes"), ("awards", "tallies", "programmes")])
def test_emptying_the_tables_in_any_order_leaves_no_tally_behind(world, order):
    """A flush (the browser tests' teardown) empties tables in an order that changes from run to run: a
    tally written back by the awards' delete trigger must not outlive its programme."""
    from django.db import connection

    f.AwardFactory(programme=world.programme, recipient=world.partner_org)
    tables = {
        "tallies": "grants_awardtally",
        "awards": "grants_award",
        "programmes": "grants_fundingprogramme",
    }
    with connection.cursor() as cursor:
        for table in ("reporting_progressupdate", "grants_payment", "reporting_indicator", "reporting_evaluation"):
            cursor.execute(f"DELETE FROM {table}")
        for name in order:
            cursor.execute(f"DELETE FROM {tables[name]}")
        connection.check_constraints()
        cursor.execute("SELECT count(*) FROM grants_awardtally")
        assert cursor.fetchone()[0] == 0


def test_a_co_funder_and_a_co_manager_count_the_awards_they_share_once_each(world, django_assert_num_queries):
    """The tallies count an award under its own programme; the awards a person's programmes share
    (grants/money/cofunding) are counted beside them, each once: on the dashboard's stages and portfolio,
    in one query, as a count of the awards the person may see gives them."""
    from grants.money.cofunding.services import award_shares_set
    from tests.grants.cofunding_helpers import co_programme
    from tests.grants.money_helpers import approved_award

    co, co2 = co_programme(world), co_programme(world, name="Second Fund")  # funder B's, managed by central
    co3 = f.ProgrammeFactory(
        name="EM Co-fund", funder=world.funder_org_b, managed_by=world.central_b, budget=Decimal("60000.00")
    )
    # On world.programme (funder A), shared by two of funder B's programmes: once for funder B.
    a = approved_award(world, amount=Decimal("10000.00"))
    award_shares_set(award=a, actor=world.manager, shares=[(co, Decimal("3000.00")), (co2, Decimal("2000.00"))])
    # Funder B's own programme's, shared with another of funder B's: counted by the tally only.
    b = approved_award(world, programme=world.programme_b, manager=world.manager_b, amount=Decimal("8000.00"))
    award_shares_set(award=b, actor=world.manager_b, shares=[(co3, Decimal("1000.00"))])
    # On world.programme, shared with co3 (managed by manager B): manager B co-manages it.
    c = force_state(approved_award(world, amount=Decimal("5000.00")), "active")
    both = f.MembershipFactory(organisation=world.central, role="manager").user  # a manager of both teams
    f.MembershipFactory(user=both, organisation=world.central_b, role="manager")
    award_shares_set(award=c, actor=both, shares=[(co3, Decimal("500.00"))])

    for user in (world.funder, world.funder_b, world.manager, world.manager_b, world.admin):
        assert from_tallies(user) == counted(user), user
    assert {s: r["n"] for s, r in award_stage_figures(user=world.funder_b).items()} == {"approved": 2, "active": 1}
    assert {s: r["n"] for s, r in award_stage_figures(user=world.manager_b).items()} == {"approved": 1, "active": 1}
    dashboard.award_pipeline(user=world.funder_b)  # the person's roles, read once per request
    with django_assert_num_queries(1):
        pipeline = {r["state"]: r["count"] for r in dashboard.award_pipeline(user=world.funder_b)}
    assert pipeline == {"approved": 2, "active": 1}
    assert dashboard.portfolio(user=world.funder_b)["count"] == 3
    assert dashboard.portfolio(user=world.funder_b)["awarded"] == Decimal("23000.00")
