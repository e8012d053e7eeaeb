"""Funders' own published 360Giving files (extracts in data/, sources in data/README.md) imported as they
come, as awarded, and published back: valid against the schema, nothing the file said lost."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from grants import giving360
from grants.models import Award, FundingProgramme
from partnerships.importing import parse_date
from partnerships.models import Organisation
from workflow.models import MoneyChange, TransitionLog

from .test_giving360 import package_validator

DATA = Path(__file__).with_name("data")

# file → (grants it holds, grants that go in as awarded, options)
REAL = {
    "wolfson-foundation.json": (30, 30, {}),
    "lloyds-bank-foundation.json": (50, 48, {"skip_bad_rows": True}),
    "power-to-change.json": (28, 28, {}),
    "andrew-lloyd-webber-foundation.xlsx": (32, 32, {}),
    "ab-charitable-trust.xlsx": (30, 30, {}),
    "andrew-lloyd-webber-foundation.csv": (32, 32, {}),
}


def _codes(locations):
    return sorted(str(loc.get("geoCode", "")) for loc in locations or [] if loc.get("geoCode"))


def _day(value):
    return parse_date(value) if value not in (None, "") else None


def _planned(grant):
    dates = (grant.get("plannedDates") or [{}])[0]
    return _day(dates.get("startDate")), _day(dates.get("endDate"))


@pytest.mark.parametrize("name", sorted(REAL))
def test_a_real_file_goes_in_as_awarded_and_comes_back_out_unchanged(world, tmp_path, name):
    total, imported, options = REAL[name]
    source = giving360.read_path(DATA / name)
    assert len(source.grants) == total

    outcome = giving360.import_grants(source, actor=world.manager, as_awarded=True, **options)
    assert outcome.created == imported, outcome.problem_lines()

    out = tmp_path / "published.json"
    call_command("export_360giving", "-o", str(out), "--force")
    published = {g["id"]: g for g in json.loads(out.read_text())["grants"]}
    assert sorted(package_validator().iter_errors({"grants": list(published.values())}), key=str) == []

    checked = 0
    for raw in source.grants:
        if raw.get("id") not in published:
            continue
        out_grant = published[raw["id"]]
        assert Decimal(str(out_grant["amountAwarded"])) == Decimal(str(raw["amountAwarded"])).quantize(Decimal("0.01"))
        assert _day(out_grant["awardDate"]) == _day(raw["awardDate"])
        assert _planned(out_grant) == _planned(raw)
        assert out_grant["recipientOrganization"][0]["id"] == raw["recipientOrganization"][0]["id"]
        assert _codes(out_grant.get("beneficiaryLocation")) == _codes(raw.get("beneficiaryLocation"))
        checked += 1
    assert checked == imported


def test_wolfson_dd_mm_yyyy_dates_and_360g_recipients(world):
    source = giving360.read_path(DATA / "wolfson-foundation.json")
    outcome = giving360.import_grants(source, actor=world.manager, as_awarded=True)
    assert outcome.ok and outcome.created == 30
    award = Award.objects.get(identifier="360G-wolfson-19747")
    assert award.award_date == dt.date(2014, 6, 5)  # "05/06/2014": 5 June, as a UK funder writes it
    assert award.recipient.identifier == "360G-wolfson:org-13177"
    assert not award.recipient.has_official_identifier
    assert "30 with no official identifier" in "\n".join(outcome.report())
    programme = FundingProgramme.objects.get(name="Education")
    assert programme.funder.identifier == "GB-CHC-1156077" and programme.code == "E"


def test_lloyds_file_is_all_or_nothing_and_problems_are_grouped(world, tmp_path):
    path = DATA / "lloyds-bank-foundation.json"
    errors = tmp_path / "lloyds-problems.json"
    with pytest.raises(CommandError, match="nothing imported — 2 of 50 grants have problems"):
        call_command("import_360giving", str(path), "--user", "manager", "--as-awarded", "--errors-to", str(errors))
    assert Award.objects.count() == 0
    rejected = json.loads(errors.read_text())["grants"]
    assert [g["id"] for g in rejected] == ["360G-LBFEW-115444", "360G-LBFEW-115443"]
    assert rejected[0]["problems"] == [
        "Grant 49: Description: this column is empty; the 360Giving standard requires a description"
    ]


def test_skip_bad_rows_imports_the_rest_and_the_corrected_file_imports_again(world, tmp_path, capsys):
    errors = tmp_path / "lloyds-problems.json"
    call_command(
        "import_360giving",
        str(DATA / "lloyds-bank-foundation.json"),
        "--user",
        "manager",
        "--as-awarded",
        "--skip-bad-rows",
        "--errors-to",
        str(errors),
    )
    captured = capsys.readouterr()
    assert "48 imported" in captured.out
    assert "2 grants: column “Description”: this column is empty" in captured.err
    assert Award.objects.count() == 48

    fixed = json.loads(errors.read_text())
    for grant in fixed["grants"]:
        grant["description"] = "Core costs"
    errors.write_text(json.dumps(fixed))
    call_command("import_360giving", str(errors), "--user", "manager", "--as-awarded")
    assert Award.objects.count() == 50
    assert Award.objects.get(identifier="360G-LBFEW-115444").description == "Core costs"


def test_as_awarded_is_logged_as_an_import_by_that_person_from_that_file(world):
    source = giving360.read_path(DATA / "andrew-lloyd-webber-foundation.xlsx")
    giving360.import_grants(source, actor=world.manager, as_awarded=True)
    award = Award.objects.get(identifier="360G-ALWF-2044")
    assert award.state == Award.State.CLOSED  # awarded 3 November 2020 for 36 months
    assert (award.amount_requested, award.amount_awarded) == (Decimal("15000.00"), Decimal("9000.00"))
    assert award.decided_at.date() == dt.date(2020, 11, 3)
    assert award.planned_duration == Decimal("36")
    assert award.data_source == "http://www.andrewlloydwebberfoundation.com/"
    assert award.beneficiary_locations == [{"name": "South Yorkshire", "countryCode": "GB"}]
    log = TransitionLog.objects.get(object_id=award.pk, content_type__model="award")
    assert (log.transition, log.source, log.target, log.actor) == (
        "import_as_awarded",
        "draft",
        "closed",
        world.manager,
    )
    assert log.note == "Imported as awarded from andrew-lloyd-webber-foundation.xlsx by manager"
    money = dict(
        MoneyChange.objects.filter(object_id=award.pk, content_type__model="award").values_list("field", "new_amount")
    )
    assert money == {"amount_requested": Decimal("15000.00"), "amount_awarded": Decimal("9000.00")}
    music = FundingProgramme.objects.get(name="Music")
    total = sum(a.amount_awarded for a in music.awards.all())
    assert music.budget == music.committed_amount == total
    assert MoneyChange.objects.get(object_id=music.pk, content_type__model="fundingprogramme").new_amount == total
    charity = Organisation.objects.get(identifier="GB-CHC-514479")
    assert (charity.kind, charity.charity_number, charity.postcode) == ("charity", "514479", "S40 3RB")


def test_a_windows_1252_csv_reads_like_its_utf8_twin():
    utf8 = giving360.read_path(DATA / "wellcome-trust.csv")
    cp1252 = giving360.read_path(DATA / "wellcome-trust-cp1252.csv")
    assert [g["amountAwarded"] for g in utf8.grants] == [g["amountAwarded"] for g in cp1252.grants]
    assert cp1252.grants[0]["id"].startswith("360G-<~>€funding€providers")  # € is 0x80 in Windows-1252
    assert utf8.grants[0]["recipientOrganization"][0]["addressLocality"] == "London"


def test_an_old_csv_without_the_required_columns_is_refused_by_cause(world):
    outcome = giving360.import_grants(giving360.read_path(DATA / "paul-hamlyn-foundation.csv"), actor=world.manager)
    assert outcome.created == 0 and Award.objects.count() == 0
    assert outcome.problem_lines() == [
        "9 rows: column “Award Date”: this column is empty; the 360Giving standard requires the award date "
        "— rows 2, 3, 4, 5, 6, 7, 8, 9 …",
        "9 rows: column “Description”: this column is empty; the 360Giving standard requires a description "
        "— rows 2, 3, 4, 5, 6, 7, 8, 9 …",
    ]
