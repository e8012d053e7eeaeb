"""Publishing in the 360Giving Data Standard (1.4): awards out as a data package (JSON) or in the
standard's flat spreadsheet columns (CSV/XLSX).

Only awards that are approved or beyond (committed money) are published. What a funder's file brought
in goes back out as it came: award date, planned and actual dates with the duration, beneficiary
locations as given, classifications, data source, the recipient's charity and company numbers. Awards
made in Exchange fill the same fields from their own history (decision date, the recipient's local
authority as the beneficiary location).
"""

import json
from decimal import Decimal
from pathlib import Path

import tablib
from django.db.models import Prefetch

from partnerships.importing import write_dataset

from .. import selectors
from ..models import Award, AwardShare
from ..money.cofunding.selectors import with_visible_shares

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
    "Planned Dates:Duration (months)",
    "Actual Dates:Start Date",
    "Actual Dates:End Date",
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
    "Beneficiary Location:Country Code",
    "Classifications:Vocabulary",
    "Classifications:Code",
    "Classifications:Title",
    "Data Source",
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
        else Award.objects.select_related("programme__funder", "project", "partnership")
    )
    # Each grant's beneficiary location is its recipient's local authority.
    qs = qs.select_related("recipient__local_authority")
    qs = qs.filter(state__in=Award.COMMITTED_STATES).order_by("identifier")
    if user is not None:
        return with_visible_shares(qs, user=user)
    every = AwardShare.objects.select_related("programme__funder").order_by("programme__name")
    return qs.prefetch_related(Prefetch("shares", queryset=every, to_attr="visible_shares"))


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _award_date(award: Award) -> str:
    if award.award_date:
        return award.award_date.isoformat()
    return (award.decided_at or award.created_at).date().isoformat()


def programme_code(programme) -> str:
    """A distinct Grant Programme:Code per programme: the funder's own code, else one made from its id."""
    return programme.code or f"{programme.identifier_prefix}-P{programme.pk}"


def recipient_organisation(recipient) -> dict:
    org = {"id": recipient.identifier, "name": recipient.name}
    charity, company = recipient.charity_number, recipient.company_number
    if not charity and recipient.identifier.startswith("GB-CHC-"):
        charity = recipient.identifier.removeprefix("GB-CHC-")
    if not company and recipient.identifier.startswith("GB-COH-"):
        company = recipient.identifier.removeprefix("GB-COH-")
    if charity:
        org["charityNumber"] = charity
    if company:
        org["companyNumber"] = company
    if recipient.postcode:
        org["postalCode"] = recipient.postcode
    org["organisationType"] = recipient.get_kind_display()
    return org


def _dates(start, end, duration=None) -> list[dict]:
    dates = {}
    if start:
        dates["startDate"] = start.isoformat()
    if end:
        dates["endDate"] = end.isoformat()
    if duration is not None:
        dates["duration"] = _number(duration)
    return [dates] if dates else []


def _locations(award: Award) -> list[dict]:
    if award.beneficiary_locations:
        return award.beneficiary_locations
    la = award.recipient.local_authority
    if la is None:
        return []
    location = {"name": la.name, "geoCode": la.gss_code, "countryCode": "GB"}
    if la.gss_code[:3] in GEO_CODE_TYPES:
        location["geoCodeType"] = GEO_CODE_TYPES[la.gss_code[:3]]
    return [location]


def _programmes(award: Award) -> list:
    """The award's own programme, then those co-funding it (grants/money/cofunding/) as the reader sees them."""
    co = [s.programme for s in getattr(award, "visible_shares", []) if s.programme_id != award.programme_id]
    return [award.programme, *co]


def _funders(award: Award) -> list[dict]:
    """360Giving's Funding Org is a list: the award's own funder first, then each co-funder once."""
    funders: dict[int, dict] = {}
    for programme in _programmes(award):
        funders.setdefault(programme.funder_id, {"id": programme.funder.identifier, "name": programme.funder.name})
    return list(funders.values())


def grant(award: Award) -> dict:
    """One award as a 360Giving grant object."""
    data = {
        "id": award.identifier,
        "title": award.title,
        "description": award.description or award.title,
        "currency": award.currency,
        "amountAppliedFor": _number(award.amount_requested),
        "amountAwarded": _number(award.amount_awarded if award.amount_awarded is not None else award.amount_requested),
        "awardDate": _award_date(award),
        "recipientOrganization": [recipient_organisation(award.recipient)],
        "fundingOrganization": _funders(award),
        "grantProgramme": [{"code": programme_code(p), "title": p.name} for p in _programmes(award)],
        "dateModified": award.updated_at.isoformat(),
    }
    for key, dates in (
        ("plannedDates", _dates(award.planned_start, award.planned_end, award.planned_duration)),
        ("actualDates", _dates(award.actual_start, award.actual_end)),
    ):
        if dates:
            data[key] = dates
    for key, value in (("beneficiaryLocation", _locations(award)), ("classifications", award.classifications)):
        if value:
            data[key] = value
    if award.data_source:
        data["dataSource"] = award.data_source
    return data


def package(awards) -> dict:
    return {"grants": [grant(a) for a in awards], "version": VERSION}


def flat_row(award: Award) -> list:
    g = grant(award)
    org = g["recipientOrganization"][0]
    planned, actual = (g.get("plannedDates") or [{}])[0], (g.get("actualDates") or [{}])[0]
    location = (g.get("beneficiaryLocation") or [{}])[0]
    classification = (g.get("classifications") or [{}])[0]
    values = {
        "Identifier": g["id"],
        "Title": g["title"],
        "Description": g["description"],
        "Currency": g["currency"],
        "Amount Applied For": g["amountAppliedFor"],
        "Amount Awarded": g["amountAwarded"],
        "Award Date": g["awardDate"],
        "Planned Dates:Start Date": planned.get("startDate", ""),
        "Planned Dates:End Date": planned.get("endDate", ""),
        "Planned Dates:Duration (months)": planned.get("duration", ""),
        "Actual Dates:Start Date": actual.get("startDate", ""),
        "Actual Dates:End Date": actual.get("endDate", ""),
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
        "Beneficiary Location:Country Code": location.get("countryCode", ""),
        "Classifications:Vocabulary": classification.get("vocabulary", ""),
        "Classifications:Code": classification.get("code", ""),
        "Classifications:Title": classification.get("title", ""),
        "Data Source": g.get("dataSource", ""),
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
