"""The DfE's Get Information About Schools (GIAS) extracts, as they come, reshaped into organisation rows.

Two files are understood, found by their column titles:

- the establishments extract (`edubasealldataYYYYMMDD.csv`: URN, "LA (code)", "EstablishmentName",
  "TypeOfEstablishment (name)", "Trusts (code)"…): one school, college or children's centre a row;
- the groups extract (`allgroupsdata.csv`: "Group UID", "Group Name", "Companies House Number",
  "Group Type"…) and the academies' links to them (`links`/`groupLinks`: URN beside the group): the trusts.

Rows that are not organisations of an English partnership are left out with a count rather than refused:
establishments outside England (Welsh, overseas, offshore), closed ones (unless kept, marked closed with
their close date), groups that are not trusts (federations, sponsors, children's centre groups), and a
trust named again on a later row of a links file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .importing import cell_text, lookup_key
from .models import Organisation

Kind = Organisation.Kind
Type = Organisation.EstablishmentType

# TypeOfEstablishment (name) → (kind of organisation, establishment type)
TYPES: dict[str, tuple[str, str]] = {
    **{
        name: (Kind.SCHOOL, Type.MAINTAINED)
        for name in (
            "Community school",
            "Voluntary aided school",
            "Voluntary controlled school",
            "Foundation school",
            "Local authority nursery school",
        )
    },
    **{name: (Kind.SCHOOL, Type.SPECIAL) for name in ("Community special school", "Foundation special school")},
    "Non-maintained special school": (Kind.SCHOOL, Type.SPECIAL),
    "Other independent special school": (Kind.SCHOOL, Type.INDEPENDENT_SPECIAL),
    "Other independent school": (Kind.SCHOOL, Type.INDEPENDENT),
    "City technology college": (Kind.SCHOOL, Type.INDEPENDENT),
    "Pupil referral unit": (Kind.SCHOOL, Type.ALTERNATIVE_PROVISION),
    "Further education": (Kind.COLLEGE, Type.COLLEGE),
    "Sixth form centres": (Kind.COLLEGE, Type.COLLEGE),
    "Special post 16 institution": (Kind.COLLEGE, Type.SPECIAL),
    "Higher education institutions": (Kind.UNIVERSITY, Type.UNIVERSITY),
    "Children's centre": (Kind.CHILDRENS_CENTRE, Type.CHILDRENS_CENTRE),
    "Children's centre linked site": (Kind.CHILDRENS_CENTRE, Type.CHILDRENS_CENTRE),
}
# EstablishmentTypeGroup (name), for a type the list above does not know (GIAS adds some over the years)
GROUPS: dict[str, tuple[str, str]] = {
    "Academies": (Kind.SCHOOL, Type.ACADEMY),
    "Free Schools": (Kind.SCHOOL, Type.FREE_SCHOOL),
    "Local authority maintained schools": (Kind.SCHOOL, Type.MAINTAINED),
    "LA maintained schools": (Kind.SCHOOL, Type.MAINTAINED),
    "Special schools": (Kind.SCHOOL, Type.SPECIAL),
    "Independent schools": (Kind.SCHOOL, Type.INDEPENDENT),
    "Colleges": (Kind.COLLEGE, Type.COLLEGE),
    "Universities": (Kind.UNIVERSITY, Type.UNIVERSITY),
    "Children's centres": (Kind.CHILDRENS_CENTRE, Type.CHILDRENS_CENTRE),
    "Other types": (Kind.SCHOOL, Type.OTHER),
    "Online provider": (Kind.SCHOOL, Type.OTHER),
}
OUTSIDE_ENGLAND_TYPES = {"Welsh establishment", "British schools overseas", "Offshore schools"}
NO_LOCAL_AUTHORITY = {"000", "0"}  # overseas establishments: LA (name) "Does not apply"
TRUST_GROUP_TYPES = {"Multi-academy trust", "Single-academy trust", "Trust"}

LEFT_OUT_CLOSED = "closed (import them marked closed with --include-closed)"
LEFT_OUT_ABROAD = "not in England (Welsh, overseas and offshore establishments)"
LEFT_OUT_NOT_TRUST = "groups that are not trusts (federations, sponsors, children's centre groups)"
LEFT_OUT_REPEAT = "the same trust again (a links file names a trust once for each of its schools)"


def classify(type_name: str, group_name: str) -> tuple[str, str] | None:
    """The organisation's kind and establishment type for a GIAS type; None when outside England.
    A type neither list knows comes back as it is, for the import to refuse in words."""
    if type_name in OUTSIDE_ENGLAND_TYPES or group_name == "Welsh schools":
        return None
    if type_name in TYPES:
        return TYPES[type_name]
    if type_name.startswith("Academy"):
        return Kind.SCHOOL, Type.ACADEMY
    if type_name.startswith(("Free school", "University technical", "Studio school")):
        return Kind.SCHOOL, Type.FREE_SCHOOL
    return GROUPS.get(group_name) or (Kind.SCHOOL, type_name)  # an unknown type: a row error, in words


def is_establishments(headers) -> bool:
    return "URN" in headers and "EstablishmentName" in headers


def is_groups(headers) -> bool:
    """The groups extract (`allgroupsdata.csv`; "UID" and "Status" in the web service's `groups.csv`) and the
    links of establishments to groups (`links`/`groupLinks`: "Linked UID")."""
    return "Group Name" in headers and any(h in headers for h in ("Group UID", "Linked UID", "UID"))


def is_establishment_links(headers) -> bool:
    """GIAS's `links` file: which establishment replaced which (URN, LinkURN, LinkType): no organisations."""
    return "LinkURN" in headers and "EstablishmentName" not in headers


ESTABLISHMENT_LINKS = (
    "This is GIAS's links file (which establishment replaced which: “LinkURN”, “LinkType”): it names no "
    "organisations. Import the establishments extract (edubasealldata…csv) and the groups extract "
    "(allgroupsdata…csv) instead."
)


@dataclass
class Reshaped:
    """The rows in Exchange's organisation columns, which GIAS column each came from (so a problem names
    the column the person knows), the rows to leave out (by row number, 1 for the first data row) and
    the schools a links file attaches to each trust."""

    headers: list[str]
    rows: list[list]
    sources: dict[str, str]
    left_out: dict[int, str] = field(default_factory=dict)
    school_links: dict[str, str] = field(default_factory=dict)  # school org-id → trust's Group UID
    without_company_number: int = 0  # trusts given a 360G- identifier: no Companies House number in the file


ESTABLISHMENT_COLUMNS = {
    # our column: the GIAS columns it is read from, the first with a value wins
    "Name": ("EstablishmentName",),
    "Phase": ("PhaseOfEducation (name)",),
    "UKPRN": ("UKPRN",),
    "Pupils": ("NumberOfPupils",),
    "Website": ("SchoolWebsite",),
    "Postcode": ("Postcode",),
    "District code": ("DistrictAdministrative (code)",),
    "Ward code": ("AdministrativeWard (code)",),
    "LSOA code": ("LSOA (code)",),
    "Trust UID": ("Trusts (code)",),
    "Trust": ("Trusts (name)",),
}
NOT_RECORDED = {"9999", "999999", "999999999", "X999999", "99999999"}  # GIAS's "no code" markers


def establishments(dataset, *, keep_closed: bool, la_known: Callable[[str], bool]) -> Reshaped:
    headers = list(dataset.headers)
    sources = {
        "Identifier": "URN",
        "Kind": "TypeOfEstablishment (name)",
        "Establishment type": "TypeOfEstablishment (name)",
        "GIAS type": "TypeOfEstablishment (name)",
        "Local authority": "LA (code)" if "LA (code)" in headers else "LA (name)",
        "Closed on": "CloseDate",
    }
    for ours, theirs in ESTABLISHMENT_COLUMNS.items():
        present = [c for c in theirs if c in headers]
        if present:
            sources[ours] = present[0]
    names = ["Identifier", "Kind", "Establishment type", "GIAS type", "Local authority", "Closed on"]
    names += [c for c in ESTABLISHMENT_COLUMNS if c in sources]
    out = Reshaped(headers=names, rows=[], sources=sources)
    for number, raw in enumerate(dataset, 1):
        row = {h: cell_text(v) for h, v in zip(headers, raw, strict=False)}
        type_name = row.get("TypeOfEstablishment (name)", "")
        classified = classify(type_name, row.get("EstablishmentTypeGroup (name)", ""))
        la_code, la_name = row.get("LA (code)", ""), row.get("LA (name)", "")
        no_la = la_code in NO_LOCAL_AUTHORITY or lookup_key(la_name) == "does not apply"
        if classified is None or no_la:
            out.left_out[number] = LEFT_OUT_ABROAD
        closed = lookup_key(row.get("EstablishmentStatus (name)")) == "closed"
        if closed and not keep_closed:
            out.left_out.setdefault(number, LEFT_OUT_CLOSED)
        kind, sub_type = classified or (Kind.SCHOOL, type_name)
        values = {
            "Identifier": f"GB-EDU-{row['URN']}" if row.get("URN") else "",
            "Kind": kind,
            "Establishment type": sub_type,
            "GIAS type": type_name,
            # by the DfE number, else by name: GIAS leaves the number out, or gives an old one, at times
            "Local authority": next((v for v in (la_code, la_name) if v and la_known(v)), la_code or la_name),
            "Closed on": row.get("CloseDate", "") if closed else "",
        }
        for ours in names[6:]:
            value = row.get(sources[ours], "")
            values[ours] = "" if value in NOT_RECORDED else value
        out.rows.append([values[n] for n in names])
    return out


GROUP_COLUMNS = {
    "Name": ("Group Name",),
    "Group UID": ("Group UID", "Linked UID", "UID"),
    "GIAS type": ("Group Type",),
    "UKPRN": ("UKPRN",),
    "Postcode": ("Group Postcode", "Group Contact Postcode"),
    "Closed on": ("Closed Date",),
}
GROUP_STATUS = ("Group Status", "Status")
NO_COMPANY_NUMBER_PREFIX = "360G-GIAS-GROUP-"


def group_org_id(company_number: str, uid: str) -> str:
    """A trust's identifier: GB-COH- and its Companies House number; without one in the file (GIAS leaves
    it empty for some trusts), 360G-GIAS-GROUP- and its Group UID, the form the 360Giving standard allows
    where no official identifier exists. A later file with the number replaces it (the trust is found by
    its Group UID)."""
    return companies_house_org_id(company_number) or (f"{NO_COMPANY_NUMBER_PREFIX}{uid}" if uid else "")


def companies_house_org_id(number: str) -> str:
    """GB-COH- and the company number as Companies House writes it: 8 characters, zero-padded
    (spreadsheets drop the leading zeros of 07318714)."""
    number = number.replace(" ", "").upper()
    return f"GB-COH-{number.zfill(8) if number.isdigit() else number}" if number else ""


def groups(dataset, *, keep_closed: bool) -> Reshaped:
    headers = list(dataset.headers)
    sources = {"Identifier": "Companies House Number", "Kind": "Group Type"}
    for ours, theirs in GROUP_COLUMNS.items():
        present = [c for c in theirs if c in headers]
        if present:
            sources[ours] = present[0]
    names = ["Identifier", "Kind", *[c for c in GROUP_COLUMNS if c in sources]]
    out = Reshaped(headers=names, rows=[], sources=sources)
    seen: set[str] = set()
    for number, raw in enumerate(dataset, 1):
        row = {h: cell_text(v) for h, v in zip(headers, raw, strict=False)}
        uid = row.get(sources.get("Group UID", ""), "")
        if row.get("Group Type") not in TRUST_GROUP_TYPES:
            out.left_out[number] = LEFT_OUT_NOT_TRUST
        elif uid and uid in seen:
            out.left_out[number] = LEFT_OUT_REPEAT
        status = next((row[c] for c in GROUP_STATUS if row.get(c)), "")
        closed = lookup_key(status) == "closed"
        if closed and not keep_closed:
            out.left_out.setdefault(number, LEFT_OUT_CLOSED)
        if number not in out.left_out:
            seen.add(uid)
        if row.get("URN") and uid and row.get("Group Type") in TRUST_GROUP_TYPES:
            out.school_links[f"GB-EDU-{row['URN']}"] = uid
        identifier = group_org_id(row.get("Companies House Number", ""), uid)
        if identifier.startswith(NO_COMPANY_NUMBER_PREFIX) and number not in out.left_out:
            out.without_company_number += 1
        values = {"Identifier": identifier, "Kind": Kind.MAT}
        for ours in names[2:]:
            values[ours] = row.get(sources[ours], "")
        if not closed:
            values["Closed on"] = ""
        out.rows.append([values.get(n, "") for n in names])
    return out
