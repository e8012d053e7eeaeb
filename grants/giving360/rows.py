"""One grant of a 360Giving file checked against the standard's rules: the values Exchange keeps, or
row problems that name the file's own column titles.

The standard requires an identifier, title, description, currency, amount awarded, award date, a
recipient organisation and a funding organisation; everything else is optional and stays optional here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from partnerships.importing import RowProblem, parse_date

from .reading import SourceFile

PENNY = Decimal("0.01")
LARGEST = Decimal("999999999999.99")  # 14 digits, two after the point (grants.models.MONEY)
ORG_ID = re.compile(r"^([A-Z]{2}-[A-Z0-9]{2,10}-\S.*|360G-\S.*)$", re.S)


@dataclass
class OrgIn:
    identifier: str
    name: str
    charity_number: str = ""
    company_number: str = ""
    postcode: str = ""
    geo_codes: tuple[str, ...] = ()
    organisation_type: str = ""


@dataclass
class GrantIn:
    row: int
    identifier: str = ""
    title: str = ""
    description: str = ""
    currency: str = "GBP"
    amount_awarded: Decimal | None = None
    amount_applied_for: Decimal | None = None
    award_date: dt.date | None = None
    award_time: dt.datetime | None = None
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    planned_duration: Decimal | None = None
    actual_start: dt.date | None = None
    actual_end: dt.date | None = None
    recipient: OrgIn | None = None
    funder: OrgIn | None = None
    programme_code: str = ""
    programme_title: str = ""
    locations: list = field(default_factory=list)
    classifications: list = field(default_factory=list)
    data_source: str = ""
    roundings: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    skip: bool = False  # already in Exchange
    programme_key: tuple | None = None  # (existing programme's pk or None, its name)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    return str(value).strip()


def jsonable(value):
    """Values kept in a JSON field as the file gave them (numbers read exactly become plain numbers)."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _first(grant: dict, key: str) -> dict:
    items = grant.get(key)
    if isinstance(items, list) and items and isinstance(items[0], dict):
        return items[0]
    if isinstance(items, dict):  # some publishers write one object where the standard has a list
        return items
    return {}


class RowReader:
    """Checks grants one at a time; `source.title(path)` names the file's own column in every message."""

    def __init__(self, source: SourceFile, *, today: dt.date):
        self.source = source
        self.today = today
        self.seen: dict[str, int] = {}

    def problem(self, grant: GrantIn, path: str, reason: str) -> None:
        grant.problems.append(RowProblem(grant.row, self.source.title(path), reason))

    def required_text(self, grant: GrantIn, raw: dict, key: str, path: str, what: str, limit: int) -> str:
        value = _text(raw.get(key))
        if not value:
            self.problem(grant, path, f"this column is empty; the 360Giving standard requires {what}")
        elif len(value) > limit:
            self.problem(grant, path, f"this is {len(value):,} characters long; Exchange keeps at most {limit:,}")
        return value

    def money(self, grant: GrantIn, raw, path: str, *, required: bool) -> Decimal | None:
        text = _text(raw).replace(",", "").replace("£", "")
        if not text:
            if required:
                self.problem(grant, path, "this column is empty; the 360Giving standard requires the amount awarded")
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            self.problem(grant, path, f"“{_text(raw)}” is not an amount of money")
            return None
        if not number.is_finite():
            self.problem(grant, path, f"“{_text(raw)}” is not an amount of money")
            return None
        if number < 0:
            self.problem(grant, path, "an amount cannot be negative")
            return None
        rounded = number.quantize(PENNY, rounding=ROUND_HALF_UP)
        if rounded > LARGEST:
            self.problem(grant, path, "this amount is larger than Exchange can hold (£999,999,999,999.99)")
            return None
        if rounded != number:
            grant.roundings.append(f"{self.source.title(path)} {text} → {rounded}")
        return rounded

    def date(self, grant: GrantIn, raw, path: str) -> dt.date | None:
        if raw in (None, ""):
            return None
        try:
            return parse_date(raw)
        except ValueError:
            text = _text(raw)
            kind = "is not a real date" if re.match(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}", text) else "is not a date"
            self.problem(grant, path, f"“{text}” {kind} (write it as 2026-09-01 or 01/09/2026)")
            return None

    def organisation(self, grant: GrantIn, raw: dict, key: str, what: str) -> OrgIn | None:
        identifier = _text(raw.get("id"))
        name = _text(raw.get("name"))
        if not identifier:
            if key == "recipientOrganization" and grant_has_individual(self.current):
                self.problem(
                    grant,
                    f"{key}/id",
                    "this grant is to an individual (Recipient Ind); Exchange records grants to organisations",
                )
            else:
                self.problem(grant, f"{key}/id", f"this column is empty; the 360Giving standard requires {what}")
            return None
        if not ORG_ID.match(identifier) or "\n" in identifier or "\r" in identifier:
            self.problem(
                grant,
                f"{key}/id",
                f"“{identifier}” is not an organisation identifier (an org-id such as GB-CHC-1040756, or 360G-…)",
            )
            return None
        if len(identifier) > 200:
            self.problem(grant, f"{key}/id", "this identifier is longer than the 200 characters Exchange keeps")
            return None
        if not name:
            self.problem(grant, f"{key}/name", "this column is empty; the 360Giving standard requires a name")
            return None
        locations = raw.get("location") if isinstance(raw.get("location"), list) else []
        return OrgIn(
            identifier=identifier,
            name=name[:200],
            charity_number=_text(raw.get("charityNumber"))[:20],
            company_number=_text(raw.get("companyNumber"))[:20],
            postcode=_text(raw.get("postalCode"))[:20],
            geo_codes=tuple(_text(loc.get("geoCode")) for loc in locations if isinstance(loc, dict)),
            organisation_type=_text(raw.get("organisationType")),
        )

    def read(self, raw: dict, row: int) -> GrantIn:
        self.current = raw
        grant = GrantIn(row=row)
        grant.identifier = self.required_text(grant, raw, "id", "id", "an identifier", 100)
        if grant.identifier:
            if "\n" in grant.identifier or "\r" in grant.identifier:
                self.problem(grant, "id", "the identifier has a line break in it")
            elif grant.identifier in self.seen:
                self.problem(grant, "id", "the identifier appears twice in this file")
            else:
                self.seen[grant.identifier] = row
        grant.title = self.required_text(grant, raw, "title", "title", "a title", 400)
        grant.description = self.required_text(grant, raw, "description", "description", "a description", 20000)
        currency = _text(raw.get("currency")).upper()
        if not currency:
            self.problem(grant, "currency", "this column is empty; the 360Giving standard requires a currency (GBP)")
        elif not re.fullmatch(r"[A-Z]{3}", currency):
            self.problem(grant, "currency", f"“{currency}” is not a currency code (GBP, EUR…)")
        grant.currency = currency or "GBP"
        grant.amount_awarded = self.money(grant, raw.get("amountAwarded"), "amountAwarded", required=True)
        grant.amount_applied_for = self.money(grant, raw.get("amountAppliedFor"), "amountAppliedFor", required=False)
        if raw.get("awardDate") in (None, ""):
            self.problem(grant, "awardDate", "this column is empty; the 360Giving standard requires the award date")
        grant.award_date = self.date(grant, raw.get("awardDate"), "awardDate")
        self.dates(grant, raw)
        grant.recipient = self.organisation(
            grant, _first(raw, "recipientOrganization"), "recipientOrganization", "the recipient's identifier"
        )
        grant.funder = self.organisation(
            grant, _first(raw, "fundingOrganization"), "fundingOrganization", "the funder's identifier"
        )
        programme = _first(raw, "grantProgramme")
        grant.programme_code = _text(programme.get("code"))[:100]
        grant.programme_title = _text(programme.get("title"))[:200]
        grant.locations = jsonable([loc for loc in raw.get("beneficiaryLocation") or [] if isinstance(loc, dict)])
        grant.classifications = jsonable([c for c in raw.get("classifications") or [] if isinstance(c, dict)])
        grant.data_source = _text(raw.get("dataSource"))[:500]
        return grant

    def dates(self, grant: GrantIn, raw: dict) -> None:
        planned, actual = _first(raw, "plannedDates"), _first(raw, "actualDates")
        grant.planned_start = self.date(grant, planned.get("startDate"), "plannedDates/startDate")
        grant.planned_end = self.date(grant, planned.get("endDate"), "plannedDates/endDate")
        grant.actual_start = self.date(grant, actual.get("startDate"), "actualDates/startDate")
        grant.actual_end = self.date(grant, actual.get("endDate"), "actualDates/endDate")
        duration = _text(planned.get("duration"))
        if duration:
            try:
                grant.planned_duration = Decimal(duration).quantize(PENNY)
                if grant.planned_duration < 0 or grant.planned_duration > 99999:
                    raise InvalidOperation
            except InvalidOperation:
                grant.planned_duration = None
                self.problem(grant, "plannedDates/duration", f"“{duration}” is not a number of months")
        for kind, start, end in (
            ("planned", grant.planned_start, grant.planned_end),
            ("actual", grant.actual_start, grant.actual_end),
        ):
            if start and end and end < start:
                self.problem(
                    grant,
                    f"{kind}Dates/endDate",
                    f"the {kind} end date ({end:%d/%m/%Y}) is before the {kind} start date ({start:%d/%m/%Y})",
                )


def grant_has_individual(raw: dict) -> bool:
    return bool(raw.get("recipientIndividual"))
