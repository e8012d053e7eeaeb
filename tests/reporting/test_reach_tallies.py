"""Reporting's tallies (reporting/tallies.py): awards and projects by local authority, kept by triggers
through every kind of write and an organisation moving authority, equal to a count of the rows, and what
/reach/ and the project pipeline show."""

from decimal import Decimal

import pytest
from django.db import connection

from grants import services
from grants.models import Award
from partnerships.models import LocalAuthority, Organisation, Project, Region
from reporting import tallies
from reporting.models import ReachTally
from reporting.selectors.dashboards import project_pipeline, reach_table
from tests import factories as f
from tests.helpers import force_state


@pytest.fixture
def places(db):
    region = Region.objects.get(code="E12000005")
    return {la.name: la for la in LocalAuthority.objects.filter(region=region, name__in=["Birmingham", "Coventry"])}


def counted(user, region):
    """/reach/'s award columns worked out the slow way, from every award the person may see."""
    from grants.selectors import award_list

    out = {}
    for award in award_list(user=user).filter(state__in=Award.COMMITTED_STATES).select_related("recipient"):
        la = award.recipient.local_authority
        if la is None or la.region_id != region.pk:
            continue
        n, amount = out.get(la.name, (0, Decimal("0")))
        out[la.name] = (n + 1, amount + (award.amount_awarded or 0))
    return out


def shown(user, region):
    table = reach_table(user=user, region=region)
    return {row.name: (row.awards, row.awarded) for g in table["groups"] for row in g["rows"] if row.awards}


def projects_counted(user, region):
    """/reach/'s project columns and the pipeline worked out the slow way, from every project one may see."""
    from partnerships.selectors import project_list
    from reporting.selectors.dashboards import PROJECT_NOT_LIVE

    reach, stages = {}, {}
    for project in project_list(user=user).select_related("lead_organisation__local_authority"):
        stages[project.state] = stages.get(project.state, 0) + 1
        la = project.lead_organisation.local_authority
        if project.state in PROJECT_NOT_LIVE or la is None or la.region_id != region.pk:
            continue
        n, settings, children = reach.get(la.name, (0, 0, 0))
        reach[la.name] = (n + 1, settings + project.settings_reached, children + project.children_reached)
    return reach, stages


def projects_shown(user, region):
    table = reach_table(user=user, region=region)
    reach = {
        row.name: (row.projects, row.settings, row.children)
        for g in table["groups"]
        for row in g["rows"]
        if row.projects
    }
    return reach, {r["state"]: r["count"] for r in project_pipeline(user=user)}


def test_tallies_follow_every_kind_of_award_write_and_a_school_moving(world, places):
    region = Region.objects.get(code="E12000005")
    school = f.OrganisationFactory(name="Hillside Primary", kind="school", local_authority=places["Birmingham"])
    a = f.AwardFactory(programme=world.programme, recipient=school, amount_requested=Decimal("40000.10"))
    b = f.AwardFactory(programme=world.programme, recipient=world.partner_org, amount_requested=Decimal("5000.00"))
    a = force_state(a, "in_assessment")
    services.award_approve(award=a, actor=world.manager)
    services.award_change_amount(award=a, amount=Decimal("41000.00"), actor=world.manager, note="One more school")
    b = force_state(b, "in_assessment")
    services.award_approve(award=b, actor=world.manager)
    assert tallies.recount() == 0
    assert shown(world.manager, region) == counted(world.manager, region) == {"Birmingham": (2, Decimal("46000.00"))}

    # The school moves to Coventry (a save and a queryset update, which no Python hook sees).
    school.local_authority = places["Coventry"]
    school.save()
    assert shown(world.manager, region) == {"Birmingham": (1, Decimal("5000.00")), "Coventry": (1, Decimal("41000.00"))}
    Organisation.objects.filter(pk=world.partner_org.pk).update(local_authority=places["Coventry"])
    assert shown(world.manager, region) == {"Coventry": (2, Decimal("46000.00"))}

    # Bulk writes, a recipient changed, an award archived, a draft deleted.
    Award.objects.bulk_create(
        [
            f.AwardFactory.build(
                programme=world.programme, recipient=school, state="active", amount_awarded=Decimal("100.00")
            )
            for _ in range(3)
        ]
    )
    Award.objects.filter(recipient=school, state="active").update(amount_awarded=Decimal("200.00"))
    Award.objects.filter(pk=b.pk).update(recipient=f.OrganisationFactory(local_authority=places["Birmingham"]))
    Award.objects.filter(pk=a.pk).update(archived_at="2026-11-30T12:00:00Z")
    Award.objects.filter(pk=f.AwardFactory(programme=world.programme, recipient=school, state="active").pk).delete()

    assert tallies.recount() == 0
    assert shown(world.manager, region) == counted(world.manager, region)
    assert shown(world.manager, region) == {
        "Birmingham": (1, Decimal("5000.00")),
        "Coventry": (3, Decimal("600.00")),
    }
    # Another programme's manager sees none of it; the funder sees what its programme funds.
    assert shown(world.manager_b, region) == {}
    assert shown(world.funder, region) == counted(world.funder, region) == shown(world.manager, region)


def test_a_partner_is_counted_from_the_awards(world, places):
    region = Region.objects.get(code="E12000005")
    Organisation.objects.filter(pk=world.partner_org.pk).update(local_authority=places["Birmingham"])
    f.AwardFactory(programme=world.programme, recipient=world.partner_org, state="active", amount_awarded=7)
    f.AwardFactory(programme=world.programme_b, recipient=world.partner_org_b, state="active", amount_awarded=9)
    assert shown(world.partner, region) == counted(world.partner, region) == {"Birmingham": (1, Decimal("7.00"))}


def test_a_tally_that_drifted_is_found_and_put_right(world, places):
    f.AwardFactory(programme=world.programme, recipient=world.partner_org, state="active", amount_awarded=10)
    ReachTally.objects.update(awards=5)
    assert tallies.recount() == 1
    assert tallies.recount() == 0


def test_reach_reads_a_fixed_number_of_queries(world, places, django_assert_num_queries):
    region = Region.objects.get(code="E12000005")
    for _ in range(3):
        f.AwardFactory(programme=world.programme, recipient=world.partner_org, state="active", amount_awarded=1)
    reach_table(user=world.manager, region=region)
    with django_assert_num_queries(5):  # the local authorities, projects, partners, award tallies, shares
        reach_table(user=world.manager, region=region)


@pytest.mark.parametrize("order", [("tallies", "awards", "programmes"), ("awards", "tallies", "programmes")])
def test_emptying_the_tables_in_any_order_leaves_no_tally_behind(world, order):
    """A flush empties tables in an order that changes from run to run; no derived row may outlive it."""
    f.AwardFactory(programme=world.programme, recipient=world.partner_org, state="active", amount_awarded=3)
    tables = {"tallies": "reporting_reachtally", "awards": "grants_award", "programmes": "grants_fundingprogramme"}
    f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org)
    with connection.cursor() as cursor:
        for table in ("reporting_progressupdate", "grants_payment", "reporting_indicator", "reporting_evaluation"):
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute("DELETE FROM grants_awardtally")
        for name in order:
            cursor.execute(f"DELETE FROM {tables[name]}")
        connection.check_constraints()
        cursor.execute("SELECT count(*) FROM reporting_reachtally")
        assert cursor.fetchone()[0] == 0
        for table in ("reporting_projecttally", "partnerships_projectpartner", "partnerships_project"):
            cursor.execute(f"DELETE FROM {table}")  # the project tally written back by the projects' trigger …
        cursor.execute("DELETE FROM grants_fundingprogramme")
        cursor.execute("DELETE FROM partnerships_partnershipmember")
        cursor.execute("DELETE FROM partnerships_partnership")  # … goes with its partnership
        connection.check_constraints()
        cursor.execute("SELECT count(*) FROM reporting_projecttally")
        assert cursor.fetchone()[0] == 0


def test_project_tallies_follow_every_kind_of_project_write_and_a_lead_moving(world, places):
    region = Region.objects.get(code="E12000005")
    school = f.OrganisationFactory(name="Hillside Primary", kind="school", local_authority=places["Birmingham"])
    a = f.ProjectFactory(
        partnership=world.partnership, lead_organisation=school, settings_reached=4, children_reached=900
    )
    b = f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org, children_reached=50)
    f.ProjectFactory(partnership=world.partnership_b, lead_organisation=school, children_reached=7)  # another lead's
    force_state(a, "in_delivery")
    force_state(b, "approved")
    assert tallies.recount("projects") == 0
    assert projects_shown(world.manager, region) == projects_counted(world.manager, region)
    assert projects_shown(world.manager, region)[0] == {"Birmingham": (2, 4, 950)}

    school.local_authority = places["Coventry"]
    school.save()
    Project.objects.filter(pk=b.pk).update(children_reached=60, settings_reached=2)  # no Python hook sees it
    Project.objects.bulk_create([f.ProjectFactory.build(partnership=world.partnership, lead_organisation=school)])
    Project.objects.filter(pk=a.pk).update(archived_at="2026-11-30T12:00:00Z")
    Project.objects.filter(pk=f.ProjectFactory(partnership=world.partnership, lead_organisation=school).pk).delete()

    assert tallies.recount("projects") == 0
    reach, stages = projects_shown(world.manager, region)
    assert (reach, stages) == projects_counted(world.manager, region)
    assert reach == {"Birmingham": (1, 2, 60)} and stages == {"approved": 1, "draft": 1}
    assert projects_shown(world.manager_b, region)[1] == {"draft": 1}


def test_partners_and_funders_are_counted_from_the_projects(world, places):
    region = Region.objects.get(code="E12000005")
    mine = f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org, children_reached=5)
    force_state(mine, "in_delivery")
    f.ProjectFactory(partnership=world.partnership, children_reached=9)
    assert projects_shown(world.partner, region) == projects_counted(world.partner, region)
    assert projects_shown(world.partner, region)[1] == {"in_delivery": 1}


def test_a_co_funder_sees_the_awards_it_co_funds_on_reach_each_once(world, places):
    """A tally counts an award under its own programme; a funder whose programmes co-fund it (two shares
    here) still sees it once on /reach/, with the whole amount awarded, as counted from the awards."""
    from grants.money.cofunding.services import award_shares_set
    from tests.grants.cofunding_helpers import co_programme
    from tests.grants.money_helpers import approved_award

    region = Region.objects.get(code="E12000005")
    co, co_2 = co_programme(world), co_programme(world, name="Second Combined Fund")
    award = approved_award(world, amount=Decimal("10000.00"))
    award_shares_set(award=award, actor=world.manager, shares=[(co, Decimal("3000.00")), (co_2, Decimal("1000.00"))])
    la = award.recipient.local_authority.name
    assert shown(world.funder_b, region) == counted(world.funder_b, region) == {la: (1, Decimal("10000.00"))}
    assert shown(world.funder, region) == counted(world.funder, region) == {la: (1, Decimal("10000.00"))}
