"""The 360Giving Data Standard (1.4): awards out as a data package (JSON) or in the standard's flat
spreadsheet columns (CSV/XLSX), and back in from the flat form as draft awards.

Only awards that are approved or beyond (committed money) are published. On the way in:
- `Amount Applied For`, or else `Amount Awarded`, becomes the amount requested of a draft award:
  money is awarded here only by approval, which checks the budget and is logged.
- The recipient must already be in the organisation directory (`Recipient Org:Identifier`); an
  unknown one is a row error. A 360Giving row does not say what kind of organisation it is, its
  local authority or its trust, so creating one from it would put guesses into the directory:
  import organisations first (`import_data organisations`, or a GIAS school list).
- The programme is found by `Grant Programme:Title` or `Grant Programme:Code` (the programme's
  360Giving prefix); when `Funding Org:Identifier` is given it must be that programme's funder.
- Award dates, beneficiary locations and `Last modified` are not imported: they follow from the
  award's history and its recipient.
"""

import json
from decimal import Decimal
from pathlib import Path

import tablib

from partnerships.importing import cell_text, check_import_size, lookup_key, read_dataset, write_dataset

from . import selectors
from .models import Award
from .resources import AwardResource

VERSION = "1.4"

FLAT_COLUMNS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Applied For",
    "Amount Awarded",
    "Award Date",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:Charity Number",
    "Recipient Org:Company Number",
    "Recipient Org:Postal Code",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Code",
    "Grant Programme:Title",
    "Beneficiary Location:Name",
    "Beneficiary Location:Geographic Code",
    "Beneficiary Location:Geographic Code Type",
    "Last modified",
]

# ONS GSS code prefixes of local authorities → the standard's geoCodeType codelist.
GEO_CODE_TYPES = {
    "E06": "UA",
    "E07": "NMD",
    "E08": "MD",
    "E09": "LONB",
    "E10": "CTY",
    "W06": "UA",
    "S12": "CA",
    "N09": "LGD",
}


def published_awards(*, user=None):
    """Committed awards (approved or beyond); scoped to what `user` may see when given."""
    qs = (
        selectors.award_list(user=user, include_archived=True)
        if user is not None
        else Award.objects.select_related("programme__funder", "recipient__local_authority", "project", "partnership")
    )
    return qs.filter(state__in=Award.COMMITTED_STATES).order_by("identifier")


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _register_number(identifier: str, prefix: str) -> str:
    return identifier[len(prefix) :] if identifier.upper().startswith(prefix) else ""


def _award_date(award: Award) -> str:
    return (award.decided_at or award.created_at).date().isoformat()


def grant(award: Award) -> dict:
    """One award as a 360Giving grant object."""
    recipient, funder, programme = award.recipient, award.programme.funder, award.programme
    org = {"id": recipient.identifier, "name": recipient.name}
    for key, prefix in (("charityNumber", "GB-CHC-"), ("companyNumber", "GB-COH-")):
        number = _register_number(recipient.identifier, prefix)
        if number:
            org[key] = number
    if recipient.postcode:
        org["postalCode"] = recipient.postcode
    data = {
        "id": award.identifier,
        "title": award.title,
        "description": award.description or award.title,
        "currency": award.currency,
        "amountAppliedFor": _number(award.amount_requested),
        "amountAwarded": _number(award.amount_awarded if award.amount_awarded is not None else award.amount_requested),
        "awardDate": _award_date(award),
        "recipientOrganization": [org],
        "fundingOrganization": [{"id": funder.identifier, "name": funder.name}],
        "grantProgramme": [{"code": programme.identifier_prefix, "title": programme.name}],
        "dateModified": award.updated_at.isoformat(),
    }
    dates = {}
    if award.planned_start:
        dates["startDate"] = award.planned_start.isoformat()
    if award.planned_end:
        dates["endDate"] = award.planned_end.isoformat()
    if dates:
        data["plannedDates"] = [dates]
    la = recipient.local_authority
    if la is not None:
        location = {"name": la.name, "geoCode": la.gss_code, "countryCode": "GB"}
        if la.gss_code[:3] in GEO_CODE_TYPES:
            location["geoCodeType"] = GEO_CODE_TYPES[la.gss_code[:3]]
        data["beneficiaryLocation"] = [location]
    return data


def package(awards) -> dict:
    return {"grants": [grant(a) for a in awards], "version": VERSION}


def flat_row(award: Award) -> list:
    g = grant(award)
    org, dates = g["recipientOrganization"][0], (g.get("plannedDates") or [{}])[0]
    location = (g.get("beneficiaryLocation") or [{}])[0]
    values = {
        "Identifier": g["id"],
        "Title": g["title"],
        "Description": g["description"],
        "Currency": g["currency"],
        "Amount Applied For": g["amountAppliedFor"],
        "Amount Awarded": g["amountAwarded"],
        "Award Date": g["awardDate"],
        "Planned Dates:Start Date": dates.get("startDate", ""),
        "Planned Dates:End Date": dates.get("endDate", ""),
        "Recipient Org:Identifier": org["id"],
        "Recipient Org:Name": org["name"],
        "Recipient Org:Charity Number": org.get("charityNumber", ""),
        "Recipient Org:Company Number": org.get("companyNumber", ""),
        "Recipient Org:Postal Code": org.get("postalCode", ""),
        "Funding Org:Identifier": g["fundingOrganization"][0]["id"],
        "Funding Org:Name": g["fundingOrganization"][0]["name"],
        "Grant Programme:Code": g["grantProgramme"][0]["code"],
        "Grant Programme:Title": g["grantProgramme"][0]["title"],
        "Beneficiary Location:Name": location.get("name", ""),
        "Beneficiary Location:Geographic Code": location.get("geoCode", ""),
        "Beneficiary Location:Geographic Code Type": location.get("geoCodeType", ""),
        "Last modified": g["dateModified"],
    }
    return [values[c] for c in FLAT_COLUMNS]


def flat_dataset(awards) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=FLAT_COLUMNS, title="grants")
    for award in awards:
        dataset.append(flat_row(award))
    return dataset


def export(path: str | Path, *, user=None) -> int:
    """Write the published awards to `path`: .json (data package), .csv or .xlsx (flat). Returns the count."""
    awards = list(published_awards(user=user))
    if Path(path).suffix.lower() == ".json":
        Path(path).write_text(json.dumps(package(awards), indent=2, ensure_ascii=False), encoding="utf-8")
    else:
        write_dataset(flat_dataset(awards), path)
    return len(awards)


def package_to_flat(data: dict) -> tablib.Dataset:
    """A 360Giving JSON data package read back into the flat columns, so both forms import alike."""
    dataset = tablib.Dataset(headers=FLAT_COLUMNS)
    for g in data.get("grants", []):
        org = (g.get("recipientOrganization") or [{}])[0]
        funder = (g.get("fundingOrganization") or [{}])[0]
        programme = (g.get("grantProgramme") or [{}])[0]
        dates = (g.get("plannedDates") or [{}])[0]
        location = (g.get("beneficiaryLocation") or [{}])[0]
        dataset.append(
            [
                g.get("id", ""),
                g.get("title", ""),
                g.get("description", ""),
                g.get("currency", ""),
                g.get("amountAppliedFor", ""),
                g.get("amountAwarded", ""),
                g.get("awardDate", ""),
                dates.get("startDate", ""),
                dates.get("endDate", ""),
                org.get("id", ""),
                org.get("name", ""),
                org.get("charityNumber", ""),
                org.get("companyNumber", ""),
                org.get("postalCode", ""),
                funder.get("id", ""),
                funder.get("name", ""),
                programme.get("code", ""),
                programme.get("title", ""),
                location.get("name", ""),
                location.get("geoCode", ""),
                location.get("geoCodeType", ""),
                g.get("dateModified", ""),
            ]
        )
    return dataset


# Import ------------------------------------------------------------------------------------------

# our column ← the 360Giving columns it is read from, first filled one wins
FROM_360 = {
    "Identifier": ("Identifier",),
    "Title": ("Title",),
    "Description": ("Description",),
    "Currency": ("Currency",),
    "Amount requested": ("Amount Applied For", "Amount Awarded"),
    "Planned start": ("Planned Dates:Start Date",),
    "Planned end": ("Planned Dates:End Date",),
    "Recipient": ("Recipient Org:Identifier",),
    "Programme": ("Grant Programme:Title", "Grant Programme:Code"),
}
FUNDER = "Funding Org:Identifier"


class Giving360AwardResource(AwardResource):
    """Draft awards from the 360Giving flat form; problems name the 360Giving column."""

    kind = "360Giving grants"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.sources: dict[str, str] = {}
        self._row: dict = {}

    def prepare_dataset(self, dataset):
        headers = list(dataset.headers or [])
        rows = list(dataset.dict)
        self.sources = {}
        names = []
        for ours, theirs in FROM_360.items():
            present = [c for c in theirs if c in headers]
            if present:
                names.append(ours)
                self.sources[ours] = present[0]
        if FUNDER in headers:
            names.append(FUNDER)
        if not names:
            raise ValueError(
                "The file has none of the 360Giving columns (Identifier, Title, Amount Awarded…); "
                "the first row must hold the column names."
            )
        dataset.wipe()
        dataset.headers = names
        for row in rows:
            values = []
            for name in names:
                theirs = FROM_360.get(name, (name,))
                values.append(next((row[c] for c in theirs if c in row and cell_text(row[c])), ""))
            dataset.append(values)

    def column_for(self, attribute):
        if attribute == FUNDER:
            return FUNDER
        name = super().column_for(attribute)
        return self.sources.get(name) or name

    def after_init_instance(self, instance, new, row, **kwargs):
        self._row = row
        super().after_init_instance(instance, new, row, **kwargs)

    def check(self, instance, new, before):
        problems = super().check(instance, new, before)
        funder = cell_text(self._row.get(FUNDER))
        if funder and instance.programme_id:
            actual = instance.programme.funder.identifier
            if lookup_key(actual) != lookup_key(funder):
                problems[FUNDER] = (
                    f"“{funder}” does not fund the programme “{instance.programme}” (its funder is {actual})"
                )
        return problems


def read_360(path: str | Path) -> tablib.Dataset:
    if Path(path).suffix.lower() == ".json":
        name = Path(path).name
        check_import_size(name, Path(path).stat().st_size)
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"“{name}” is not JSON.") from error
        grants = data.get("grants") if isinstance(data, dict) else None
        if not isinstance(grants, list) or not all(isinstance(g, dict) for g in grants):
            raise ValueError(f"“{name}” is not a 360Giving data package: it needs a “grants” list.")
        return package_to_flat(data)
    return read_dataset(path)
