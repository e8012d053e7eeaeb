"""A 360Giving file as it comes — a JSON data package, or the flat CSV/XLSX form with the standard's
column titles — read into the standard's JSON shape, one grant per row, remembering each grant's row.

Flat titles are matched without regard to case or spaces around the colons ("Recipient Org:Identifier",
"recipient org : identifier"); an array's items may be numbered ("Beneficiary Location:0:Name",
"Beneficiary Location:1:Name"). Columns the standard does not define are kept out (additional data).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from partnerships.importing import check_import_size, format_for, parse_dataset

ORGANISATION = {
    "scalars": {
        "identifier": "id",
        "name": "name",
        "department": "department",
        "charity number": "charityNumber",
        "company number": "companyNumber",
        "street address": "streetAddress",
        "city": "addressLocality",
        "county": "addressRegion",
        "country": "addressCountry",
        "postal code": "postalCode",
        "alternate name": "alternateName",
        "description": "description",
        "organisation type": "organisationType",
        "web address": "url",
        "last modified": "dateModified",
    },
    "arrays": {},
}
LOCATION = {
    "scalars": {
        "identifier": "id",
        "name": "name",
        "country code": "countryCode",
        "description": "description",
        "geographic code": "geoCode",
        "geographic code type": "geoCodeType",
        "latitude": "latitude",
        "longitude": "longitude",
    },
    "arrays": {},
}
ORGANISATION["arrays"]["location"] = ("location", LOCATION)
EVENT = {
    "scalars": {
        "title": "title",
        "start date": "startDate",
        "end date": "endDate",
        "duration (months)": "duration",
        "description": "description",
    },
    "arrays": {},
}
CODE = {
    "scalars": {
        "vocabulary": "vocabulary",
        "code": "code",
        "title": "title",
        "description": "description",
        "url": "url",
    },
    "arrays": {},
}
GRANT = {
    "scalars": {
        "identifier": "id",
        "title": "title",
        "description": "description",
        "currency": "currency",
        "amount applied for": "amountAppliedFor",
        "amount awarded": "amountAwarded",
        "amount disbursed": "amountDisbursed",
        "award date": "awardDate",
        "url": "url",
        "last modified": "dateModified",
        "data source": "dataSource",
        "from an open call?": "fromOpenCall",
    },
    "arrays": {
        "planned dates": ("plannedDates", EVENT),
        "actual dates": ("actualDates", EVENT),
        "recipient org": ("recipientOrganization", ORGANISATION),
        "funding org": ("fundingOrganization", ORGANISATION),
        "grant programme": ("grantProgramme", CODE),
        "beneficiary location": ("beneficiaryLocation", LOCATION),
        "classifications": ("classifications", CODE),
    },
}

# The standard's title of each JSON path, for messages about a JSON file or an absent column.
TITLES = {
    "id": "Identifier",
    "title": "Title",
    "description": "Description",
    "currency": "Currency",
    "amountAppliedFor": "Amount Applied For",
    "amountAwarded": "Amount Awarded",
    "awardDate": "Award Date",
    "dataSource": "Data Source",
    "dateModified": "Last modified",
    "plannedDates/startDate": "Planned Dates:Start Date",
    "plannedDates/endDate": "Planned Dates:End Date",
    "plannedDates/duration": "Planned Dates:Duration (months)",
    "actualDates/startDate": "Actual Dates:Start Date",
    "actualDates/endDate": "Actual Dates:End Date",
    "actualDates/duration": "Actual Dates:Duration (months)",
    "recipientOrganization/id": "Recipient Org:Identifier",
    "recipientOrganization/name": "Recipient Org:Name",
    "recipientOrganization/postalCode": "Recipient Org:Postal Code",
    "recipientOrganization/charityNumber": "Recipient Org:Charity Number",
    "recipientOrganization/companyNumber": "Recipient Org:Company Number",
    "fundingOrganization/id": "Funding Org:Identifier",
    "fundingOrganization/name": "Funding Org:Name",
    "grantProgramme/code": "Grant Programme:Code",
    "grantProgramme/title": "Grant Programme:Title",
    "beneficiaryLocation/geoCode": "Beneficiary Location:Geographic Code",
}


@dataclass
class SourceFile:
    """The grants of one file, in the standard's JSON shape, with the row each came from."""

    name: str
    shape: str  # "JSON data package", "CSV", "XLSX"
    grants: list[dict]
    rows: list[int]  # the spreadsheet row (header = row 1), or the grant's place in a JSON package
    headers: list[str] = field(default_factory=list)  # the flat file's own column titles
    raw_rows: list[list] = field(default_factory=list)  # the flat file's rows as they came (for an errors file)
    titles: dict[str, str] = field(default_factory=dict)  # JSON path → the file's own column title

    @property
    def is_json(self) -> bool:
        return self.shape.startswith("JSON")

    @property
    def noun(self) -> str:
        return "grant" if self.is_json else "row"

    def title(self, path: str) -> str:
        return self.titles.get(path) or TITLES.get(path, path)


def _place(target: dict, spec: dict, parts: list[str], value, path: str = "") -> str | None:
    """Put `value` where the title `parts` says; returns its JSON path (without indexes) or None."""
    head = parts[0].casefold()
    if len(parts) == 1 and head in spec["scalars"]:
        key = spec["scalars"][head]
        target[key] = value
        return f"{path}{key}"
    if head in spec["arrays"]:
        key, sub = spec["arrays"][head]
        rest, index = parts[1:], 0
        if rest and rest[0].isdigit():
            index, rest = int(rest[0]), rest[1:]
        if not rest or index > 50:
            return None
        items = target.setdefault(key, [])
        while len(items) <= index:
            items.append({})
        return _place(items[index], sub, rest, value, f"{path}{key}/")
    return None


def _prune(value):
    """Drop empty cells and empty array items, as if the column were absent."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        pruned = [_prune(v) for v in value]
        return [v for v in pruned if v not in (None, "", [], {})]
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float):  # a spreadsheet's number: its shortest exact text, rounded later
        return int(value) if value.is_integer() else Decimal(repr(value))
    return value


def unflatten(headers: list[str], values) -> tuple[dict, dict[str, str]]:
    grant: dict = {}
    titles: dict[str, str] = {}
    for header, value in zip(headers, values, strict=False):
        parts = [p.strip() for p in str(header or "").lstrip("\ufeff").split(":")]
        if not parts[0]:
            continue
        path = _place(grant, GRANT, parts, value)
        if path is not None:
            titles.setdefault(path, str(header).strip())
    return _prune(grant), titles


def read_bytes(data: bytes, name: str) -> SourceFile:
    """A file's bytes as a SourceFile, or ValueError in plain words."""
    check_import_size(name, len(data))
    if Path(name).suffix.lower() == ".json":
        return _read_package(data, name)
    fmt = format_for(name)
    dataset = parse_dataset(data, fmt, name)
    headers = [str(h or "").strip() for h in dataset.headers]
    grants, rows, raw, titles = [], [], [], {}
    for number, values in enumerate(dataset, start=2):
        if not any(str(v).strip() for v in values if v is not None):
            continue  # spreadsheets often carry empty rows
        grant, row_titles = unflatten(headers, values)
        titles.update({k: v for k, v in row_titles.items() if k not in titles})
        grants.append(grant)
        rows.append(number)
        raw.append(list(values))
    if not titles.get("id") and not titles.get("amountAwarded"):
        raise ValueError(
            f"“{name}” has none of the 360Giving column titles (Identifier, Title, Amount Awarded…): "
            "the first row must hold them."
        )
    return SourceFile(name, Path(name).suffix.upper().lstrip("."), grants, rows, headers, raw, titles)


def _read_package(data: bytes, name: str) -> SourceFile:
    try:
        package = json.loads(data.decode("utf-8-sig"), parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError(f"“{name}” is not JSON.") from None
    grants = package.get("grants") if isinstance(package, dict) else None
    if not isinstance(grants, list) or not all(isinstance(g, dict) for g in grants):
        raise ValueError(f"“{name}” is not a 360Giving data package: it needs a “grants” list.")
    return SourceFile(name, "JSON data package", [_prune(g) for g in grants], list(range(1, len(grants) + 1)))


def read_path(path: str | Path) -> SourceFile:
    path = Path(path)
    check_import_size(path.name, path.stat().st_size)
    return read_bytes(path.read_bytes(), path.name)
