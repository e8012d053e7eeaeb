"""Each rule a 360Giving row is held to, with files made to break it: the problem names the file's own
column title and row, never an internal name or a database message; problems are grouped by cause."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from grants import giving360
from grants.models import Award
from partnerships.importing import write_dataset
from tests import factories as f

from .conftest import dataset

HEADERS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
]


def row(identifier="360G-T-1", *, amount="1000", date="2024-05-01", recipient="GB-CHC-1040756", name="Place2Be"):
    return [
        identifier,
        "Tutoring",
        "Tutoring for 40 pupils",
        "GBP",
        amount,
        date,
        recipient,
        name,
        "GB-CHC-1000147",
        "T Trust",
    ]


def run(tmp_path, world, *rows, suffix=".csv", headers=HEADERS, **options):
    path = tmp_path / f"grants{suffix}"
    write_dataset(dataset(headers, *rows), path)
    return giving360.import_grants(giving360.read_path(path), actor=world.manager, **options)


def package(tmp_path, grants) -> giving360.SourceFile:
    path = tmp_path / "grants.json"
    path.write_text(json.dumps({"grants": grants}))
    return giving360.read_path(path)


def grant(**overrides) -> dict:
    base = {
        "id": "360G-T-1",
        "title": "Tutoring",
        "description": "Tutoring for 40 pupils",
        "currency": "GBP",
        "amountAwarded": 1000,
        "awardDate": "2024-05-01",
        "recipientOrganization": [{"id": "GB-CHC-1040756", "name": "Place2Be"}],
        "fundingOrganization": [{"id": "GB-CHC-1000147", "name": "T Trust"}],
    }
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2024-05-01", dt.date(2024, 5, 1)),
        ("2024-05-01T00:00:00+00:00", dt.date(2024, 5, 1)),
        ("2024-05-01T09:30:00Z", dt.date(2024, 5, 1)),
        ("2024-05-01T00:00:00.000Z", dt.date(2024, 5, 1)),
        ("2024-05-01T23:00:00+01:00", dt.date(2024, 5, 1)),
        ("2024-05-01T10:00:00", dt.date(2024, 5, 1)),
        ("01/05/2024", dt.date(2024, 5, 1)),
        ("01/05/2024 00:00", dt.date(2024, 5, 1)),
    ],
)
def test_dates_in_every_form_real_files_use(world, tmp_path, written, expected):
    outcome = run(tmp_path, world, row(date=written), as_awarded=True)
    assert outcome.ok, outcome.problem_lines()
    assert Award.objects.get().award_date == expected


def test_an_impossible_date_is_a_row_error(world, tmp_path):
    outcome = run(tmp_path, world, row(date="31/02/2024"))
    assert [str(p) for p in outcome.problems] == [
        "Row 2, column “Award Date”: “31/02/2024” is not a real date (write it as 2026-09-01 or 01/09/2026)"
    ]
    assert Award.objects.count() == 0


def test_identifiers_are_compared_exactly_and_trimmed(world, tmp_path):
    outcome = run(
        tmp_path,
        world,
        row("360G-T-a0A"),
        row("360G-T-a0a"),  # Salesforce ids differ in case only: two grants
        row("  360G-T-b  ", recipient=f"  {world.partner_org.identifier} "),
    )
    assert outcome.ok, outcome.problem_lines()
    assert set(Award.objects.values_list("identifier", flat=True)) == {"360G-T-a0A", "360G-T-a0a", "360G-T-b"}
    assert Award.objects.get(identifier="360G-T-b").recipient == world.partner_org


def test_a_repeated_identifier_is_grouped_with_its_rows(world, tmp_path):
    rows = [row(f"360G-T-{n}") for n in range(1, 4)] + [row("360G-T-1"), row("360G-T-2"), row("360G-T-1")]
    outcome = run(tmp_path, world, *rows)
    assert outcome.problem_lines() == [
        "3 rows: column “Identifier”: the identifier appears twice in this file — rows 5, 6, 7"
    ]
    assert Award.objects.count() == 0


def test_an_empty_recipient_names_the_column_and_row_not_the_database(world, tmp_path):
    outcome = run(tmp_path, world, row(), row("360G-T-2", recipient="", name=""))
    assert [str(p) for p in outcome.problems] == [
        "Row 3, column “Recipient Org:Identifier”: this column is empty; the 360Giving standard requires the "
        "recipient's identifier"
    ]
    assert "NOT NULL" not in str(outcome.problems) and Award.objects.count() == 0


def test_floating_point_noise_is_rounded_to_the_penny_and_the_preview_says_so(world, tmp_path):
    source = package(tmp_path, [grant(amountAwarded=41133.770000000004)])
    preview = giving360.import_grants(source, actor=world.manager, dry_run=True)
    assert preview.ok and Award.objects.count() == 0
    assert "Amounts rounded to the penny: 1 (grant 1: Amount Awarded 41133.770000000004 → 41133.77)." in (
        preview.report()
    )
    giving360.import_grants(source, actor=world.manager, as_awarded=True)
    assert Award.objects.get().amount_awarded == Decimal("41133.77")


def test_a_spreadsheet_float_is_rounded_too(world, tmp_path):
    outcome = run(tmp_path, world, row(amount=41133.770000000004), suffix=".xlsx", as_awarded=True)
    assert outcome.ok and Award.objects.get().amount_awarded == Decimal("41133.77")


def test_optional_fields_stay_optional(world, tmp_path):
    """No programme, no dates, no locations, no currency-less grant: only what the standard requires."""
    outcome = run(tmp_path, world, row())
    assert outcome.ok and outcome.created == 1
    award = Award.objects.get()
    assert award.programme.name == "T Trust grants" and award.state == Award.State.DRAFT
    assert (award.planned_start, award.beneficiary_locations) == (None, [])


@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        ({"amountAwarded": -5}, "Amount Awarded", "an amount cannot be negative"),
        ({"amountAwarded": "lots"}, "Amount Awarded", "“lots” is not an amount of money"),
        ({"amountAwarded": 1e15}, "Amount Awarded", "this amount is larger than Exchange can hold"),
        ({"currency": "pounds"}, "Currency", "“POUNDS” is not a currency code (GBP, EUR…)"),
        ({"title": ""}, "Title", "this column is empty; the 360Giving standard requires a title"),
        (
            {"recipientOrganization": [{"id": "Place2Be charity", "name": "Place2Be"}]},
            "Recipient Org:Identifier",
            "“Place2Be charity” is not an organisation identifier (an org-id such as GB-CHC-1040756, or 360G-…)",
        ),
        (
            {"plannedDates": [{"startDate": "2024-09-01", "endDate": "2024-08-01"}]},
            "Planned Dates:End Date",
            "the planned end date (01/08/2024) is before the planned start date (01/09/2024)",
        ),
        (
            {"recipientOrganization": [], "recipientIndividual": {"id": "360G-T-IND-1", "name": "Individual"}},
            "Recipient Org:Identifier",
            "this grant is to an individual (Recipient Ind); Exchange records grants to organisations",
        ),
    ],
)
def test_each_row_rule_names_the_standards_column(world, tmp_path, change, column, reason):
    outcome = giving360.import_grants(package(tmp_path, [grant(**change)]), actor=world.manager)
    assert len(outcome.problems) == 1
    problem = outcome.problems[0]
    assert (problem.row, problem.column) == (1, column)
    assert problem.reason.startswith(reason)
    assert Award.objects.count() == 0


def test_the_files_own_column_title_is_named(world, tmp_path):
    headers = [h.lower() if h == "Award Date" else h for h in HEADERS]
    outcome = run(tmp_path, world, row(date="someday"), headers=headers)
    assert outcome.problems[0].column == "award date"


def test_programme_named_with_the_option_and_its_budget_is_respected(world, tmp_path):
    # WM Fund: a £100,000 budget, funded by world.funder_org
    rows = [
        [
            f"360G-T-{n}",
            "Tutoring",
            "Tutoring",
            "GBP",
            "60000",
            "2024-05-01",
            "GB-CHC-1040756",
            "Place2Be",
            world.funder_org.identifier,
            world.funder_org.name,
        ]
        for n in (1, 2)
    ]
    outcome = run(tmp_path, world, *rows, as_awarded=True, programme="WM Fund")
    assert outcome.problem_lines() == [
        "1 row: column “Amount Awarded”: this grant would take “WM Fund” past its budget of £100,000.00 "
        "(£120,000.00 committed); raise the budget first, or name another programme — row 3"
    ]
    outcome = run(tmp_path, world, rows[0], as_awarded=True, programme="WM Fund")
    assert outcome.ok
    world.programme.refresh_from_db()
    assert world.programme.committed_amount == Decimal("60000.00")
    assert Award.objects.get().state in (Award.State.ACTIVE, Award.State.CLOSED)


def test_a_programme_another_manager_runs_is_refused(world, tmp_path):
    rows = [
        [
            "360G-T-1",
            "Tutoring",
            "Tutoring",
            "GBP",
            "600",
            "2024-05-01",
            "GB-CHC-1040756",
            "Place2Be",
            world.programme_b.funder.identifier,
            world.programme_b.funder.name,
        ]
    ]
    outcome = run(tmp_path, world, *rows, programme="EM Fund")
    assert [p.reason for p in outcome.problems] == ["“EM Fund” is not a programme you manage"]


def test_a_partner_cannot_import(world, tmp_path):
    path = tmp_path / "grants.csv"
    write_dataset(dataset(HEADERS, row()), path)
    with pytest.raises(CommandError, match="only administrators and programme managers"):
        call_command("import_360giving", str(path), "--user", "partner")


def test_the_same_file_twice_adds_nothing(world, tmp_path):
    assert run(tmp_path, world, row(), as_awarded=True).created == 1
    again = run(tmp_path, world, row(), as_awarded=True)
    assert (again.created, again.already) == (0, ["360G-T-1"])
    assert Award.objects.count() == 1


def test_future_grants_arrive_approved_and_current_ones_active(world, tmp_path):
    source = package(
        tmp_path,
        [
            grant(id="360G-T-future", plannedDates=[{"startDate": "2099-01-01", "endDate": "2099-12-31"}]),
            grant(id="360G-T-now", plannedDates=[{"startDate": "2020-01-01", "endDate": "2099-12-31"}]),
            grant(id="360G-T-done", actualDates=[{"startDate": "2020-01-01", "endDate": "2021-01-31"}]),
        ],
    )
    giving360.import_grants(source, actor=f.UserFactory(is_superuser=True), as_awarded=True)
    assert dict(Award.objects.values_list("identifier", "state")) == {
        "360G-T-future": "approved",
        "360G-T-now": "active",
        "360G-T-done": "closed",
    }
