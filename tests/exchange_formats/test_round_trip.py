"""Export, empty the database, import the files back: the same records, and a second import changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from accounts.models import OrganisationMembership
from grants.models import Award, FundingProgramme, Payment
from grants.resources import AwardResource, PaymentResource
from partnerships.importing import read_dataset, run_import
from partnerships.models import Organisation, Partnership, PartnershipMember, Project
from partnerships.resources import OrganisationResource, PartnershipResource, ProjectResource
from reporting.models import IndicatorResult
from reporting.resources import IndicatorResultResource
from tests import factories as f
from tests.helpers import force_state
from workflow.models import MoneyChange

from .conftest import approved

KINDS = [
    ("organisations", OrganisationResource),
    ("partnerships", PartnershipResource),
    ("projects", ProjectResource),
    ("awards", AwardResource),
]


@pytest.fixture
def records(world, birmingham, sandwell):
    trust = f.OrganisationFactory(
        name="Arden Learning Trust", kind="mat", identifier="GB-COH-09000009", local_authority=birmingham
    )
    school = f.OrganisationFactory(
        name="Birch Primary",
        kind="school",
        identifier="GB-EDU-140001",
        local_authority=sandwell,
        trust=trust,
        pupil_count=315,
        website="https://birch.example",
        postcode="B70 2BB",
    )
    project = f.ProjectFactory(
        reference="WMCP-001",
        partnership=world.partnership,
        lead_organisation=trust,
        theme="wellbeing",
        summary="Mental health first aid in every school.",
        settings_reached=12,
        children_reached=3400,
    )
    f.AwardFactory(
        identifier="360G-WM-00001",
        programme=world.programme,
        recipient=school,
        project=project,
        title="Wellbeing leads",
        description="A wellbeing lead in each school.",
        amount_requested=Decimal("15250.75"),
        reporting_frequency="quarterly",
    )
    f.AwardFactory(
        identifier="360G-WM-00002",
        programme=world.programme,
        recipient=trust,
        partnership=world.partnership,
        title="Peer review",
        amount_requested=Decimal("9000"),
        planned_start=None,
        planned_end=None,
    )
    f.PartnershipMemberFactory(partnership=world.partnership, organisation=world.central, role="lead")
    f.PartnershipMemberFactory(partnership=world.partnership, organisation=trust, role="member")
    f.PartnershipMemberFactory(partnership=world.partnership, organisation=world.funder_org, role="funder")
    world.partnership.aims = "Sharing what works for the benefit of children."
    world.partnership.save()
    return world


def empty_the_database():
    MoneyChange.objects.all().delete()
    Payment.objects.all().delete()
    Award.objects.all().delete()
    FundingProgramme.objects.all().delete()
    Project.objects.all().delete()
    PartnershipMember.objects.all().delete()
    Partnership.objects.all().delete()
    OrganisationMembership.objects.all().delete()
    Organisation.objects.update(trust=None)
    Organisation.objects.all().delete()


def test_export_then_import_into_an_empty_database_gives_the_same_records(records, tmp_path):
    programmes = [
        (p, p.funder.identifier, p.managed_by.identifier, p.partnership.name) for p in FundingProgramme.objects.all()
    ]
    files = {}
    for kind, _ in KINDS:
        files[kind] = tmp_path / f"{kind}.csv"
        call_command("export_data", kind, "-o", str(files[kind]))
    before = {kind: files[kind].read_text() for kind, _ in KINDS}

    empty_the_database()
    assert not Organisation.objects.exists()
    admin = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    for kind, resource in KINDS:
        if kind == "awards":  # programmes are set up by hand, not imported: put them back as they were
            for programme, funder, managed_by, partnership in programmes:
                programme.pk = None
                programme.funder = Organisation.objects.get(identifier=funder)
                programme.managed_by = Organisation.objects.get(identifier=managed_by)
                programme.partnership = Partnership.objects.get(name=partnership)
                programme.save()
        outcome = run_import(resource(user=admin), read_dataset(files[kind]), dry_run=False)
        assert outcome.ok, outcome.problems
        assert outcome.created == len(read_dataset(files[kind]))

    for kind, _ in KINDS:
        call_command("export_data", kind, "-o", str(tmp_path / f"again-{kind}.csv"))
        assert (tmp_path / f"again-{kind}.csv").read_text() == before[kind], kind
    assert Organisation.objects.get(identifier="GB-EDU-140001").trust.identifier == "GB-COH-09000009"
    assert "GB-CHC-1159393 (lead); GB-COH-09000009 (member); GB-COH-99000001 (funder)" in before["partnerships"]
    # Money that came in by import is in the money log, under the importer's name.
    assert set(MoneyChange.objects.values_list("object_repr", "new_amount", "actor")) == {
        ("360G-WM-00001 Wellbeing leads", Decimal("15250.75"), admin.pk),
        ("360G-WM-00002 Peer review", Decimal("9000.00"), admin.pk),
    }

    for kind, resource in KINDS:
        again = run_import(resource(user=admin), read_dataset(files[kind]), dry_run=False)
        assert (again.created, again.updated) == (0, 0), kind
    assert MoneyChange.objects.count() == 2


@pytest.mark.parametrize("suffix", [".xlsx", ".json"])
def test_awards_round_trip_through_xlsx_and_json(records, tmp_path, suffix):
    path = tmp_path / f"awards{suffix}"
    call_command("export_data", "awards", "-o", str(path))
    before = AwardResource().export(Award.objects.order_by("identifier")).dict
    Award.objects.all().delete()
    outcome = run_import(AwardResource(user=records.manager), read_dataset(path), dry_run=False)
    assert outcome.ok and outcome.created == 2
    assert AwardResource().export(Award.objects.order_by("identifier")).dict == before


def test_states_are_never_imported_and_records_enter_at_the_first_state(records, tmp_path):
    award = approved(Award.objects.get(identifier="360G-WM-00001"))
    path = tmp_path / "awards.csv"
    call_command("export_data", "awards", "-o", str(path))
    assert "approved" in path.read_text()
    Award.objects.all().delete()
    run_import(AwardResource(user=records.manager), read_dataset(path), dry_run=False)
    award = Award.objects.get(identifier="360G-WM-00001")
    assert (award.state, award.amount_awarded) == (Award.State.DRAFT, None)


def test_reimport_updates_by_identifier_and_logs_the_money_change(records):
    data = AwardResource().export(Award.objects.order_by("identifier"))
    first = data.dict[0]
    first["Amount requested"], first["Title"] = "16000", "Wellbeing leads (extended)"
    rows = [first, *data.dict[1:]]
    data = data.__class__(headers=data.headers)
    for row in rows:
        data.append([row[h] for h in data.headers])

    outcome = run_import(AwardResource(user=records.manager), data, dry_run=False)
    assert (outcome.created, outcome.updated, outcome.skipped) == (0, 1, 1)
    award = Award.objects.get(identifier="360G-WM-00001")
    assert (award.title, award.amount_requested) == ("Wellbeing leads (extended)", Decimal("16000"))
    assert Award.objects.count() == 2
    log = MoneyChange.objects.get()
    assert (log.field, log.old_amount, log.new_amount, log.actor) == (
        "amount_requested",
        Decimal("15250.75"),
        Decimal("16000"),
        records.manager,
    )
    assert log.at is not None


def test_an_approved_awards_money_does_not_change_through_an_import(records):
    approved(Award.objects.get(identifier="360G-WM-00001"))
    data = AwardResource().export(Award.objects.filter(identifier="360G-WM-00001"))
    row = data.dict[0]
    row["Amount requested"] = "99999"
    data[0] = [row[h] for h in data.headers]
    outcome = run_import(AwardResource(user=records.manager), data, dry_run=False)
    assert [str(p) for p in outcome.problems] == [
        "Row 2, column “Amount requested”: award “360G-WM-00001” is approved; its amount requested can change only "
        "while it is a draft (a variation changes money after approval)"
    ]
    assert Award.objects.get(identifier="360G-WM-00001").amount_requested == Decimal("15250.75")


def test_payments_round_trip_and_never_exceed_the_award(records, tmp_path):
    award = approved(Award.objects.get(identifier="360G-WM-00001"), amount="15000")
    f.PaymentFactory(award=award, due_on=dt.date(2026, 3, 31), amount=Decimal("5000"), reference="R1")
    f.PaymentFactory(award=award, due_on=dt.date(2026, 7, 31), amount=Decimal("5000"))
    path = tmp_path / "payments.csv"
    call_command("export_data", "payments", "-o", str(path))
    before = path.read_text()
    Payment.objects.all().delete()

    outcome = run_import(PaymentResource(user=records.manager), read_dataset(path), dry_run=False)
    assert outcome.ok and outcome.created == 2
    call_command("export_data", "payments", "-o", str(tmp_path / "again.csv"))
    assert (tmp_path / "again.csv").read_text() == before
    assert set(Payment.objects.values_list("state", flat=True)) == {Payment.State.SCHEDULED}

    data = read_dataset(path)
    data.append(["360G-WM-00001", "2026-11-30", "5000.01", "", "", ""])
    outcome = run_import(PaymentResource(user=records.manager), data, dry_run=False)
    assert [str(p) for p in outcome.problems] == [
        "Row 4, column “Amount”: payments on 360G-WM-00001 would come to £15,000.01, more than the £15,000.00 awarded"
    ]
    draft = Award.objects.get(identifier="360G-WM-00002")
    data = read_dataset(path)
    data.append([draft.identifier, "2026-11-30", "100", "", "", ""])
    outcome = run_import(PaymentResource(user=records.manager), data, dry_run=False)
    assert "payments can be scheduled only on approved, active or in-evaluation awards" in outcome.problems[0].reason


def test_indicator_results_import_but_accepted_figures_stay_fixed(records, tmp_path):
    award = approved(Award.objects.get(identifier="360G-WM-00001"))
    indicator = f.IndicatorFactory(award=award, name="Children reached", target=Decimal("500"))
    draft = force_state(f.ProgressUpdateFactory(award=award, period_end=dt.date(2026, 3, 31)), "submitted")
    accepted = f.ProgressUpdateFactory(award=award, period_start=dt.date(2026, 4, 1), period_end=dt.date(2026, 7, 31))
    force_state(accepted, "accepted")
    f.IndicatorResultFactory(update=draft, indicator=indicator, value=Decimal("120"), note="Autumn term")
    path = tmp_path / "results.csv"
    call_command("export_data", "results", "-o", str(path))
    IndicatorResult.objects.all().delete()

    outcome = run_import(IndicatorResultResource(user=records.manager), read_dataset(path), dry_run=False)
    assert outcome.ok and outcome.created == 1
    result = IndicatorResult.objects.get()
    assert (result.update, result.indicator, result.value, result.note) == (
        draft,
        indicator,
        Decimal("120"),
        "Autumn term",
    )

    data = read_dataset(path)
    data.append(["360G-WM-00001", "", "2026-04-01", "2026-07-31", "Children reached", "children", "300", ""])
    data.append(["360G-WM-00001", "", "", "2026-12-31", "Children reached", "", "10", ""])
    data.append(["360G-WM-00001", "", "", "2026-03-31", "Teachers retained", "", "10", ""])
    outcome = run_import(IndicatorResultResource(user=records.manager), data, dry_run=False)
    assert [str(p) for p in outcome.problems] == [
        "Row 3, column “Value”: the update for 1 April to 31 July 2026 is accepted; its figures can change only "
        "after it is reopened",
        "Row 4, column “Period end”: no progress update you can reach for 360G-WM-00001 ends on 31/12/2026",
        "Row 5, column “Indicator”: unknown indicator “Teachers retained” on 360G-WM-00001",
    ]


def test_the_money_log_written_by_the_database_matches_log_money_change(records):
    from django.db.models import Value
    from django.db.models.functions import Concat

    from workflow.services import log_money_change, log_money_set_in_bulk

    awards = Award.objects.order_by("identifier")
    log_money_set_in_bulk(
        awards,
        field="amount_requested",
        object_repr=Concat("identifier", Value(" "), "title"),
        actor=records.manager,
        note="n",
    )
    for award in awards:
        log_money_change(
            award, field="amount_requested", old=None, new=award.amount_requested, actor=records.manager, note="n"
        )
    fields = ("content_type", "object_id", "object_repr", "field", "old_amount", "new_amount", "actor", "note")
    rows = list(MoneyChange.objects.order_by("object_id", "id").values_list(*fields))
    assert len(rows) == 4
    assert rows[0] == rows[1] and rows[2] == rows[3]
    assert all(change.at is not None for change in MoneyChange.objects.all())
