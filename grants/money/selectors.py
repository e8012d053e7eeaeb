"""Reads of budget lines, spend, variations, payment runs and money by year, scoped to what a person may see."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth

from accounts import roles
from partnerships.selectors import scoped

from ..models import Award, Payment
from ..selectors import MONEY_FIELD, award_list, award_scope, programme_list
from .cofunding.models import AwardShare
from .cofunding.selectors import co_funded, paid_split
from .models import ZERO, BudgetCategory, BudgetLine, MatchFunding, PaymentRun, SpendLine, Variation
from .years import KINDS, year_label, year_of

PENNY = Decimal("0.01")


def _pennies(value) -> Decimal:
    """A database sum as pounds and pence (SQLite hands decimal sums back with trailing digits)."""
    return Decimal(value or 0).quantize(PENNY)


# Lists ---------------------------------------------------------------------------------------


def variation_list(*, user) -> QuerySet:
    return scoped(
        Variation.objects.select_related("award__programme", "award__recipient", "requested_by", "decided_by"),
        award_scope(user, "award__"),
    )


def budget_line_list(*, user) -> QuerySet:
    return scoped(
        BudgetLine.objects.select_related("award__programme", "category"),
        award_scope(user, "award__"),
    )


def budget_category_list(*, user) -> QuerySet:
    return BudgetCategory.objects.select_related("programme").filter(
        programme__in=programme_list(user=user).values("pk")
    )


def payment_run_list(*, user) -> QuerySet:
    """Runs of the organisations whose programmes the person manages (administrators: every run)."""
    r = roles.of(user)
    qs = PaymentRun.objects.select_related("managed_by", "created_by")
    return qs if r.is_admin else qs.filter(managed_by_id__in=r.manager_orgs)


def match_funding_list(*, user) -> QuerySet:
    return scoped(MatchFunding.objects.select_related("award"), award_scope(user, "award__"))


def match_funding_totals(*, awards: QuerySet) -> dict[str, Decimal]:
    """Match funding over `awards` (already scoped): cash, in kind, from the applicants, from others, total."""
    rows = MatchFunding.objects.filter(award__in=awards.values("pk")).order_by().values("kind", "provider")
    totals = {"cash": ZERO, "in_kind": ZERO, "recipient": ZERO, "other": ZERO, "total": ZERO}
    for r in rows.annotate(total=Sum("amount")):
        amount = _pennies(r["total"])
        totals[r["kind"]] += amount
        totals[r["provider"]] += amount
        totals["total"] += amount
    return totals


# Budget against actual ------------------------------------------------------------------------

NOT_BY_LINE = "Not budgeted by line"
NOT_REPORTED_BY_LINE = "Spend not reported by line"


@dataclass
class BudgetRow:
    name: str
    finance_code: str = ""
    approved: Decimal = ZERO
    actual: Decimal = ZERO

    @property
    def variance(self) -> Decimal:
        """What is left on the line (negative: overspent)."""
        return self.approved - self.actual

    @property
    def overspent(self) -> Decimal:
        return max(self.actual - self.approved, ZERO)

    @property
    def spent_percent(self) -> Decimal | None:
        if not self.approved:
            return None
        return (self.actual * 100 / self.approved).quantize(Decimal("0.1"))


@dataclass
class BudgetReport:
    rows: list[BudgetRow] = field(default_factory=list)
    awards: int = 0
    match: dict[str, Decimal] = field(default_factory=dict)  # match funding: cash, in_kind, recipient, other, total

    @property
    def approved(self) -> Decimal:
        return sum((r.approved for r in self.rows), ZERO)

    @property
    def actual(self) -> Decimal:
        return sum((r.actual for r in self.rows), ZERO)

    @property
    def variance(self) -> Decimal:
        return self.approved - self.actual


def _updates():
    return apps.get_model("reporting", "ProgressUpdate").objects


def latest_accepted_updates(awards: QuerySet) -> QuerySet:
    """Each award's latest accepted progress update (its spend to date is the award's actual spend)."""
    latest = _updates().filter(award=OuterRef("pk"), state="accepted").order_by("-period_end", "-id").values("pk")[:1]
    ids = awards.order_by().annotate(latest=Subquery(latest)).filter(latest__isnull=False).values("latest")
    return _updates().filter(pk__in=ids)


MATCH_SPLITS = {
    "cash": {"kind": "cash"},
    "in_kind": {"kind": "in_kind"},
    "recipient": {"provider": "recipient"},
    "other": {"provider": "other"},
}


def _match(**lookup):
    """An award's match funding of one kind (or from one provider), as a subquery of the award row."""
    rows = MatchFunding.objects.filter(award=OuterRef("pk"), **lookup).order_by().values("award")
    return Subquery(rows.annotate(total=Sum("amount")).values("total"), output_field=MONEY_FIELD)


def budget_against_actual(*, awards: QuerySet, reported: Decimal | None = None) -> BudgetReport:
    """Approved budget and reported spend by budget line over `awards` (already scoped), in four queries
    (three when the caller already knows `reported`, the spend to date of the awards' latest accepted
    updates).

    Lines of different programmes with the same name and finance code are one row. Awards without budget
    lines count on "Not budgeted by line" (their amount awarded), and spend an update did not give by line
    on "Spend not reported by line", so the totals are the amount awarded and the spend reported."""
    committed = awards.filter(state__in=Award.COMMITTED_STATES)
    rows: dict[tuple[str, str], BudgetRow] = {}

    def row(name: str, code: str = "") -> BudgetRow:
        return rows.setdefault((name, code), BudgetRow(name=name, finance_code=code))

    has_lines = Exists(BudgetLine.objects.filter(award=OuterRef("pk")))
    head = (
        committed.order_by()
        .annotate(has_lines=has_lines, **{f"match_{key}": _match(**lookup) for key, lookup in MATCH_SPLITS.items()})
        .aggregate(
            n=Count("pk"),
            unlined=Sum("amount_awarded", filter=Q(has_lines=False)),
            **{f"total_{key}": Sum(f"match_{key}") for key in MATCH_SPLITS},
        )
    )
    for r in (
        BudgetLine.objects.filter(award__in=committed.values("pk"))
        .order_by()
        .values("category__name", "category__finance_code")
        .annotate(total=Sum("approved"))
    ):
        row(r["category__name"], r["category__finance_code"]).approved += _pennies(r["total"])
    if head["unlined"]:
        row(NOT_BY_LINE).approved += _pennies(head["unlined"])
    updates = latest_accepted_updates(committed)
    by_line = ZERO
    for r in (
        SpendLine.objects.filter(update__in=updates.values("pk"))
        .order_by()
        .values("category__name", "category__finance_code")
        .annotate(total=Sum("amount"))
    ):
        row(r["category__name"], r["category__finance_code"]).actual += _pennies(r["total"])
        by_line += _pennies(r["total"])
    if reported is None:
        reported = _pennies(updates.aggregate(total=Sum("spend_to_date"))["total"])
    if reported != by_line:
        row(NOT_REPORTED_BY_LINE).actual += reported - by_line
    ordered = sorted(rows.values(), key=lambda r: (r.name in (NOT_BY_LINE, NOT_REPORTED_BY_LINE), r.name))
    match = {key: _pennies(head[f"total_{key}"]) for key in MATCH_SPLITS}
    match["total"] = match["cash"] + match["in_kind"]
    return BudgetReport(rows=ordered, awards=head["n"], match=match)


SUBJECTS = ("award", "project", "partnership", "programme", "funder")


def awards_for(*, user, kind: str, pk: int) -> QuerySet:
    """The awards a budget-against-actual report covers, within what the person may see. A programme's and
    a funder's are those it leads and those it co-funds, as a funder's portfolio report counts them; each
    counts whole (budget lines and spend belong to the award, not to a share)."""
    qs = award_list(user=user, include_archived=True)
    lookups = {
        "award": Q(pk=pk),
        "project": Q(project_id=pk),
        # An award is in a partnership by its own link or by its programme's, as the reports count it.
        "partnership": Q(partnership_id=pk) | Q(programme__partnership_id=pk),
        "programme": Q(programme_id=pk) | co_funded(programme_id=pk),
        "funder": Q(programme__funder_id=pk) | co_funded(programme__funder_id=pk),
    }
    return qs.filter(lookups[kind])


@dataclass
class AwardBudget:
    """One award's budget by line and year: requested, approved, spent (by line), variance."""

    years: list[int]
    rows: list[dict[str, Any]]
    requested: Decimal
    approved: Decimal | None
    actual: Decimal
    tolerance: Decimal

    @property
    def variance(self) -> Decimal:
        return (self.approved or ZERO) - self.actual


def award_budget(award: Award) -> AwardBudget | None:
    """The award's budget table (None when it has no budget lines), in three queries."""
    lines = list(award.budget_lines.select_related("category"))
    if not lines:
        return None
    years = sorted({line.year for line in lines})
    by_category: dict[int, dict[str, Any]] = {}
    for line in lines:
        entry = by_category.setdefault(
            line.category_id,
            {"category": line.category, "years": {}, "requested": ZERO, "approved": None, "actual": ZERO},
        )
        entry["years"][line.year] = line
        entry["requested"] += line.requested
        if line.approved is not None:
            entry["approved"] = (entry["approved"] or ZERO) + line.approved
    update = latest_accepted_updates(Award.objects.filter(pk=award.pk)).first()
    if update is not None:
        for spend in SpendLine.objects.filter(update=update):
            entry = by_category.setdefault(
                spend.category_id,
                {"category": spend.category, "years": {}, "requested": ZERO, "approved": None, "actual": ZERO},
            )
            entry["actual"] += spend.amount
    tolerance = award.programme.tolerance
    rows = sorted(by_category.values(), key=lambda e: (e["category"].position, e["category"].name))
    for entry in rows:
        entry["cells"] = [entry["years"].get(y) for y in years]
        approved = entry["approved"] or ZERO
        entry["variance"] = approved - entry["actual"]
        entry["over_tolerance"] = entry["actual"] > approved * (1 + tolerance / 100)
    approved_total = sum((e["approved"] for e in rows if e["approved"] is not None), ZERO)
    return AwardBudget(
        years=years,
        rows=rows,
        requested=sum((e["requested"] for e in rows), ZERO),
        approved=approved_total if any(e["approved"] is not None for e in rows) else None,
        actual=update.spend_to_date if update is not None else ZERO,
        tolerance=tolerance,
    )


# Money by financial or school year ------------------------------------------------------------


@dataclass
class YearRow:
    year: int
    label: str
    paid: Decimal = ZERO
    forecast: Decimal = ZERO  # scheduled or approved, not yet paid

    @property
    def total(self) -> Decimal:
        return self.paid + self.forecast


@dataclass
class YearTable:
    name: str
    years: list[YearRow]
    committed: Decimal
    unscheduled: Decimal  # committed but in no payment yet

    @property
    def scheduled(self) -> Decimal:
        return sum((y.total for y in self.years), ZERO)


def money_by_year(*, user, kind: str = "financial", by: str = "programme") -> list[YearTable]:
    """Payments by the year their due date falls in (April–March or September–August), paid and forecast,
    with each programme's (or funder's) commitments not yet in a payment — in five queries. A co-funded
    award counts on each programme (and so each funder) by its share, to the penny."""
    if kind not in KINDS:
        raise ValueError(kind)
    programmes = list(programme_list(user=user))
    visible = award_list(user=user, include_archived=True).filter(state__in=Award.COMMITTED_STATES)
    key_of = (lambda p: p.funder_id) if by == "funder" else (lambda p: p.pk)
    name_of = {key_of(p): (p.funder.name if by == "funder" else p.name) for p in programmes}
    group = {p.pk: key_of(p) for p in programmes}
    splits: dict[int, dict[int, Decimal]] = defaultdict(dict)  # award id → {programme id: share}
    for award_id, programme_id, amount in AwardShare.objects.filter(award__in=visible.values("pk")).values_list(
        "award_id", "programme_id", "amount"
    ):
        splits[award_id][programme_id] = amount
    # Whole awards summed by programme in the database; the few co-funded ones by their shares.
    committed: dict[int, Decimal] = defaultdict(lambda: ZERO)
    whole = visible.exclude(shares__isnull=False)
    for programme_id, total in whole.order_by().values_list("programme_id").annotate(total=Sum("amount_awarded")):
        if programme_id in group:
            committed[group[programme_id]] += _pennies(total)
    for split in splits.values():
        for programme_id, amount in split.items():
            if programme_id in group:
                committed[group[programme_id]] += amount
    cells: dict[int, dict[int, YearRow]] = defaultdict(dict)
    live = Payment.objects.exclude(state=Payment.State.CANCELLED).annotate(month=TruncMonth("due_on")).order_by()
    payments = [
        {**r, "award_id": None}
        for r in live.filter(award__in=whole.values("pk"))
        .values("award__programme_id", "month", "state")
        .annotate(total=Sum("amount"))
    ] + list(live.filter(award_id__in=list(splits)).values("award_id", "month", "state").annotate(total=Sum("amount")))
    for r in payments:
        shared = splits.get(r["award_id"])
        parts = paid_split(_pennies(r["total"]), shared) if shared else {r["award__programme_id"]: _pennies(r["total"])}
        month = r["month"]
        start = year_of(month if isinstance(month, date) else month.date(), kind)
        for programme_id, amount in parts.items():
            key = group.get(programme_id)
            if key is None:
                continue
            cell = cells[key].setdefault(start, YearRow(year=start, label=year_label(start)))
            if r["state"] == Payment.State.PAID:
                cell.paid += amount
            else:
                cell.forecast += amount
    tables = []
    for key in sorted(name_of, key=lambda k: name_of[k]):
        years = [cells[key][y] for y in sorted(cells[key])]
        scheduled = sum((y.total for y in years), ZERO)
        tables.append(
            YearTable(name=name_of[key], years=years, committed=committed[key], unscheduled=committed[key] - scheduled)
        )
    return tables
