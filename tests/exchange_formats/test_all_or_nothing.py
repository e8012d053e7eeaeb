"""A file with one bad row among many writes nothing, and says which row, which column and why."""

import pytest
from django.core.management import CommandError, call_command

from grants.models import Award
from grants.resources import AwardResource
from partnerships.importing import read_dataset, run_import, write_dataset
from partnerships.models import Organisation
from partnerships.resources import OrganisationResource
from workflow.models import MoneyChange

from .conftest import AWARD_HEADERS, award_row, dataset


def fifty_good_rows(world):
    return [award_row(f"360G-WM-{n:04d}", world.partner_org.identifier) for n in range(50)]


@pytest.mark.parametrize(
    "column, bad_value, reason",
    [
        ("Amount requested", "five thousand", "“five thousand” is not a number"),
        ("Recipient", "GB-CHC-0000000", "unknown recipient organisation identifier “GB-CHC-0000000”"),
        ("Planned end", "2025-12-01", "the award ends (01/12/2025) on or before it starts (05/01/2026)"),
        ("Planned start", "31/02/2026", "“31/02/2026” is not a date"),
        ("Programme", "No Such Fund", "unknown funding programme “No Such Fund”"),
    ],
)
def test_one_bad_award_row_among_fifty_writes_nothing_and_names_row_column_and_reason(world, column, bad_value, reason):
    rows = fifty_good_rows(world)
    rows[36][AWARD_HEADERS.index(column)] = bad_value
    outcome = run_import(AwardResource(user=world.manager), dataset(AWARD_HEADERS, *rows), dry_run=False)

    assert not outcome.ok
    assert Award.objects.count() == 0
    assert MoneyChange.objects.count() == 0
    assert len(outcome.problems) == 1
    problem = outcome.problems[0]
    assert (problem.row, problem.column) == (38, column)  # the header is row 1, so the 37th data row is row 38
    assert reason in problem.reason
    assert str(problem).startswith(f"Row 38, column “{column}”: ")
    assert "nothing imported" in outcome.summary()


def test_every_bad_row_is_reported_not_only_the_first(world):
    rows = fifty_good_rows(world)
    rows[3][4] = "lots"
    rows[9][6] = "2025-01-01"
    rows[9][2] = "GB-XXX-1"
    outcome = run_import(AwardResource(user=world.manager), dataset(AWARD_HEADERS, *rows), dry_run=False)
    assert [(p.row, p.column) for p in outcome.problems] == [
        (5, "Amount requested"),
        (11, "Planned end"),
        (11, "Recipient"),
    ]
    assert outcome.error_rows == 2
    assert Award.objects.count() == 0


def test_the_same_identifier_twice_in_one_file_is_a_row_problem(world):
    rows = fifty_good_rows(world)[:3] + [award_row("360G-WM-0001", world.partner_org.identifier)]
    outcome = run_import(AwardResource(user=world.manager), dataset(AWARD_HEADERS, *rows), dry_run=False)
    assert [str(p) for p in outcome.problems] == [
        "Row 5, column “Identifier”: “360G-WM-0001” appears twice in this file (also row 3)"
    ]


def test_unknown_local_authority_in_an_organisation_file(db, birmingham):
    rows = [
        ["GB-EDU-100001", "Oakfield Primary", "school", "Birmingham"],
        ["GB-EDU-100002", "Elm Academy", "school", "Narnia"],
        ["GB-EDU-100003", "Ash Academy", "school", "330"],
    ]
    headers = ["Identifier", "Name", "Kind", "Local authority"]
    outcome = run_import(OrganisationResource(user=_admin()), dataset(headers, *rows), dry_run=False)
    assert [str(p) for p in outcome.problems] == ["Row 3, column “Local authority”: unknown local authority “Narnia”"]
    assert Organisation.objects.count() == 0


def test_a_missing_column_is_reported_for_the_file(world):
    data = dataset(["Identifier", "Title"], ["360G-WM-1", "Peer review"])
    outcome = run_import(AwardResource(user=world.manager), data, dry_run=False)
    assert [p.row for p in outcome.problems] == [0]
    assert "“Programme”" in outcome.problems[0].reason and "“Recipient”" in outcome.problems[0].reason


def test_dry_run_checks_and_counts_but_writes_nothing(world):
    outcome = run_import(
        AwardResource(user=world.manager), dataset(AWARD_HEADERS, *fifty_good_rows(world)), dry_run=True
    )
    assert outcome.ok and outcome.created == 50
    assert "dry run" in outcome.summary()
    assert Award.objects.count() == 0 and MoneyChange.objects.count() == 0


def test_import_command_lists_each_problem_and_fails(world, tmp_path):
    rows = fifty_good_rows(world)
    rows[10][4] = "£12,0O0"
    path = tmp_path / "awards.csv"
    write_dataset(dataset(AWARD_HEADERS, *rows), path)
    with pytest.raises(CommandError, match="nothing imported — 1 of 50 rows"):
        call_command("import_data", "awards", str(path), "--user", "manager")
    assert Award.objects.count() == 0


def test_import_command_shows_progress_and_summary(world, tmp_path, capsys):
    path = tmp_path / "awards.xlsx"
    write_dataset(dataset(AWARD_HEADERS, *fifty_good_rows(world)), path)
    assert len(read_dataset(path)) == 50
    call_command("import_data", "awards", str(path), "--user", "manager")
    out, err = capsys.readouterr()
    assert "Importing awards" in err and "50/50" in err
    assert "50 created, 0 updated, 0 unchanged (skipped), 0 errors" in out
    assert Award.objects.count() == 50


def test_import_command_needs_to_know_who_imports(world, tmp_path):
    path = tmp_path / "awards.csv"
    write_dataset(dataset(AWARD_HEADERS, *fifty_good_rows(world)), path)
    with pytest.raises(CommandError, match="Say who is importing"):
        call_command("import_data", "awards", str(path))


def _admin():
    from tests import factories as f

    return f.UserFactory(username="root", is_superuser=True, is_staff=True)


def test_a_csv_saved_by_excel_reads_with_its_byte_order_mark_or_windows_encoding(world, tmp_path):
    text = "\n".join([",".join(AWARD_HEADERS), ",".join(award_row("360G-WM-0001", world.partner_org.identifier))])
    text = text.replace("Peer review", "Pupils’ café")
    for name, data in (("bom.csv", b"\xef\xbb\xbf" + text.encode()), ("windows.csv", text.encode("cp1252"))):
        (tmp_path / name).write_bytes(data)
        outcome = run_import(AwardResource(user=world.manager), read_dataset(tmp_path / name), dry_run=True)
        assert outcome.ok and outcome.created == 1, (name, outcome.problems)


def test_empty_rows_at_the_end_of_a_spreadsheet_are_ignored(world):
    rows = [*fifty_good_rows(world)[:2], [""] * len(AWARD_HEADERS), [None] * len(AWARD_HEADERS)]
    outcome = run_import(AwardResource(user=world.manager), dataset(AWARD_HEADERS, *rows), dry_run=False)
    assert outcome.ok and (outcome.rows, outcome.created) == (2, 2)
