"""The checks 360Giving's Data Quality Tool runs beyond the schema, on a data package's grants: the
accuracy checks (things that are wrong) and the usefulness checks (things that make the data less
useful). Each reports how many grants fail, the percentage and the grants. Critical checks stop
`export_360giving` unless it is forced.

The thresholds are the Data Quality Tool's: planned dates over 12 years ahead, actual dates over 5 years
ahead, any date over 25 years ago; charity numbers of 6 or 7 digits; company numbers of 8 letters or digits.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from partnerships.importing import parse_date

EMAIL = re.compile(r"[\w.-]+@[\w.-]+\.[\w.-]+")
COMPANY = re.compile(r"^\w{8}$")


@cache
def orgid_prefixes() -> frozenset[str]:
    lines = (Path(__file__).with_name("orgid_prefixes.txt")).read_text().splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _orgs(grant: dict, key: str) -> list[dict]:
    items = grant.get(key)
    return [o for o in items if isinstance(o, dict)] if isinstance(items, list) else []


def _date(value) -> dt.date | None | bool:
    """A date, None when absent, False when it is not a real date."""
    if value in (None, ""):
        return None
    try:
        return parse_date(value)
    except ValueError:
        return False


def _events(grant: dict, key: str) -> list[dict]:
    return _orgs(grant, key)


def _years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _prefix_known(identifier: str) -> bool:
    return any(identifier.startswith(p + "-") for p in orgid_prefixes())


def _charity_ok(number: str) -> bool:
    number = number[2:] if number[:2].isalpha() else number
    return number.isdigit() and len(number) in (6, 7)


def _texts(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _texts(v)
    elif isinstance(value, str):
        yield value


@dataclass(frozen=True)
class Check:
    code: str
    kind: str  # "accuracy" or "usefulness"
    heading: str
    critical: bool = False


@dataclass
class CheckResult:
    check: Check
    total: int
    grants: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.grants)

    @property
    def percentage(self) -> Decimal:
        return (Decimal(100 * self.count) / self.total).quantize(Decimal("0.1")) if self.total else Decimal(0)

    def line(self, first: int = 5) -> str:
        shown = ", ".join(self.grants[:first]) + (" …" if self.count > first else "")
        flag = "CRITICAL " if self.check.critical else ""
        return f"{flag}{self.check.kind}: {self.count:,} grants ({self.percentage}%) — {self.check.heading}: {shown}"


class Context:
    def __init__(self, grants: list[dict], today: dt.date):
        self.today = today
        self.funder_names: dict[str, set] = defaultdict(set)
        self.funder_ids: dict[str, set] = defaultdict(set)
        for grant in grants:
            for org in _orgs(grant, "fundingOrganization"):
                ident, name = str(org.get("id", "")).strip(), str(org.get("name", "")).strip()
                self.funder_names[ident].add(name)
                self.funder_ids[name].add(ident)


def _dates(grant: dict):
    yield "awardDate", grant.get("awardDate")
    for key in ("plannedDates", "actualDates"):
        for event in _events(grant, key):
            yield f"{key}/startDate", event.get("startDate")
            yield f"{key}/endDate", event.get("endDate")


def _start_after_end(grant: dict, key: str) -> bool:
    for event in _events(grant, key):
        start, end = _date(event.get("startDate")), _date(event.get("endDate"))
        if start and end and start > end:
            return True
    return False


def _far_future(grant: dict, key: str, years: int, today: dt.date) -> bool:
    limit = _years(today, years)
    return any(
        (d := _date(e.get(part))) and d > limit for e in _events(grant, key) for part in ("startDate", "endDate")
    )


def _identifier_bad_chars(value) -> bool:
    return isinstance(value, str) and bool(re.search(r"[\r\n\t]", value))


def _recipient_numbers(grant: dict):
    for org in _orgs(grant, "recipientOrganization"):
        ident = str(org.get("id", ""))
        yield org, ident


def _bad_charity(grant: dict, ctx) -> bool:
    for org, ident in _recipient_numbers(grant):
        if org.get("charityNumber") not in (None, "") and not _charity_ok(str(org["charityNumber"]).strip()):
            return True
        if ident.startswith("GB-CHC-") and not _charity_ok(ident.removeprefix("GB-CHC-")):
            return True
    return False


def _bad_company(grant: dict, ctx) -> bool:
    for org, ident in _recipient_numbers(grant):
        if org.get("companyNumber") not in (None, "") and not COMPANY.match(str(org["companyNumber"]).strip()):
            return True
        if ident.startswith("GB-COH-") and not COMPANY.match(ident.removeprefix("GB-COH-")):
            return True
    return False


def _official_id_possible(grant: dict, ctx) -> bool:
    return any(
        ident.startswith("360G-") and (org.get("charityNumber") or org.get("companyNumber"))
        for org, ident in _recipient_numbers(grant)
    )


def _no_numbers(grant: dict, ctx) -> bool:
    return any(
        not org.get("charityNumber")
        and not org.get("companyNumber")
        and not ident.startswith(("GB-CHC-", "GB-COH-", "GB-SC-", "GB-NIC-"))
        for org, ident in _recipient_numbers(grant)
    )


def _no_location(grant: dict, ctx) -> bool:
    return any(not org.get("postalCode") and not org.get("location") for org, _ in _recipient_numbers(grant))


def _name_without_code(grant: dict, ctx) -> bool:
    locations = list(_orgs(grant, "beneficiaryLocation"))
    for org, _ in _recipient_numbers(grant):
        locations += _orgs(org, "location")
    return any(loc.get("name") and not loc.get("geoCode") for loc in locations)


def _no_planned(grant: dict, ctx) -> bool:
    events = _events(grant, "plannedDates")
    return not any(e.get("duration") not in (None, "") or (e.get("startDate") and e.get("endDate")) for e in events)


def _several_names(grant: dict, ctx) -> bool:
    return any(len(ctx.funder_names[str(o.get("id", "")).strip()]) > 1 for o in _orgs(grant, "fundingOrganization"))


def _several_ids(grant: dict, ctx) -> bool:
    return any(len(ctx.funder_ids[str(o.get("name", "")).strip()]) > 1 for o in _orgs(grant, "fundingOrganization"))


CHECKS: list[tuple[Check, Callable[[dict, Context], bool]]] = [
    (
        Check("zero_amount", "accuracy", "the amount awarded is £0", critical=True),
        lambda g, c: (
            str(g.get("amountAwarded", "")).strip() not in ("", "None") and Decimal(str(g["amountAwarded"])) == 0
        ),
    ),
    (
        Check("funder_prefix", "accuracy", "the funder's identifier prefix is not on the org-id list"),
        lambda g, c: any(not _prefix_known(str(o.get("id", ""))) for o in _orgs(g, "fundingOrganization")),
    ),
    (
        Check("recipient_prefix", "accuracy", "the recipient's identifier prefix is not on the org-id list"),
        lambda g, c: any(not _prefix_known(i) for _, i in _recipient_numbers(g)),
    ),
    (
        Check("charity_number", "accuracy", "a recipient charity number does not look like a UK charity number"),
        _bad_charity,
    ),
    (
        Check("company_number", "accuracy", "a recipient company number does not look like a UK company number"),
        _bad_company,
    ),
    (
        Check("grant_id_chars", "accuracy", "the grant identifier has a line break or tab in it", critical=True),
        lambda g, c: _identifier_bad_chars(g.get("id")),
    ),
    (
        Check("org_id_chars", "accuracy", "an organisation identifier has a line break or tab in it", critical=True),
        lambda g, c: any(
            _identifier_bad_chars(o.get("id"))
            for k in ("recipientOrganization", "fundingOrganization")
            for o in _orgs(g, k)
        ),
    ),
    (
        Check("several_funders", "accuracy", "the file has more than one funder identifier"),
        lambda g, c: len(c.funder_names) > 1,
    ),
    (
        Check("email", "accuracy", "the grant has an email address in its text", critical=True),
        lambda g, c: any(EMAIL.search(t) for t in _texts(g)),
    ),
    (
        Check("impossible_date", "accuracy", "a date is not a real date", critical=True),
        lambda g, c: any(_date(v) is False for _, v in _dates(g)),
    ),
    (
        Check("planned_start_after_end", "accuracy", "the planned start date is after the planned end date"),
        lambda g, c: _start_after_end(g, "plannedDates"),
    ),
    (
        Check("actual_start_after_end", "accuracy", "the actual start date is after the actual end date"),
        lambda g, c: _start_after_end(g, "actualDates"),
    ),
    (
        Check("planned_far_future", "accuracy", "planned dates are more than 12 years ahead"),
        lambda g, c: _far_future(g, "plannedDates", 12, c.today),
    ),
    (
        Check("actual_far_future", "accuracy", "actual dates are more than 5 years ahead"),
        lambda g, c: _far_future(g, "actualDates", 5, c.today),
    ),
    (
        Check("far_past", "accuracy", "a date is more than 25 years ago"),
        lambda g, c: any((d := _date(v)) and d < _years(c.today, -25) for _, v in _dates(g)),
    ),
    (
        Check("award_date_future", "accuracy", "the award date is in the future", critical=True),
        lambda g, c: bool((d := _date(g.get("awardDate"))) and d > c.today),
    ),
    (
        Check("funder_id_several_names", "accuracy", "one funder identifier is written with several names"),
        _several_names,
    ),
    (Check("funder_name_several_ids", "accuracy", "one funder name has several identifiers"), _several_ids),
    (
        Check(
            "official_id_possible",
            "usefulness",
            "a 360G- recipient identifier where a charity or company number would give an official one",
        ),
        _official_id_possible,
    ),
    (Check("no_register_number", "usefulness", "the recipient has no charity or company number"), _no_numbers),
    (Check("no_recipient_location", "usefulness", "the recipient has no postcode or location"), _no_location),
    (Check("no_programme", "usefulness", "no grant programme"), lambda g, c: not _orgs(g, "grantProgramme")),
    (
        Check("no_beneficiary_location", "usefulness", "no beneficiary location"),
        lambda g, c: not _orgs(g, "beneficiaryLocation"),
    ),
    (
        Check("title_is_description", "usefulness", "the title and the description are the same"),
        lambda g, c: str(g.get("title", "")).strip() == str(g.get("description", "")).strip(),
    ),
    (
        Check("long_title", "usefulness", "the title is over 140 characters"),
        lambda g, c: len(str(g.get("title", ""))) > 140,
    ),
    (Check("no_last_modified", "usefulness", "no last-modified date"), lambda g, c: not g.get("dateModified")),
    (Check("no_data_source", "usefulness", "no data source"), lambda g, c: not g.get("dataSource")),
    (Check("no_planned_dates", "usefulness", "no planned duration, nor planned start and end dates"), _no_planned),
    (Check("location_without_code", "usefulness", "a location has a name but no geographic code"), _name_without_code),
]


def run_checks(grants: list[dict], *, today: dt.date | None = None) -> list[CheckResult]:
    """Every check over `grants` (360Giving JSON objects), in the Data Quality Tool's order."""
    from django.utils import timezone

    ctx = Context(grants, today or timezone.localdate())
    results = [CheckResult(check, len(grants)) for check, _ in CHECKS]
    tests = [test for _, test in CHECKS]
    for number, grant in enumerate(grants, start=1):
        label = str(grant.get("id") or f"grant {number}")
        for result, test in zip(results, tests, strict=True):
            try:
                failed = test(grant, ctx)
            except (ArithmeticError, TypeError, ValueError, AttributeError):
                failed = False  # a value of the wrong type is the schema's concern, not this check's
            if failed:
                result.grants.append(label)
    return results


def failed(results: list[CheckResult]) -> list[CheckResult]:
    return [r for r in results if r.count]


def critical(results: list[CheckResult]) -> list[CheckResult]:
    return [r for r in results if r.count and r.check.critical]
