"""England's geography in every database, and the DfE's GIAS extracts as they come (real rows: data/gias/)."""

import re
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from partnerships.importing import read_dataset, run_import
from partnerships.models import LocalAuthority, Organisation, Region, SubRegion
from partnerships.resources import OrganisationResource
from tests import factories as f

DATA = Path(__file__).parent / "data" / "gias"
CAMDEN_WALES = DATA / "edubasealldata_camden_wales.csv"


@pytest.fixture
def import_tmp(monkeypatch, tmp_path):
    """Where django-import-export keeps an upload between preview and confirm: this test's own folder."""
    folder = tmp_path / "import-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def admin(db):
    return f.UserFactory(username="root", is_superuser=True, is_staff=True)


def import_file(path, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_data", "organisations", str(path), "--user", "root", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def gias_copy(tmp_path, source: Path, edit, name="edubasealldata.csv") -> Path:
    """A copy of a real extract with one thing changed, to hit one row problem."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / name
    path.write_text("".join(edit(lines)), encoding="utf-8")
    return path


# Geography ---------------------------------------------------------------------------------------


def test_a_fresh_database_has_every_english_local_authority(db):
    assert LocalAuthority.objects.count() == 153
    assert LocalAuthority.objects.filter(dfe_code__isnull=True).count() == 0
    assert Region.objects.count() == 9
    assert sorted(Region.objects.values_list("code", flat=True)) == [f"E1200000{n}" for n in range(1, 10)]
    birmingham = LocalAuthority.objects.get(dfe_code="330")
    assert (birmingham.name, birmingham.gss_code, birmingham.region.name, birmingham.sub_region.name) == (
        "Birmingham",
        "E08000025",
        "West Midlands",
        "Birmingham",
    )
    black_country = SubRegion.objects.get(name="Black Country")
    assert sorted(black_country.local_authorities.values_list("name", flat=True)) == [
        "Dudley",
        "Sandwell",
        "Walsall",
        "Wolverhampton",
    ]
    west_midlands = LocalAuthority.objects.filter(region__code="E12000005")
    assert west_midlands.count() == 14 and not west_midlands.filter(sub_region__isnull=True).exists()
    assert SubRegion.objects.count() == 6
    assert LocalAuthority.objects.get(dfe_code="942").name == "Cumberland"  # the 2023 reorganisation
    assert LocalAuthority.objects.filter(region__name="London").count() == 33


# Establishments ------------------------------------------------------------------------------------


def test_a_real_establishments_extract_imports_open_english_schools_and_counts_the_rest(admin):
    out, _ = import_file(CAMDEN_WALES)
    assert out.splitlines() == [
        "Organisations: 35 rows — 23 created, 0 updated, 0 unchanged (skipped), 12 left out (below), 0 errors; saved.",
        "6 rows left out: closed (import them marked closed with --include-closed).",
        "6 rows left out: not in England (Welsh, overseas and offshore establishments).",
    ]
    camden = LocalAuthority.objects.get(dfe_code="202")
    nursery = Organisation.objects.get(identifier="GB-EDU-100005")
    assert (nursery.name, nursery.kind, nursery.establishment_type, nursery.type_of_establishment) == (
        "Thomas Coram Centre",
        "school",
        "maintained",
        "Local authority nursery school",
    )
    assert (nursery.local_authority, nursery.phase, nursery.pupil_count, nursery.urn) == (
        camden,
        "Nursery",
        131,
        "100005",
    )
    assert (nursery.district_code, nursery.ward_code, nursery.lsoa_code) == ("E09000007", "E05000141", "E01000937")
    pru = Organisation.objects.get(identifier="GB-EDU-100006")
    assert (pru.establishment_type, pru.ukprn, pru.website) == (
        "alternative_provision",
        "10016665",
        "http://ccfl.camden.sch.uk",
    )
    girls = Organisation.objects.get(identifier="GB-EDU-100001")
    assert (girls.establishment_type, girls.local_authority.name) == ("independent", "City of London")
    assert not Organisation.objects.filter(identifier__in=["GB-EDU-100004", "GB-EDU-402384"]).exists()
    assert Organisation.objects.get(identifier="GB-EDU-100012").closed_on is None  # open, but proposed to close

    again, _ = import_file(CAMDEN_WALES)
    assert again.splitlines()[0].startswith("Organisations: 35 rows — 0 created, 0 updated, 23 unchanged (skipped)")


def test_closed_establishments_kept_marked_closed_with_their_close_date(admin):
    out, _ = import_file(CAMDEN_WALES, "--include-closed")
    assert "29 created" in out and "6 rows left out: not in England" in out and "closed (" not in out
    sherborne = Organisation.objects.get(identifier="GB-EDU-100004")
    assert sherborne.closed_on.isoformat() == "1992-08-31"
    assert Organisation.objects.get(identifier="GB-EDU-100037").closed_on.isoformat() == "2019-12-31"
    assert Organisation.objects.get(identifier="GB-EDU-100000").closed_on is None


def test_the_extract_in_windows_1252_as_gias_serves_it_on_the_command_line(admin):
    raw = (DATA / "edubasealldata_camden_wales_cp1252.csv").read_bytes()
    assert "Ynys Môn".encode("cp1252") in raw and "Ynys Môn".encode() not in raw
    out, _ = import_file(DATA / "edubasealldata_camden_wales_cp1252.csv")
    assert "23 created" in out
    assert Organisation.objects.get(identifier="GB-EDU-100002").name == "St Paul's Cathedral School"


def test_establishment_types_become_kinds(admin):
    out, _ = import_file(DATA / "edubasealldata_mixed_types.csv")
    kinds = dict(
        Organisation.objects.filter(identifier__startswith="GB-EDU-").values_list("identifier", "establishment_type")
    )
    assert kinds == {
        "GB-EDU-100000": "maintained",
        "GB-EDU-101173": "independent_special",
        "GB-EDU-137666": "academy",
        "GB-EDU-124087": "maintained",
    }
    assert "2 rows left out: closed" in out and "1 row left out: not in England" in out
    assert "2 schools name a trust not imported yet" in out
    academy = Organisation.objects.get(identifier="GB-EDU-137666")
    assert (academy.trust, academy.trust_uid, academy.local_authority.name) == (None, "3104", "Devon")


def test_childrens_centres_are_childrens_centres_and_an_abolished_authority_is_a_row_error(admin, tmp_path):
    with pytest.raises(CommandError, match="nothing imported — 1 of 3 rows"):
        _, err = import_file(DATA / "childrens_centres.csv")
    outcome = run_import(OrganisationResource(user=admin), read_dataset(DATA / "childrens_centres.csv"), dry_run=True)
    assert [str(p) for p in outcome.problems] == ["Row 3, column “LA (code)”: unknown local authority “909”"]

    fixed = gias_copy(tmp_path, DATA / "childrens_centres.csv", lambda ls: [ls[0], ls[1], ls[3]])
    import_file(fixed)
    centre = Organisation.objects.get(identifier="GB-EDU-20001")
    assert (centre.kind, centre.get_kind_display(), centre.local_authority.name) == (
        "childrens_centre",
        "Children's centre",
        "Cambridgeshire",
    )


# Groups (trusts) -----------------------------------------------------------------------------------


def test_the_groups_extract_creates_the_trusts(admin):
    out, _ = import_file(DATA / "allgroupsdata_sample.csv")
    assert "3 created" in out and "1 row left out: groups that are not trusts" in out
    trust = Organisation.objects.get(group_uid="2044")
    assert (trust.identifier, trust.kind, trust.type_of_establishment, trust.postcode, trust.ukprn) == (
        "GB-COH-07318714",  # the leading zero a spreadsheet dropped, put back
        "mat",
        "Multi-academy trust",
        "PE10 9EP",
        "10058308",
    )
    assert not Organisation.objects.filter(group_uid="2059").exists()  # a federation
    again, _ = import_file(DATA / "allgroupsdata_sample.csv")
    assert "0 created, 0 updated, 3 unchanged" in again


GROUPS_FOR_MIXED = (
    "Group UID,Group ID,Group Name,Companies House Number,Group Type (code),Group Type,Closed Date,"
    "Group Status (code),Group Status,Group Postcode\n"
    "3104,TR01234,THE FIRST FEDERATION TRUST,07890123,06,Multi-academy trust,,OPEN,Open,TQ13 0EU\n"
    "1579,TR04567,Tame Valley Co-Operative Learning Trust,08123456,02,Trust,,OPEN,Open,B78 3AD\n"
)


def test_schools_imported_before_their_trust_join_it_when_the_groups_file_comes(admin, tmp_path):
    import_file(DATA / "edubasealldata_mixed_types.csv")
    groups = tmp_path / "allgroupsdata.csv"
    groups.write_text(GROUPS_FOR_MIXED, encoding="utf-8")
    out, _ = import_file(groups)
    assert "2 created" in out and "2 schools linked to their trust." in out
    first_federation = Organisation.objects.get(identifier="GB-COH-07890123")
    assert list(first_federation.schools.values_list("identifier", flat=True)) == ["GB-EDU-137666"]
    assert Organisation.objects.get(identifier="GB-EDU-124087").trust.group_uid == "1579"

    out, _ = import_file(DATA / "edubasealldata_mixed_types.csv")  # and the next establishments file keeps them
    assert "trust not imported yet" not in out
    assert Organisation.objects.get(identifier="GB-EDU-137666").trust == first_federation


def test_a_links_file_attaches_schools_to_their_trust(admin, tmp_path):
    import_file(DATA / "edubasealldata_mixed_types.csv")
    links = tmp_path / "links.csv"
    links.write_text(
        "URN,Group UID,Group Name,Companies House Number,Group Type,Group Status,EstablishmentName\n"
        "137666,3104,THE FIRST FEDERATION TRUST,7890123,Multi-academy trust,Open,Chudleigh Knighton\n"
        "100000,3104,THE FIRST FEDERATION TRUST,7890123,Multi-academy trust,Open,The Aldgate School\n",
        encoding="utf-8",
    )
    out, _ = import_file(links)
    assert "1 created" in out and "1 row left out: the same trust again" in out
    trust = Organisation.objects.get(identifier="GB-COH-07890123")
    assert sorted(trust.schools.values_list("identifier", flat=True)) == ["GB-EDU-100000", "GB-EDU-137666"]


# Row problems, named by the extract's own column titles ----------------------------------------------


def test_each_row_problem_names_the_gias_column(admin, tmp_path):
    def edit(lines):
        rows = [lines[0]]
        rows.append(
            lines[1].replace(
                "Voluntary aided school,4,Local authority maintained schools", "Space school,42,Lunar schools"
            )
        )
        rows.append(lines[2].replace("E05009302", "Cripplegate"))  # AdministrativeWard (code)
        rows.append(lines[6].replace(",131,68,63,", ",lots,68,63,"))  # NumberOfPupils
        rows.append(lines[9])
        rows.append(lines[9])  # the same URN twice
        return rows

    path = gias_copy(tmp_path, CAMDEN_WALES, edit)
    outcome = run_import(OrganisationResource(user=admin), read_dataset(path), dry_run=False)
    assert [str(p) for p in outcome.problems] == [
        "Row 2, column “TypeOfEstablishment (name)”: “Space school” is not a type of establishment Exchange knows "
        "(one of: Academy, Free school, Local authority maintained school, Special school, Independent school, "
        "Independent special school, Pupil referral unit, Further education college, Higher education institution, "
        "Children's centre, Other establishment)",
        "Row 3, column “AdministrativeWard (code)”: “Cripplegate” is not an ONS code (a letter and eight digits, "
        "like E05011129)",
        "Row 4, column “NumberOfPupils”: “lots” is not a whole number",
        "Row 6, column “URN”: “GB-EDU-100008” appears twice in this file (also row 5)",
    ]
    assert not Organisation.objects.filter(identifier__startswith="GB-EDU-").exists()


def test_a_trust_without_a_companies_house_number_or_a_group_uid_is_a_row_error(admin):
    """Without the number the trust is known by its Group UID (test_gias_whole_files.py); without either,
    Exchange cannot know it again."""
    data = read_dataset(DATA / "allgroupsdata_sample.csv")
    data[1] = tuple("" if i in (0, 3) else v for i, v in enumerate(data[1]))
    outcome = run_import(OrganisationResource(user=admin), data, dry_run=True)
    assert [str(p) for p in outcome.problems] == [
        "Row 3, column “Companies House Number”: empty: Exchange knows a trust by its Companies House number, "
        "else its Group UID"
    ]


# The admin's Import ----------------------------------------------------------------------------------


def admin_upload(client, path: Path, **extra):
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    return client.post(
        "/admin/partnerships/organisation/import/", {"import_file": upload, "format": 0, "resource": 0, **extra}
    )


def confirm(client, page: str, **extra):
    fields = dict(re.findall(r'name="(import_file_name|original_file_name|format|resource)" value="([^"]*)"', page))
    return client.post("/admin/partnerships/organisation/process_import/", {**fields, **extra})


def test_the_admin_imports_the_windows_1252_extract_and_keeps_closed_ones_when_asked(client, admin, import_tmp):
    client.force_login(admin)
    preview = admin_upload(client, DATA / "edubasealldata_camden_wales_cp1252.csv", include_closed="on")
    page = preview.content.decode()
    assert preview.status_code == 200 and "Confirm import" in page, page[-3000:]
    assert "UnicodeDecodeError" not in page and "Traceback" not in page
    confirm(client, page, include_closed="True")
    assert Organisation.objects.filter(identifier__startswith="GB-EDU-").count() == 29
    assert Organisation.objects.get(identifier="GB-EDU-100004").closed_on.isoformat() == "1992-08-31"


def test_the_admin_import_shows_problems_in_words_never_a_traceback(client, admin, import_tmp, tmp_path):
    client.force_login(admin)
    headless = tmp_path / "edubasealldata.csv"
    headless.write_text("Name\nOakfield Primary\n", encoding="utf-8")
    page = admin_upload(client, headless).content.decode()
    assert "The file has no “Identifier” column" in page
    assert "Traceback" not in page and "site-packages" not in page and "/work/" not in page

    childrens = admin_upload(client, DATA / "childrens_centres.csv").content.decode()
    assert "column “LA (code)”: unknown local authority “909”" in childrens  # grouped by cause, with its row
    assert "Traceback" not in childrens and "Confirm import" not in childrens


def test_the_api_and_the_admin_list_show_and_filter_by_establishment_type(client, admin):
    import_file(DATA / "edubasealldata_mixed_types.csv")
    client.force_login(admin)
    response = client.get("/api/v1/organisations/", {"establishment_type": "academy"})
    assert response.status_code == 200, response.content
    [academy] = response.json()["results"]
    assert (academy["urn"], academy["establishment_type_label"], academy["phase"], academy["ward_code"]) == (
        "137666",
        "Academy",
        "Primary",
        "E05011899",
    )
    page = client.get("/admin/partnerships/organisation/", {"establishment_type__exact": "independent_special"})
    assert "Fairley House School" in page.content.decode() and "Aldgate" not in page.content.decode()
