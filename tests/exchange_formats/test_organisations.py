"""Organisations, including a school list shaped like the DfE's Get Information About Schools extract."""

import pytest
from django.core.management import call_command

from partnerships.importing import run_import, write_dataset
from partnerships.models import Organisation
from partnerships.resources import OrganisationResource
from tests import factories as f

from .conftest import dataset

GIAS_HEADERS = [
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentNumber",
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "EstablishmentStatus (name)",
    "NumberOfPupils",
    "Trusts (code)",
    "Trusts (name)",
    "Postcode",
    "SchoolWebsite",
]


@pytest.fixture
def admin(db):
    return f.UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def summit(db, birmingham):
    return f.OrganisationFactory(name="Summit Learning Trust", kind="mat", identifier="GB-COH-08000001")


def gias_rows():
    return [
        [
            137000,
            "330",
            "Birmingham",
            2001,
            "Oakfield Primary Academy",
            "Academy converter",
            "Open",
            420,
            2044,
            "SUMMIT LEARNING TRUST",
            "B29 5AA",
            "www.oakfield.bham.sch.uk",
        ],
        [
            137001,
            "",
            "Sandwell",
            2002,
            "Elm Academy",
            "Academy sponsor led",
            "Open",
            "1,050",
            2044,
            "Summit Learning Trust",
            "B70 1AA",
            "",
        ],
        [
            103000,
            "330",
            "Birmingham",
            2003,
            "St Chad's Catholic Primary",
            "Voluntary aided school",
            "Open",
            210,
            "",
            "",
            "B4 6NH",
            "https://stchads.example",
        ],
    ]


def test_gias_school_list_imports_with_urns_local_authorities_and_trusts(admin, summit, birmingham, sandwell, tmp_path):
    path = tmp_path / "edubase.csv"
    write_dataset(dataset(GIAS_HEADERS, *gias_rows()), path)
    call_command("import_data", "organisations", str(path), "--user", "root")

    oakfield = Organisation.objects.get(identifier="GB-EDU-137000")
    assert (oakfield.name, oakfield.kind, oakfield.local_authority, oakfield.trust) == (
        "Oakfield Primary Academy",
        "school",
        birmingham,
        summit,
    )
    assert oakfield.pupil_count == 420 and oakfield.website == "https://www.oakfield.bham.sch.uk"
    elm = Organisation.objects.get(identifier="GB-EDU-137001")
    assert (elm.local_authority, elm.trust, elm.pupil_count) == (sandwell, summit, 1050)  # LA by name when no code
    assert Organisation.objects.get(identifier="GB-EDU-103000").trust is None
    assert summit.size_band == "Starter trust"


def test_gias_local_authority_by_code_else_by_name_and_problems_name_the_gias_columns(admin, summit, birmingham):
    rows = gias_rows()
    rows[0][1] = "999"  # an unknown number, but a known name: Birmingham by its name
    rows[1][2], rows[1][9] = "Atlantis", "No Such Trust"  # no number and an unknown name
    outcome = run_import(OrganisationResource(user=admin), dataset(GIAS_HEADERS, *rows), dry_run=False)
    assert [str(p) for p in outcome.problems] == ["Row 3, column “LA (code)”: unknown local authority “Atlantis”"]
    assert not Organisation.objects.filter(kind="school").exists()

    rows[1][2] = "sandwell"
    outcome = run_import(OrganisationResource(user=admin), dataset(GIAS_HEADERS, *rows), dry_run=False)
    assert outcome.ok, outcome.problems
    assert Organisation.objects.get(identifier="GB-EDU-137000").local_authority == birmingham
    elm = Organisation.objects.get(identifier="GB-EDU-137001")
    assert (elm.local_authority.dfe_code, elm.trust, elm.trust_uid) == ("333", None, "2044")  # trust not known yet


def test_reimporting_the_school_list_updates_rather_than_duplicates(admin, summit, birmingham, sandwell):
    data = dataset(GIAS_HEADERS, *gias_rows())
    run_import(OrganisationResource(user=admin), data, dry_run=False)
    again = run_import(OrganisationResource(user=admin), dataset(GIAS_HEADERS, *gias_rows()), dry_run=False)
    assert (again.created, again.updated, again.skipped) == (0, 0, 3)
    rows = gias_rows()
    rows[0][7] = 455
    changed = run_import(OrganisationResource(user=admin), dataset(GIAS_HEADERS, *rows), dry_run=False)
    assert (changed.created, changed.updated, changed.skipped) == (0, 1, 2)
    assert Organisation.objects.filter(kind="school").count() == 3
    assert Organisation.objects.get(identifier="GB-EDU-137000").pupil_count == 455


def test_trust_and_its_schools_in_one_file(admin, birmingham):
    headers = ["Identifier", "Name", "Kind", "Local authority", "Trust"]
    rows = [
        ["GB-EDU-140001", "Birch Primary", "School", "Birmingham", "GB-COH-09000009"],
        ["GB-COH-09000009", "Arden Learning Trust", "Multi-academy trust", "Birmingham", ""],
        ["GB-EDU-140002", "Cedar Primary", "school", "E08000025", "Arden Learning Trust"],
    ]
    outcome = run_import(OrganisationResource(user=admin), dataset(headers, *rows), dry_run=False)
    assert outcome.ok, outcome.problems
    trust = Organisation.objects.get(identifier="GB-COH-09000009")
    assert set(trust.schools.values_list("identifier", flat=True)) == {"GB-EDU-140001", "GB-EDU-140002"}


def test_organisation_rules_in_plain_words(admin, birmingham):
    headers = ["Identifier", "Name", "Kind", "Local authority", "Pupils"]
    rows = [
        ["12345", "No Prefix School", "school", "Birmingham", ""],
        ["GB-EDU-150000", "Odd School", "shcool", "Birmingham", "many"],
        ["GB-EDU-150001", "", "school", "Birmingham", ""],
    ]
    outcome = run_import(OrganisationResource(user=admin), dataset(headers, *rows), dry_run=False)
    assert [str(p) for p in outcome.problems] == [
        "Row 2, column “Identifier”: “12345” is not an org-id identifier (like GB-EDU-137000, GB-CHC-1159393 "
        "or GB-COH-08000001)",
        "Row 3, column “Kind”: “shcool” is not a kind of organisation (one of: School, Multi-academy trust, "
        "Local authority, Combined authority, College, Charity, Employer, Funder, Government body, University, "
        "Children's centre)",
        "Row 3, column “Pupils”: “many” is not a whole number",
        "Row 4, column “Name”: this column is empty, and it is needed",
    ]
