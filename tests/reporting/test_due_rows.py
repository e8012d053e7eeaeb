"""The kept due periods (reporting/due_rows.py): after every kind of change the rows reconcile with the one
due rule (recount finds nothing to put right), the figures read from them are those worked out period by
period (reporting.periods through due_period_list), for a manager, a partner, an administrator and a manager who also
writes for the work, and the dashboard's figures cost the same queries however many awards there are."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from accounts import roles
from accounts.models import OrganisationMembership
from grants import services as grant_services
from grants.models import Award, FundingProgramme
from partnerships.models import Partnership
from reporting import due_rows, services
from reporting.models import DueRow, DueTally, ProgressUpdate
from reporting.selectors import due_period_list
from reporting.selectors import due_rows as read
from tests import factories as f
from tests.conftest import member
from tests.helpers import force_state
from workflow import clock

Role = OrganisationMembership.Role

TODAY = dt.date(2026, 6, 15)


def _award(world, **kwargs):
    return force_state(
        f.AwardFactory(programme=world.programme, recipient=world.partner_org, **kwargs), Award.State.ACTIVE
    )


URGENCIES = ("overdue", "awaiting_review", "due_soon", "upcoming", "done")


def rule_counts(periods) -> dict[str, int]:
    """The due figures of periods worked out one by one by the due rule (reporting.periods)."""
    found = dict.fromkeys(URGENCIES, 0)
    for period in periods:
        found[period.urgency] += 1
    found["with_partner"] = found["overdue"] + found["due_soon"] + found["upcoming"]
    return found


def rule(user, today=TODAY):
    """Every period the person sees, from the rule (due_period_list: their scope, the updates they may
    see), and those of the work they manage and of the work they write for."""
    periods = due_period_list(user=user, today=today)
    return (
        periods,
        [p for p in periods if p.work.manages(user)],
        [p for p in periods if p.work.is_owned_by(user)],
    )


def _agrees(*users):
    """Rows reconcile with the rule, and every figure read from them is the one the rule gives."""
    assert due_rows.recount() == 0
    for user in users:
        _seen, managed, owed = rule(user)
        assert read.managed_counts(user=user, today=TODAY) == rule_counts(managed), user
        assert read.owed_counts(user=user, today=TODAY) == rule_counts(owed), user
        for urgency in ("overdue", "awaiting_review"):
            got = read.managed_periods(user=user, today=TODAY, urgency=urgency, limit=50)
            want = [p for p in managed if p.urgency == urgency]
            assert [(p.key, p.state, p.due_on) for p in got] == [(p.key, p.state, p.due_on) for p in want], urgency
        got = read.owed_periods(user=user, today=TODAY, limit=50)
        assert [(p.key, p.state) for p in got] == [(p.key, p.state) for p in owed if p.with_partner]
        _lists_agree(user)


LISTS = {
    "overdue": lambda p: p.urgency == "overdue",
    "awaiting_review": lambda p: p.urgency == "awaiting_review",
    "due_soon": lambda p: p.urgency == "due_soon",
    "upcoming": lambda p: p.urgency == "upcoming",
    "done": lambda p: p.urgency == "done",
    "with_partner": lambda p: p.with_partner,
    "submitted": lambda p: not p.with_partner,
    "open": lambda p: p.urgency != "done",
    "all": lambda p: True,
}


def _lists_agree(user):
    """The pages' lists and counts (`rows`, `counts`: what is due, the overdue page, the calendar feed),
    unfiltered and by programme or partnership, are the rule's, period by period and in its order: every
    period the person sees, and (`managed_only`) those of the work they manage. A funder's view differs
    from the rule by design (it says where an update in review is, without opening it: tested apart)."""
    if roles.of(user).funder_orgs:
        return
    for filters in (
        {},
        {"programme": FundingProgramme.objects.get(name="WM Fund")},
        {"partnership": Partnership.objects.get(name__startswith="West Midlands")},
    ):
        seen = due_period_list(user=user, today=TODAY, **filters)
        for managed_only, want in ((False, seen), (True, [p for p in seen if p.work.manages(user)])):
            which = {"user": user, "today": TODAY, "managed_only": managed_only, **filters}
            assert read.counts(**which) == rule_counts(want), (user, filters, managed_only)
            for urgency, wanted in LISTS.items():
                got = read.read(read.rows(urgency=urgency, **which), user=user, today=TODAY)
                assert [(p.key, p.state, p.due_on) for p in got] == [
                    (p.key, p.state, p.due_on) for p in want if wanted(p)
                ], (user, filters, managed_only, urgency)


@pytest.fixture
def people(world):
    both = member(Role.MANAGER, world.programme.managed_by, username="both")
    f.MembershipFactory(user=both, organisation=world.partner_org, role=Role.PARTNER)
    return [world.manager, world.partner, world.admin, both, world.manager_b, world.funder]


def test_rows_reconcile_after_every_kind_of_change(world, people):
    with clock.at(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)):
        quarterly = _award(world, reporting_frequency="quarterly")
        termly = _award(world, reporting_frequency="termly")
        force_state(f.AwardFactory(programme=world.programme_b, recipient=world.partner_org_b), Award.State.ACTIVE)
        _agrees(*people)
        assert DueRow.objects.filter(award=quarterly).count() == 4

        # A schedule set, an extra date, an extension.
        services.schedule_save(
            actor=world.manager,
            award=termly,
            frequency="monthly",
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 9, 30),
        )
        _agrees(*people)
        services.due_date_add(
            actor=world.manager,
            award=quarterly,
            due_on=dt.date(2026, 6, 20),
            period_start=dt.date(2026, 4, 1),
            period_end=dt.date(2026, 5, 31),
            label="Board",
        )
        _agrees(*people)
        services.due_date_extend(
            actor=world.manager,
            award=quarterly,
            period_end=dt.date(2026, 3, 31),
            new_due_on=dt.date(2026, 6, 25),
            reason="Ofsted visit",
        )
        _agrees(*people)

        # Updates: started (a draft the manager does not see), submitted, changes requested, resubmitted,
        # accepted; a second draft in a period already submitted.
        update = services.update_start(
            actor=world.partner, award=termly, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 1, 31)
        )
        update.progress = "Twelve peer reviews."
        update.save()
        _agrees(*people)
        services.update_submit(update=update, actor=world.partner)
        _agrees(*people)
        services.update_request_changes(update=update, actor=world.manager, note="Add the spend.")
        _agrees(*people)
        services.update_resubmit(update=ProgressUpdate.objects.get(pk=update.pk), actor=world.partner)
        _agrees(*people)
        services.update_accept(update=ProgressUpdate.objects.get(pk=update.pk), actor=world.manager)
        _agrees(*people)
        submitted = f.ProgressUpdateFactory(
            award=quarterly, period_start=dt.date(2026, 1, 5), period_end=dt.date(2026, 2, 28)
        )
        force_state(submitted, ProgressUpdate.State.SUBMITTED)
        f.ProgressUpdateFactory(award=quarterly, period_start=dt.date(2026, 3, 1), period_end=dt.date(2026, 3, 31))
        _agrees(*people)
        assert DueRow.objects.exclude(turn=F("seen_turn")).exists()  # the draft hides the submitted one from managers

        # An extension deleted, the schedule deleted (back to the award's own).
        quarterly.reporting_schedule.extensions.first().delete()
        _agrees(*people)
        termly.reporting_schedule.delete()
        _agrees(*people)

        # The award edited, suspended, closed; a project reporting by itself until an award funds it.
        termly.planned_end = dt.date(2027, 7, 31)
        termly.save()
        _agrees(*people)
        grant_services.award_transition(
            award=Award.objects.get(pk=termly.pk), name="suspend", actor=world.manager, note="Paused."
        )
        _agrees(*people)
        force_state(Award.objects.get(pk=termly.pk), Award.State.CLOSED)
        assert not DueRow.objects.filter(award=termly).exists()
        _agrees(*people)
        project = f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org)
        force_state(project, "in_delivery")
        assert DueRow.objects.filter(project=project).exists()
        _agrees(*people)
        _award(world, project=project)  # now funded by an award: the award reports, not the project
        assert not DueRow.objects.filter(project=project).exists()
        _agrees(*people)


def test_recount_puts_drift_right(world):
    award = _award(world)
    kept = DueRow.objects.filter(award=award).count()
    DueRow.objects.filter(award=award).delete()
    DueTally.objects.update(periods=7)
    assert due_rows.recount() > 0
    assert DueRow.objects.filter(award=award).count() == kept
    assert due_rows.recount() == 0
    assert sum(DueTally.objects.values_list("periods", flat=True)) == DueRow.objects.count()


def test_emptying_the_tables_in_any_order_leaves_no_tally_behind(world):
    _award(world)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reporting_duetally")
        cursor.execute("DELETE FROM reporting_duerow")
        cursor.execute("SELECT count(*) FROM reporting_duetally WHERE periods <> 0")
        assert cursor.fetchone()[0] == 0


def test_the_manager_dashboard_reads_the_same_queries_for_3_or_30_awards(client, world):
    client.force_login(world.manager)

    def queries(n):
        for _ in range(n):
            _award(world)
        client.get("/")  # the first request of a session writes to it
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    assert queries(3) == queries(27)


def test_a_funder_and_a_co_funder_see_where_each_report_is_and_open_only_what_they_may(client, world):
    """A funder's lists (what is due, the overdue page, the feed) hold its programmes' awards and those it
    co-funds (grants.AwardShare); a report in review says so ("Submitted") without a link a funder could
    not open; an accepted one is linked for the programme's own funder only (a co-funder reads no updates)."""
    from grants.money.cofunding.services import award_shares_set
    from tests.grants.cofunding_helpers import co_programme
    from tests.grants.money_helpers import approved_award

    with clock.at(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)):
        award = approved_award(world, amount=Decimal("10000.00"))  # termly, January 2026 to December 2027
        award_shares_set(award=award, actor=world.manager, shares=[(co_programme(world), Decimal("3000.00"))])
        award = force_state(Award.objects.get(pk=award.pk), Award.State.ACTIVE)
        spring = force_state(
            f.ProgressUpdateFactory(award=award, period_start=dt.date(2026, 1, 5), period_end=dt.date(2026, 3, 31)),
            ProgressUpdate.State.ACCEPTED,
        )
        summer = force_state(
            f.ProgressUpdateFactory(award=award, period_start=dt.date(2026, 4, 1), period_end=dt.date(2026, 5, 31)),
            ProgressUpdate.State.SUBMITTED,
        )
        for funder, opens_accepted in ((world.funder, True), (world.funder_b, False)):
            client.force_login(funder)
            done = client.get("/updates/?show=done")
            review = client.get("/updates/?show=awaiting_review")
            listed = done.context["done"] + review.context["awaiting_review"]
            assert [(p.update, p.state, p.state_label) for p in listed] == [
                (spring if opens_accepted else None, "accepted", "Accepted"),
                (None, "submitted", "Submitted"),
            ]
            html = done.content.decode() + review.content.decode()
            assert (f"/updates/{spring.pk}/" in html) is opens_accepted
            assert f"/updates/{summer.pk}/" not in html
            for period in listed:
                if period.update is not None:
                    assert client.get(f"/updates/{period.update.pk}/").status_code == 200
            counts = read.counts(user=funder, today=TODAY)
            assert counts == read.counts(user=world.manager, today=TODAY)  # the same work, seen alike
            assert counts["awaiting_review"] == 1 and counts["done"] == 1
            to_do = client.get("/updates/")
            assert to_do.context["page"].paginator.count == counts["with_partner"] > 0
            overdue = client.get("/updates/overdue/?show=awaiting_review")
            assert [p.state for p in overdue.context["periods"]] == ["submitted"]


def test_an_import_writes_again_the_rows_of_the_awards_and_projects_it_touches(world, people):
    """The import's bulk write: an active award's frequency changed by a file changes its rows, and its
    project set by the file takes the project's own rows away (a funded project stops reporting itself);
    new drafts, with a project or without, have none. The rows still agree with the due rule."""
    import tablib

    from grants.resources import AwardResource
    from partnerships.importing import run_import

    with clock.at(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)):
        active = _award(world, reporting_frequency="termly", identifier="360G-WM-000001")
        project = force_state(
            f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org), "in_delivery"
        )
        before = DueRow.objects.filter(award=active).count()
        assert DueRow.objects.filter(project=project).exists()
        headers = ["Identifier", "Programme", "Recipient", "Project", "Title", "Amount requested",
                   "Planned start", "Planned end", "Reporting frequency"]  # fmt: skip
        dataset = tablib.Dataset(headers=headers)
        for identifier, project_ref, frequency in (
            (active.identifier, project.reference, "monthly"),
            ("360G-WM-000002", project.reference, "termly"),
            ("360G-WM-000003", "", "termly"),
        ):
            award = active if identifier == active.identifier else None
            dataset.append(
                [
                    identifier,
                    world.programme.name,
                    world.partner_org.identifier,
                    project_ref,
                    award.title if award else "Tutoring",
                    str(award.amount_requested if award else "1000.00"),
                    str(award.planned_start if award else "2026-01-05"),
                    str(award.planned_end if award else "2026-12-18"),
                    frequency,
                ]  # fmt: skip
            )
        outcome = run_import(AwardResource(user=world.manager), dataset, dry_run=False)
        assert outcome.ok, outcome.problems
        assert DueRow.objects.filter(award=active).count() > before  # monthly: more periods than termly
        assert not DueRow.objects.filter(project=project).exists()
        assert not DueRow.objects.filter(award__state=Award.State.DRAFT).exists()
        _agrees(*people)


def test_an_import_of_new_drafts_reads_none_of_them_back_for_their_rows(world):
    """New drafts have no due rows and are as the import wrote them: the due-row hook neither reads them
    back nor looks for their rows, and the import costs the same queries for 3 rows as for 30."""
    import tablib

    from grants.resources import AwardResource
    from partnerships.importing import run_import

    headers = ["Identifier", "Programme", "Recipient", "Title", "Amount requested", "Planned start", "Planned end"]

    def run(start, count):
        dataset = tablib.Dataset(headers=headers)
        for n in range(start, start + count):
            dataset.append(
                [
                    f"360G-WM-{n:06d}",
                    world.programme.name,
                    world.partner_org.identifier,
                    "Tutoring",
                    "1000.00",
                    "2026-01-05",
                    "2026-12-18",
                ]  # fmt: skip
            )
        with CaptureQueriesContext(connection) as queries:
            outcome = run_import(AwardResource(user=world.manager), dataset, dry_run=False)
        assert outcome.ok, outcome.problems
        return [q["sql"] for q in queries.captured_queries]

    run(300, 1)  # the first import in a process reads what is then cached (content types)
    few, many = run(100, 3), run(200, 30)
    assert Award.objects.filter(identifier__startswith="360G-WM-000").count() == 34
    assert not [sql for sql in few + many if "reporting_duerow" in sql]
    assert len(few) == len(many)


def test_a_bulk_write_larger_than_one_statement_refreshes_every_award(world, people, monkeypatch):
    """The bulk hook reads the awards a file wrote in slices of the database's parameter limit (a SQLite
    built as upstream refuses an `IN` of more than 32,766): made 2 a slice here, every slice's awards get their rows."""
    from workflow.signals import rows_written

    with clock.at(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)):
        awards = [_award(world, reporting_frequency="termly") for _ in range(3)]
        before = DueRow.objects.filter(award__in=awards).count()
        Award.objects.filter(pk__in=[a.pk for a in awards]).update(reporting_frequency="monthly")  # no signal
        assert DueRow.objects.filter(award__in=awards).count() == before  # stale until the hook runs
        monkeypatch.setattr(connection.features, "max_query_params", 102)
        with CaptureQueriesContext(connection) as writing:
            rows_written.send(sender=Award, pks=[a.pk for a in awards])
        reads = [q["sql"] for q in writing.captured_queries if '"grants_award"."state" AS "state"' in q["sql"]]
        assert len(reads) == 2  # 2 + 1
        for award in awards:
            assert DueRow.objects.filter(award=award).count() > before / len(awards), award
        monkeypatch.undo()
        _agrees(*people)
