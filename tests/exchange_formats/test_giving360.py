"""360Giving: the JSON data package validates against the official schema (offline); the flat form
exports with the standard's headers and imports back as draft awards, or as awarded."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
import referencing
import referencing.jsonschema
from django.core.management import CommandError, call_command
from jsonschema import Draft202012Validator

from grants import giving360
from grants.models import Award
from partnerships.importing import read_dataset, write_dataset
from tests import factories as f
from workflow.models import MoneyChange

from .conftest import approved, dataset

STANDARD = Path(__file__).resolve().parents[3] / "shared" / "standards" / "360giving"
if not STANDARD.exists():
    STANDARD = Path("/work/shared/standards/360giving")


def package_validator() -> Draft202012Validator:
    grant_schema = json.loads((STANDARD / "360-giving-schema.json").read_text())
    package_schema = json.loads((STANDARD / "360-giving-package-schema.json").read_text())
    spec = referencing.jsonschema.DRAFT202012
    grant = referencing.Resource(contents=grant_schema, specification=spec)
    registry = referencing.Registry().with_resources(
        [
            (package_schema["properties"]["grants"]["items"]["$ref"], grant),  # the package names 1.4.2
            (grant_schema["$id"], grant),
        ]
    )
    return Draft202012Validator(package_schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture
def published(world, sandwell):
    school = f.OrganisationFactory(
        name="Oakfield Primary", kind="school", identifier="GB-EDU-137000", local_authority=sandwell, postcode="B70 1AA"
    )
    charity = f.OrganisationFactory(name="Place2Be", kind="charity", identifier="GB-CHC-1040756", local_authority=None)
    a = approved(
        f.AwardFactory(
            identifier="360G-WM-00001",
            programme=world.programme,
            recipient=school,
            title="Peer review in Sandwell",
            description="Headteachers review each other's schools.",
            amount_requested=Decimal("12500.00"),
        ),
        amount="12000.50",
    )
    b = approved(
        f.AwardFactory(
            identifier="360G-WM-00002",
            programme=world.programme,
            recipient=charity,
            amount_requested=Decimal("8000"),
            planned_start=None,
            planned_end=None,
        )
    )
    draft = f.AwardFactory(identifier="360G-WM-00003", programme=world.programme, recipient=school)
    other = approved(f.AwardFactory(identifier="360G-EM-00001", programme=world.programme_b, recipient=charity))
    return {"school": school, "charity": charity, "a": a, "b": b, "draft": draft, "other": other}


def test_json_package_validates_against_the_official_schema(published, tmp_path):
    path = tmp_path / "grants.json"
    call_command("export_360giving", "-o", str(path))
    data = json.loads(path.read_text())

    errors = sorted(package_validator().iter_errors(data), key=str)
    assert errors == []
    assert [g["id"] for g in data["grants"]] == ["360G-EM-00001", "360G-WM-00001", "360G-WM-00002"]
    grant = data["grants"][1]
    assert grant["amountAwarded"] == 12000.5 and grant["amountAppliedFor"] == 12500
    assert grant["plannedDates"] == [{"startDate": "2026-01-05", "endDate": "2026-12-18"}]
    assert grant["recipientOrganization"][0] == {
        "id": "GB-EDU-137000",
        "name": "Oakfield Primary",
        "postalCode": "B70 1AA",
        "organisationType": "School",
    }
    assert grant["fundingOrganization"][0]["id"] == "GB-COH-99000001"
    assert grant["grantProgramme"][0]["title"] == "WM Fund"
    assert grant["beneficiaryLocation"] == [
        {"name": "Sandwell", "geoCode": "E08000028", "countryCode": "GB", "geoCodeType": "MD"}
    ]
    assert data["grants"][2]["recipientOrganization"][0]["charityNumber"] == "1040756"


def test_the_validator_does_catch_a_broken_package(published):
    data = giving360.package(giving360.published_awards())
    del data["grants"][0]["recipientOrganization"]
    data["grants"][1]["awardDate"] = "23/11/2026"
    assert len(list(package_validator().iter_errors(data))) >= 2


def test_only_approved_or_later_awards_are_published(published):
    identifiers = {a.identifier for a in giving360.published_awards()}
    assert published["draft"].identifier not in identifiers
    assert identifiers == {"360G-WM-00001", "360G-WM-00002", "360G-EM-00001"}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_flat_export_has_the_standard_headers(published, tmp_path, suffix):
    path = tmp_path / f"grants{suffix}"
    call_command("export_360giving", "-o", str(path))
    data = read_dataset(path)
    for header in [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Awarded",
        "Award Date",
        "Planned Dates:Start Date",
        "Planned Dates:End Date",
        "Recipient Org:Identifier",
        "Recipient Org:Name",
        "Funding Org:Identifier",
        "Funding Org:Name",
        "Grant Programme:Title",
        "Beneficiary Location:Name",
        "Beneficiary Location:Geographic Code",
        "Beneficiary Location:Geographic Code Type",
        "Last modified",
    ]:
        assert header in data.headers
    row = dict(zip(data.headers, data[1], strict=True))
    assert row["Identifier"] == "360G-WM-00001"
    assert str(row["Amount Awarded"]) == "12000.5"
    assert row["Beneficiary Location:Geographic Code"] == "E08000028"


def test_exports_are_scoped_to_what_the_person_may_see(published):
    funder_b_sees = {a.identifier for a in giving360.published_awards(user=_user("funder_b"))}
    assert funder_b_sees == {"360G-EM-00001"}
    partner_sees = {a.identifier for a in giving360.published_awards(user=_user("partner"))}
    assert partner_sees == set()


def test_an_export_reads_each_grants_location_without_a_query_per_grant(world, published, sandwell, tmp_path):
    """The beneficiary location (the recipient's local authority) comes with the awards, for a person's
    export as for the whole register's: one award more costs no query more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    manager = _user("manager")

    def queries() -> list[int]:
        counts = []
        for user in (manager, None):
            with CaptureQueriesContext(connection) as ctx:
                giving360.export(tmp_path / "grants.json", user=user)
            counts.append(len(ctx.captured_queries))
        return counts

    queries()  # the person's roles are read once
    before = queries()
    for n in range(3):
        school = f.OrganisationFactory(name=f"School {n}", kind="school", local_authority=sandwell)
        approved(f.AwardFactory(programme=world.programme, recipient=school, amount_requested=Decimal("100.00")))
    assert queries() == before
    grants = json.loads((tmp_path / "grants.json").read_text())["grants"]
    schools = [g for g in grants if g["recipientOrganization"][0]["name"].startswith("School")]
    assert len(schools) == 3 and {g["beneficiaryLocation"][0]["geoCode"] for g in schools} == {"E08000028"}


FLAT_HEADERS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Title",
    "Last modified",
]


def flat_file(world, *rows):
    base = [
        "360G-WM-10001",
        "Recruitment and retention",
        "Early-career teachers paired across trusts.",
        "GBP",
        "24000",
        "2026-03-01",
        "2026-04-01",
        "2027-03-31",
        world.partner_org.identifier,
        world.partner_org.name,
        world.funder_org.identifier,
        world.funder_org.name,
        "WM Fund",
        "2026-03-01T09:00:00+00:00",
    ]
    return dataset(FLAT_HEADERS, base, *rows)


def test_a_flat_360giving_file_imports_as_draft_awards(world, tmp_path):
    path = tmp_path / "grants.csv"
    write_dataset(flat_file(world), path)
    call_command("import_360giving", str(path), "--user", "manager")

    award = Award.objects.get(identifier="360G-WM-10001")
    assert award.state == Award.State.DRAFT
    assert award.amount_requested == Decimal("24000") and award.amount_awarded is None
    assert award.programme == world.programme and award.recipient == world.partner_org
    assert (award.planned_start, award.planned_end) == (dt.date(2026, 4, 1), dt.date(2027, 3, 31))
    assert award.created_by == world.manager
    log = MoneyChange.objects.get()
    assert (log.field, log.old_amount, log.new_amount, log.actor) == (
        "amount_requested",
        None,
        Decimal("24000"),
        world.manager,
    )


def test_flat_import_refuses_a_wrong_funder_and_creates_an_unknown_recipient(world, tmp_path):
    new_recipient = list(flat_file(world)[0])
    new_recipient[0], new_recipient[8], new_recipient[9] = "360G-WM-10002", "GB-CHC-1040756", "Place2Be"
    wrong_funder = list(flat_file(world)[0])
    wrong_funder[0], wrong_funder[10] = "360G-WM-10003", world.funder_org_b.identifier
    path = tmp_path / "grants.csv"
    write_dataset(flat_file(world, wrong_funder), path)
    outcome = giving360.import_grants(giving360.read_path(path), actor=world.manager)
    assert [str(p) for p in outcome.problems] == [
        f"Row 3, column “Funding Org:Identifier”: the programme “WM Fund” is funded by "
        f"{world.funder_org.identifier}, not by {world.funder_org_b.identifier}",
    ]
    assert Award.objects.count() == 0

    write_dataset(flat_file(world, new_recipient), path)
    outcome = giving360.import_grants(giving360.read_path(path), actor=world.manager)
    assert outcome.ok and outcome.created == 2
    assert outcome.new_recipients == {"GB-CHC-1040756": "Place2Be"}
    place2be = Award.objects.get(identifier="360G-WM-10002").recipient
    assert (place2be.name, place2be.kind, place2be.identifier) == ("Place2Be", "charity", "GB-CHC-1040756")


def test_published_file_imports_into_an_empty_database_and_again_without_change(published, tmp_path):
    path = tmp_path / "grants.json"
    giving360.export(path)
    before = {a.identifier: (a.title, a.amount_requested, a.recipient_id, a.programme_id) for a in Award.objects.all()}
    Award.objects.all().delete()

    admin = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    first = giving360.import_grants(giving360.read_path(path), actor=admin)
    assert first.ok and first.created == 3
    after = {a.identifier: (a.title, a.amount_requested, a.recipient_id, a.programme_id) for a in Award.objects.all()}
    assert after == {k: v for k, v in before.items() if k != "360G-WM-00003"}
    assert set(Award.objects.values_list("state", flat=True)) == {Award.State.DRAFT}

    again = giving360.import_grants(giving360.read_path(path), actor=admin)
    assert (again.created, len(again.already)) == (0, 3)
    assert Award.objects.count() == 3


def test_import_360giving_dry_run_writes_nothing(world, tmp_path, capsys):
    path = tmp_path / "grants.xlsx"
    write_dataset(flat_file(world), path)
    call_command("import_360giving", str(path), "--dry-run", "--user", "manager")
    assert "1 to import" in capsys.readouterr().out
    assert Award.objects.count() == 0


def test_partner_cannot_import_360giving(world, tmp_path):
    path = tmp_path / "grants.csv"
    write_dataset(flat_file(world), path)
    with pytest.raises(CommandError, match="only administrators and programme managers"):
        call_command("import_360giving", str(path), "--user", "partner")


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
