"""Whole GIAS files as the DfE's own services keep them (data/gias/whole/, byte for byte: SOURCES.md),
each imported through `import_data organisations FILE --user U` and the admin's Import."""

import re
import tempfile
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from partnerships.models import LocalAuthority, Organisation
from tests import factories as f

WHOLE = Path(__file__).parent / "data" / "gias" / "whole"
NPQ_SAMPLE = WHOLE / "npq-registration__gias_sample.csv"
TV_SCHOOLS = WHOLE / "teaching-vacancies__example_schools_data.csv"
TV_GROUPS = WHOLE / "teaching-vacancies__example_groups_data.csv"
TV_LINKS = WHOLE / "teaching-vacancies__example_links_data.csv"
CLAIM_SCHOOLS = WHOLE / "claim-additional-payments-for-teaching__example_schools_data.csv"
CLAIM_BAD = WHOLE / "claim-additional-payments-for-teaching__example_bad_schools_data.csv"
ECF_CENTRES = WHOLE / "early-careers-framework__ecf_tech.csv"
ECF_GROUPS = WHOLE / "early-careers-framework__groups.csv"
ECF_GROUP_LINKS = WHOLE / "early-careers-framework__groupLinks.csv"
ECF_LINKS = WHOLE / "early-careers-framework__links.csv"
ITT_SUBSET = WHOLE / "itt-mentor-services__gias_subset.csv"


@pytest.fixture
def admin(db):
    return f.UserFactory(username="root", is_superuser=True, is_staff=True)


def import_file(path, *args) -> list[str]:
    out, err = StringIO(), StringIO()
    call_command("import_data", "organisations", str(path), "--user", "root", *args, stdout=out, stderr=err)
    return out.getvalue().splitlines()


def refused(path, *args) -> tuple[str, list[str]]:
    """The command's refusal and the grouped problems it printed before it."""
    err = StringIO()
    with pytest.raises(CommandError) as refusal:
        call_command("import_data", "organisations", str(path), "--user", "root", *args, stdout=StringIO(), stderr=err)
    problems = [line for line in err.getvalue().replace("\r", "\n").splitlines() if line and "[" not in line]
    return str(refusal.value), problems


def kinds() -> dict[tuple[str, str], int]:
    return dict(
        Counter(Organisation.objects.filter(identifier__startswith="GB-EDU-").values_list("kind", "establishment_type"))
    )


def test_the_sources_are_kept_as_served():
    """Byte for byte: the Windows-1252 "à" of "St Thomas à Becket", the CRLF line ends, no BOM added."""
    assert b"St Thomas \xe0 Becket" in CLAIM_SCHOOLS.read_bytes()
    assert b"\r\n" in (WHOLE / "npq-registration__gias_update.csv").read_bytes()
    assert sum(1 for _ in NPQ_SAMPLE.open(encoding="utf-8")) == 100  # the header and 99 establishments
    assert "npq-registration__gias_sample.csv" in (WHOLE.parent / "SOURCES.md").read_text(encoding="utf-8")


# An establishments extract of 99 rows: Camden, the City of London and 51 Welsh establishments ------------


def test_a_whole_extract_imports_its_open_english_establishments_and_counts_the_rest(admin):
    assert import_file(NPQ_SAMPLE) == [
        "Organisations: 99 rows — 42 created, 0 updated, 0 unchanged (skipped), 57 left out (below), 0 errors; saved.",
        "6 rows left out: closed (import them marked closed with --include-closed).",
        "51 rows left out: not in England (Welsh, overseas and offshore establishments).",
    ]
    assert kinds() == {
        ("school", "maintained"): 37,  # community, voluntary aided, LA nursery
        ("school", "independent"): 3,
        ("school", "alternative_provision"): 2,  # pupil referral units
    }
    by_la = Counter(Organisation.objects.filter(identifier__startswith="GB-EDU-").values_list("local_authority__name"))
    assert by_la == {("Camden",): 38, ("City of London",): 4}
    assert not Organisation.objects.filter(postcode__startswith="CF").exists()  # no Cardiff school came in
    assert not Organisation.objects.filter(closed_on__isnull=False).exists()

    again = import_file(NPQ_SAMPLE)
    assert again[0].startswith("Organisations: 99 rows — 0 created, 0 updated, 42 unchanged (skipped)")


def test_the_whole_extract_with_its_closed_establishments(admin):
    out = import_file(NPQ_SAMPLE, "--include-closed")
    assert out[0].startswith("Organisations: 99 rows — 48 created") and "closed (" not in "\n".join(out)
    closed = Organisation.objects.filter(closed_on__isnull=False)
    assert closed.count() == 6 and all(o.local_authority.name in ("Camden", "City of London") for o in closed)


def test_the_update_file_then_changes_one_school(admin):
    import_file(NPQ_SAMPLE)
    out = import_file(WHOLE / "npq-registration__gias_update.csv")  # CRLF line ends, as a Windows tool saves
    assert out == ["Organisations: 1 row — 0 created, 1 updated, 0 unchanged (skipped), 0 errors; saved."]


def test_a_local_authority_is_found_by_its_name_when_the_code_is_not_one_england_has(admin, tmp_path):
    """A real row with its DfE number changed to one no authority has: found by "LA (name)" instead."""
    lines = ITT_SUBSET.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[1].startswith("100000,201,City of London,")
    edited = tmp_path / "edubasealldata.csv"
    edited.write_text(lines[0] + lines[1].replace("100000,201,", "100000,999,", 1), encoding="utf-8")
    import_file(edited)
    assert Organisation.objects.get(identifier="GB-EDU-100000").local_authority == LocalAuthority.objects.get(
        name="City of London"
    )


def test_a_subset_of_academies_independent_special_and_overseas_schools(admin):
    out = import_file(ITT_SUBSET)
    assert out[:3] == [
        "Organisations: 8 rows — 5 created, 0 updated, 0 unchanged (skipped), 3 left out (below), 0 errors; saved.",
        "2 rows left out: closed (import them marked closed with --include-closed).",
        "1 row left out: not in England (Welsh, overseas and offshore establishments).",
    ]
    assert kinds() == {("school", "maintained"): 3, ("school", "academy"): 1, ("school", "independent_special"): 1}


# Files that real services keep and that cannot be imported as they are: refused in words ----------------


def test_rows_pasted_from_another_layout_are_refused_naming_them(admin):
    message = refused(TV_SCHOOLS)[0]
    assert message == (
        "Could not read "
        f"{TV_SCHOOLS}: “{TV_SCHOOLS.name}”: Rows 11 to 20 have 135 cells, but the first row names 120 "
        "columns: these rows seem to come from another version of the file, so their cells cannot be matched "
        "to columns. Make every row match the column names (or download the file again) and import it again."
    )
    message = refused(CLAIM_SCHOOLS)[0]  # Windows-1252 as well: read, then refused for its row 5
    assert "Row 5 has 139 cells, but the first row names 133 columns: this row seems" in message
    assert not Organisation.objects.filter(identifier__startswith="GB-EDU-").exists()


def test_an_establishment_without_a_name_is_a_row_error(admin):
    message, problems = refused(CLAIM_BAD)
    assert problems == ["1 row: column “EstablishmentName”: this column is empty, and it is needed — row 2"]
    assert message.startswith("Organisations: nothing imported — 1 of 1 rows have problems")


def test_childrens_centres_from_the_web_service_extract(admin):
    """Six children's centres; one names Cumbria (909), an authority gone since 2023: a row error by
    number, and nothing is imported until it is settled."""
    _, problems = refused(ECF_CENTRES)
    assert problems == ["1 row: column “LA (code)”: unknown local authority “909” — row 3"]


def test_the_establishment_links_file_is_not_an_organisations_file(admin):
    _, problems = refused(ECF_LINKS)
    assert problems == [
        "The file: This is GIAS's links file (which establishment replaced which: “LinkURN”, “LinkType”): it "
        "names no organisations. Import the establishments extract (edubasealldata…csv) and the groups extract "
        "(allgroupsdata…csv) instead."
    ]


# Groups ----------------------------------------------------------------------------------------------


def test_childrens_centre_groups_are_left_out_with_their_count_in_either_layout(admin):
    """The web service's groups.csv ("UID", "Status") and groupLinks.csv ("Linked UID")."""
    for path in (ECF_GROUPS, ECF_GROUP_LINKS):
        assert import_file(path) == [
            "Organisations: 3 rows — 0 created, 0 updated, 0 unchanged (skipped), 3 left out (below), 0 errors; saved.",
            "3 rows left out: groups that are not trusts (federations, sponsors, children's centre groups).",
        ]
    assert not Organisation.objects.filter(kind="mat").exists()


def test_a_trust_without_a_companies_house_number_comes_in_under_its_group_uid(admin, tmp_path):
    """GIAS leaves the number empty for some trusts: the trust is created, identified by its Group UID
    (a 360G- identifier, "no official identifier"); the next file with the number gives it its GB-COH-."""
    lines = TV_GROUPS.read_text(encoding="utf-8").splitlines(keepends=True)
    without = tmp_path / "allgroupsdata.csv"
    without.write_text(lines[0] + lines[1].replace(",7318714,", ",,", 1) + lines[2], encoding="utf-8")
    assert import_file(without) == [
        "Organisations: 2 rows — 2 created, 0 updated, 0 unchanged (skipped), 0 errors; saved.",
        "1 trust has no Companies House number in the file: identified by its Group UID (360G-GIAS-GROUP-…, "
        "no official identifier) until a file gives the number.",
    ]
    trust = Organisation.objects.get(group_uid="2044")
    assert (trust.identifier, trust.kind, trust.name) == ("360G-GIAS-GROUP-2044", "mat", "ABBEY ACADEMIES TRUST")

    out = import_file(TV_GROUPS)
    assert out[0] == (
        "Organisations: 4 rows — 1 created, 1 updated, 1 unchanged (skipped), 1 left out (below), 0 errors; saved."
    )
    trust.refresh_from_db()
    assert trust.identifier == "GB-COH-07318714"
    assert Organisation.objects.filter(group_uid="2044").count() == 1

    import_file(without)  # and a later file without the number keeps the one known
    trust.refresh_from_db()
    assert trust.identifier == "GB-COH-07318714"


def test_a_links_file_creates_each_trust_once_and_links_its_schools(admin):
    import_file(NPQ_SAMPLE)  # URN 100000 and 100001 are City of London schools in this extract
    out = import_file(TV_LINKS)
    assert out[:2] == [
        "Organisations: 3 rows — 2 created, 0 updated, 0 unchanged (skipped), 1 left out (below), 0 errors; saved.",
        "1 row left out: the same trust again (a links file names a trust once for each of its schools).",
    ]
    abbey = Organisation.objects.get(identifier="GB-COH-07318714")
    assert sorted(abbey.schools.values_list("identifier", flat=True)) == ["GB-EDU-100000", "GB-EDU-100001"]


# The admin's Import, with the same files ----------------------------------------------------------------


@pytest.fixture
def import_tmp(monkeypatch, tmp_path):
    folder = tmp_path / "import-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def admin_upload(client, path: Path, **extra) -> str:
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    response = client.post(
        "/admin/partnerships/organisation/import/", {"import_file": upload, "format": 0, "resource": 0, **extra}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Traceback" not in page and "site-packages" not in page and "encountered while" not in page
    return page


def test_the_admin_previews_and_imports_the_whole_extract_saying_what_is_left_out(client, admin, import_tmp):
    client.force_login(admin)
    page = admin_upload(client, NPQ_SAMPLE)
    assert "Confirm import" in page
    assert "51 rows left out: not in England (Welsh, overseas and offshore establishments)." in page
    assert "6 rows left out: closed (import them marked closed with --include-closed)." in page
    fields = dict(re.findall(r'name="(import_file_name|original_file_name|format|resource)" value="([^"]*)"', page))
    client.post("/admin/partnerships/organisation/process_import/", fields)
    assert Organisation.objects.filter(identifier__startswith="GB-EDU-").count() == 42


@pytest.mark.parametrize(
    ("path", "words"),
    [
        (TV_SCHOOLS, "Rows 11 to 20 have 135 cells, but the first row names 120 columns"),
        (CLAIM_SCHOOLS, "Row 5 has 139 cells, but the first row names 133 columns"),
        (ECF_LINKS, "This is GIAS&#x27;s links file"),
        (ECF_CENTRES, "column “LA (code)”: unknown local authority “909” — row 3"),
        (CLAIM_BAD, "column “EstablishmentName”: this column is empty, and it is needed — row 2"),
    ],
    ids=["ragged", "ragged-cp1252", "links", "abolished-la", "no-name"],
)
def test_the_admin_refuses_what_cannot_be_imported_in_the_same_words(client, admin, import_tmp, path, words):
    client.force_login(admin)
    page = admin_upload(client, path)
    assert words in page and "Confirm import" not in page


def test_the_admin_says_childrens_centre_groups_are_left_out(client, admin, import_tmp):
    client.force_login(admin)
    page = admin_upload(client, ECF_GROUPS)
    assert "3 rows left out: groups that are not trusts (federations, sponsors, children&#x27;s centre groups)." in page
