"""The 360Giving Data Quality Tool's accuracy and usefulness checks: a file made to fail each one, a clean
grant that passes them all, and the critical ones stopping the export."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from grants.giving360 import quality
from grants.models import Award

from .test_giving360 import published  # noqa: F401 (fixture)

TODAY = dt.date(2026, 12, 1)


def clean(**overrides) -> dict:
    grant = {
        "id": "360G-T-1",
        "title": "Tutoring",
        "description": "Tutoring for 40 pupils in Sandwell",
        "currency": "GBP",
        "amountAwarded": 1000,
        "awardDate": "2024-05-01",
        "plannedDates": [{"startDate": "2024-09-01", "endDate": "2025-07-31", "duration": 11}],
        "recipientOrganization": [
            {"id": "GB-CHC-1040756", "name": "Place2Be", "charityNumber": "1040756", "postalCode": "EC1V 9NR"}
        ],
        "fundingOrganization": [{"id": "GB-CHC-1000147", "name": "T Trust"}],
        "grantProgramme": [{"code": "T1", "title": "Tutoring"}],
        "beneficiaryLocation": [{"name": "Sandwell", "geoCode": "E08000028"}],
        "dateModified": "2024-05-02T10:00:00Z",
        "dataSource": "https://example.org/grants",
    }
    grant.update(overrides)
    return grant


def org(identifier, name="Somebody", **more):
    return [{"id": identifier, "name": name, **more}]


FAILING = {
    "zero_amount": {"amountAwarded": 0},
    "funder_prefix": {"fundingOrganization": org("XX-NOPE-1", "T Trust")},
    "recipient_prefix": {"recipientOrganization": org("ZZ-ABC-1", postalCode="B1 1AA", charityNumber="1040756")},
    "charity_number": {"recipientOrganization": org("GB-CHC-12345", postalCode="B1 1AA", charityNumber="12345")},
    "company_number": {"recipientOrganization": org("GB-COH-123", postalCode="B1 1AA", companyNumber="123")},
    "grant_id_chars": {"id": "360G-T-\n1"},
    "org_id_chars": {"recipientOrganization": org("GB-CHC-1040756\n", postalCode="B1 1AA", charityNumber="1040756")},
    "email": {"description": "Ask jo.bloggs@example.org for details"},
    "impossible_date": {"awardDate": "2024-02-30"},
    "planned_start_after_end": {"plannedDates": [{"startDate": "2025-01-01", "endDate": "2024-01-01"}]},
    "actual_start_after_end": {"actualDates": [{"startDate": "2025-01-01", "endDate": "2024-01-01"}]},
    "planned_far_future": {"plannedDates": [{"startDate": "2030-01-01", "endDate": "2040-01-01"}]},
    "actual_far_future": {"actualDates": [{"startDate": "2026-01-01", "endDate": "2033-01-01"}]},
    "far_past": {"awardDate": "1999-01-01"},
    "award_date_future": {"awardDate": "2027-01-01"},
    "official_id_possible": {
        "recipientOrganization": org("360G-T-org-1", postalCode="B1 1AA", charityNumber="1040756")
    },
    "no_register_number": {"recipientOrganization": org("GB-EDU-137000", postalCode="B1 1AA")},
    "no_recipient_location": {"recipientOrganization": org("GB-CHC-1040756", charityNumber="1040756")},
    "no_programme": {"grantProgramme": []},
    "no_beneficiary_location": {"beneficiaryLocation": []},
    "title_is_description": {"description": "Tutoring"},
    "long_title": {"title": "T" * 141},
    "no_last_modified": {"dateModified": ""},
    "no_data_source": {"dataSource": ""},
    "no_planned_dates": {"plannedDates": []},
    "location_without_code": {"beneficiaryLocation": [{"name": "Sandwell"}]},
}


def results_of(grants):
    return {r.check.code: r for r in quality.run_checks(grants, today=TODAY)}


def test_a_clean_grant_passes_every_check():
    assert [r.check.code for r in quality.run_checks([clean()], today=TODAY) if r.count] == []


@pytest.mark.parametrize("code", sorted(FAILING))
def test_each_check_catches_what_it_is_for(code):
    bad = clean(**{"id": "360G-T-bad", **FAILING[code]})
    results = results_of([clean(), bad])
    assert results[code].grants == [bad["id"]]
    assert results[code].count == 1 and results[code].percentage == Decimal("50.0")


def test_file_wide_checks_on_funders():
    a = clean(id="360G-T-1")
    b = clean(id="360G-T-2", fundingOrganization=org("GB-CHC-1000147", "The T Trust"))
    c = clean(id="360G-T-3", fundingOrganization=org("GB-CHC-2000000", "T Trust"))
    results = results_of([a, b, c])
    assert results["several_funders"].count == 3
    assert results["funder_id_several_names"].grants == ["360G-T-1", "360G-T-2"]
    assert results["funder_name_several_ids"].grants == ["360G-T-1", "360G-T-3"]


def test_every_listed_check_is_tested():
    assert set(FAILING) | {"several_funders", "funder_id_several_names", "funder_name_several_ids"} == {
        c.code for c, _ in quality.CHECKS
    }


def test_check_360giving_on_a_file_exits_non_zero_on_a_critical_failure(tmp_path, capsys, db):
    path = tmp_path / "grants.json"
    path.write_text(json.dumps({"grants": [clean(), clean(id="360G-T-2", amountAwarded=0)]}))
    with pytest.raises(CommandError, match="1 critical check"):
        call_command("check_360giving", str(path))
    out = capsys.readouterr().out
    assert "CRITICAL accuracy: 1 grants (50.0%) — the amount awarded is £0: 360G-T-2" in out

    path.write_text(json.dumps({"grants": [clean()]}))
    call_command("check_360giving", str(path))
    assert f"{len(quality.CHECKS)} of {len(quality.CHECKS)} checks passed." in capsys.readouterr().out


def test_export_stops_on_a_critical_check_unless_forced(published, tmp_path):  # noqa: F811
    out = tmp_path / "grants.json"
    call_command("check_360giving")  # what would be published is clean of critical failures
    Award.objects.filter(pk=published["a"].pk).update(description="Contact head@oakfield.sch.uk")
    with pytest.raises(CommandError, match="critical 360Giving quality check"):
        call_command("export_360giving", "-o", str(out))
    assert not out.exists()
    with pytest.raises(CommandError):
        call_command("check_360giving")
    call_command("export_360giving", "-o", str(out), "--force")
    assert len(json.loads(out.read_text())["grants"]) == 3
