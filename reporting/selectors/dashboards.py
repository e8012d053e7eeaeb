"""The reads behind the dashboards and the reach page: each built on the scoped selectors, each a fixed
number of queries however much data there is (aggregates, not loops)."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce

from grants import due as payment_due
from grants.models import ZERO, Award, Payment
from grants.selectors import (
    award_list,
    award_stage_figures,
    award_tally_scope,
    payment_list,
    programme_list,
    programme_money_list,
    shared_only,
)
from partnerships.models import Project, Region
from partnerships.selectors import (
    local_authority_list,
    project_list,
    project_partner_list,
    project_tally_scope,
    scoped,
)

from ..models import ProgressUpdate, ProjectTally, ReachTally
from .tallied import payments_due_figures
from .updates import update_list

PROJECT_NOT_LIVE = (Project.State.DRAFT, Project.State.REJECTED, Project.State.WITHDRAWN)

# Charts -----------------------------------------------------------------------------------------

BAR_AREA = 360  # pixels of the SVG given to the longest bar
ROW = 34


@dataclass
class Bar:
    value: Decimal
    colour: str
    name: str
    width: int = 0
    y: int = 4
    height: int = 24


@dataclass
class ChartRow:
    label: str
    display: str
    bars: list[Bar]
    y: int = 0
    url: str = ""


@dataclass
class Chart:
    """A horizontal bar chart drawn as inline SVG (no JavaScript); the figures are also in a table."""

    id: str
    title: str
    description: str
    rows: list[ChartRow]
    legend: list[tuple[str, str]] = field(default_factory=list)
    label_width: int = 230
    bar_area: int = BAR_AREA
    height: int = 0

    @property
    def view_width(self) -> int:
        return self.label_width + self.bar_area + 170

    @property
    def value_x(self) -> int:
        return self.label_width + 6

    def __post_init__(self):
        top = max((b.value for r in self.rows for b in r.bars), default=0) or 1
        for i, row in enumerate(self.rows):
            row.y = i * ROW
            for depth, bar in enumerate(row.bars):
                bar.width = int(Decimal(bar.value) * self.bar_area / Decimal(top)) if bar.value else 0
                # Layered bars (budget, committed, paid) nest inside one another, each thinner.
                bar.y, bar.height = 4 + 4 * depth, 24 - 8 * depth
        self.height = max(len(self.rows) * ROW, ROW)


def _gbp(value) -> str:
    return f"£{Decimal(value or 0):,.0f}"


def stage_chart(chart_id: str, title: str, rows: list[dict]) -> Chart:
    return Chart(
        id=chart_id,
        title=title,
        description=", ".join(f"{r['label']}: {r['count']}" for r in rows) or "Nothing yet.",
        rows=[ChartRow(r["label"], str(r["count"]), [Bar(Decimal(r["count"]), "#1d70b8", "count")]) for r in rows],
        label_width=150,
        bar_area=150,
    )


def money_chart(chart_id: str, title: str, programmes) -> Chart:
    rows = [
        ChartRow(
            p.name,
            f"{_gbp(p.committed)} of {_gbp(p.budget)}",
            [
                Bar(p.budget, "#b1b4b6", "budget"),
                Bar(p.committed, "#1d70b8", "committed"),
                Bar(p.paid, "#00703c", "paid"),
            ],
        )
        for p in programmes
    ]
    return Chart(
        id=chart_id,
        title=title,
        description="; ".join(
            f"{p.name}: {_gbp(p.committed)} committed and {_gbp(p.paid)} paid of a {_gbp(p.budget)} budget"
            for p in programmes
        )
        or "No programmes.",
        rows=rows,
        legend=[("#b1b4b6", "Budget"), ("#1d70b8", "Committed"), ("#00703c", "Paid")],
    )


# Pipeline -------------------------------------------------------------------------------------


def _by_state(model, counts: dict, amounts: dict | None = None) -> list[dict]:
    rows = []
    for value, label in model.State.choices:
        if counts.get(value):
            row = {"state": value, "label": label, "count": counts[value]}
            if amounts is not None:
                row["amount"] = amounts.get(value) or ZERO
            rows.append(row)
    return rows


def project_pipeline(*, user) -> list[dict]:
    """Projects by stage: from the project tallies when the person's scope is by partnership, else counted."""
    scope = project_tally_scope(user)
    if scope is not False:
        rows = scoped(ProjectTally.objects.filter(archived=False), scope).order_by().values_list("state")
        return _by_state(Project, dict(rows.annotate(n=Sum("projects"))))
    counts = dict(project_list(user=user).order_by().values_list("state").annotate(n=Count("pk")))
    return _by_state(Project, counts)


def award_pipeline(*, user) -> list[dict]:
    """Awards by stage with their money (awarded where any is, else requested): read from the stage
    tallies when the person's scope is by programme, else counted."""
    figures = award_stage_figures(user=user)
    if figures is not None:
        counts = {state: f["n"] for state, f in figures.items()}
        amounts = {state: f["awarded"] if f["awarded_n"] else f["requested"] for state, f in figures.items()}
        return _by_state(Award, counts, amounts)
    rows = (
        award_list(user=user)
        .order_by()
        .values("state")
        .annotate(n=Count("pk"), money=Coalesce(Sum("amount_awarded"), Sum("amount_requested"), Value(ZERO)))
    )
    counts = {r["state"]: r["n"] for r in rows}
    amounts = {r["state"]: r["money"] for r in rows}
    return _by_state(Award, counts, amounts)


# Money due and updates ------------------------------------------------------------------------


def payments_due(*, user, today: dt.date, days: int = 30, limit: int = 10) -> dict:
    """Payments overdue and due in the next `days` (grants.due's rule), with the first `limit` of them: the
    figures from the payment tallies when the person's scope is by programme, else counted."""
    unpaid = payment_list(user=user).filter(state__in=payment_due.UNPAID)
    figures = payments_due_figures(user=user, today=today, days=days) or payment_due.figures(unpaid, today, days)
    figures["days"] = days
    horizon = today + dt.timedelta(days=days)
    figures["payments"] = list(unpaid.filter(due_on__lte=horizon).order_by("due_on", "pk")[:limit])
    return figures


# Funder portfolio -----------------------------------------------------------------------------


def portfolio(*, user) -> dict:
    """Awarded, paid, count and in-pipeline figures: from the stage tallies and the programmes' running
    totals when the person's scope is by programme (a funder's), else counted."""
    figures = award_stage_figures(user=user)
    if figures is not None:
        committed = [figures[s] for s in Award.COMMITTED_STATES if s in figures]
        in_pipeline = (Award.State.SUBMITTED, Award.State.IN_ASSESSMENT)
        paid = programme_list(user=user).aggregate(total=Coalesce(Sum("paid_amount"), Value(ZERO)))["total"]
        return {
            "awarded": sum((f["awarded"] for f in committed), ZERO),
            "count": sum(f["n"] for f in committed),
            "paid": paid,
            "in_pipeline": sum(figures[s]["n"] for s in in_pipeline if s in figures),
        }
    awards = award_list(user=user)
    counted = awards.filter(state__in=Award.COMMITTED_STATES).aggregate(
        awarded=Coalesce(Sum("amount_awarded"), Value(ZERO)), count=Count("pk")
    )
    counted["paid"] = (
        payment_list(user=user)
        .filter(state=Payment.State.PAID)
        .aggregate(total=Coalesce(Sum("amount"), Value(ZERO)))["total"]
    )
    counted["in_pipeline"] = awards.filter(state__in=(Award.State.SUBMITTED, Award.State.IN_ASSESSMENT)).count()
    return counted


def award_progress(*, user, limit: int = 50) -> list:
    """The latest committed awards with money paid and updates accepted, for the funder's table: the
    page of awards (newest first, along the award_newest_first index: sorting a whole portfolio by
    programme name took seconds at 1,000,000 awards), then the two figures for just those awards
    (three queries, however large the portfolio)."""
    awards = list(award_list(user=user).filter(state__in=Award.COMMITTED_STATES).order_by("-created_at", "-id")[:limit])
    ids = [a.pk for a in awards]
    paid = dict(
        payment_list(user=user)
        .filter(award_id__in=ids, state=Payment.State.PAID)
        .order_by()
        .values_list("award_id")
        .annotate(total=Sum("amount"))
    )
    accepted = dict(
        update_list(user=user)
        .filter(award_id__in=ids, state=ProgressUpdate.State.ACCEPTED)
        .order_by()
        .values_list("award_id")
        .annotate(n=Count("pk"))
    )
    for award in awards:
        award.paid = paid.get(award.pk, ZERO)
        award.updates_accepted = accepted.get(award.pk, 0)
    return awards


def programme_money(*, user) -> list:
    return list(programme_money_list(user=user))


# Reach ----------------------------------------------------------------------------------------


@dataclass
class ReachRow:
    name: str
    code: str = ""
    projects: int = 0
    organisations: int = 0
    settings: int = 0
    children: int = 0
    awards: int = 0
    awarded: Decimal = ZERO

    def add(self, other: "ReachRow"):
        for name in ("projects", "organisations", "settings", "children", "awards", "awarded"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def reach_regions() -> list:
    return list(Region.objects.order_by("name"))


def _reach_projects(user, la_ids: list[int]) -> dict[int, dict]:
    """{local authority id: {"n", "settings", "children"}}: live projects led from there. From the project
    tallies when the person's scope is by partnership, else counted from the projects."""
    scope = project_tally_scope(user)
    if scope is not False:
        rows = (
            scoped(ProjectTally.objects.filter(archived=False), scope)
            .exclude(state__in=PROJECT_NOT_LIVE)
            .filter(local_authority_id__in=la_ids)
            .order_by()
            .values("local_authority_id")
            .annotate(n=Sum("projects"), settings=Sum("settings"), children=Sum("children"))
        )
        return {r["local_authority_id"]: r for r in rows}
    rows = (
        project_list(user=user)
        .exclude(state__in=PROJECT_NOT_LIVE)
        .filter(lead_organisation__local_authority__in=la_ids)
        .order_by()
        .values("lead_organisation__local_authority")
        .annotate(n=Count("pk"), settings=Sum("settings_reached"), children=Sum("children_reached"))
    )
    return {r["lead_organisation__local_authority"]: r for r in rows}


def _reach_awards(user, la_ids: list[int]) -> dict[int, dict]:
    """{local authority id: {"n", "amount"}}: committed awards to recipients there. From the reach tallies
    (a few rows per authority) when the person's scope is by programme, with the awards they see only
    through a share (`shared_only`, each once) counted beside them; else counted from the awards."""
    scope = award_tally_scope(user)
    if scope is not False:
        rows = (
            scoped(ReachTally.objects.filter(archived=False), scope)
            .filter(state__in=Award.COMMITTED_STATES, local_authority_id__in=la_ids)
            .order_by()
            .values("local_authority_id")
            .annotate(n=Sum("awards"), amount=Sum("awarded"))
        )
        found = {r["local_authority_id"]: r for r in rows}
        shared = shared_only(user)  # a tally counts an award under its own programme only: add those co-funded
        if shared is not None:
            extra = (
                shared.filter(state__in=Award.COMMITTED_STATES, recipient__local_authority__in=la_ids)
                .order_by()
                .values("recipient__local_authority")
                .annotate(n=Count("pk"), amount=Coalesce(Sum("amount_awarded"), Value(ZERO)))
            )
            for r in extra:
                row = found.setdefault(r["recipient__local_authority"], {"n": 0, "amount": ZERO})
                row["n"] += r["n"]
                row["amount"] = (row["amount"] or ZERO) + r["amount"]
        return found
    rows = (
        award_list(user=user)
        .filter(state__in=Award.COMMITTED_STATES, recipient__local_authority__in=la_ids)
        .order_by()
        .values("recipient__local_authority")
        .annotate(n=Count("pk"), amount=Coalesce(Sum("amount_awarded"), Value(ZERO)))
    )
    return {r["recipient__local_authority"]: r for r in rows}


def reach_table(*, user, region: Region) -> dict:
    """Reach by local authority, grouped by sub-region: projects led there (with the settings and children
    they reach), organisations taking part, and awards committed to organisations there."""
    las = list(local_authority_list().filter(region=region).order_by("sub_region__number", "sub_region__name", "name"))
    projects = _reach_projects(user, [la.pk for la in las])
    organisations = dict(
        project_partner_list(user=user)
        .exclude(project__state__in=PROJECT_NOT_LIVE)
        .filter(organisation__local_authority__region=region)
        .order_by()
        .values_list("organisation__local_authority")
        .annotate(n=Count("organisation", distinct=True))
    )
    awards = _reach_awards(user, [la.pk for la in las])
    groups: dict[str, dict] = {}
    total = ReachRow("All of " + region.name)
    for la in las:
        p, a = projects.get(la.pk, {}), awards.get(la.pk, {})
        row = ReachRow(
            name=la.name,
            code=la.gss_code,
            projects=p.get("n", 0),
            organisations=organisations.get(la.pk, 0),
            settings=p.get("settings") or 0,
            children=p.get("children") or 0,
            awards=a.get("n", 0),
            awarded=a.get("amount") or ZERO,
        )
        sub = la.sub_region.name if la.sub_region_id else "Not in a sub-region"
        group = groups.setdefault(sub, {"name": sub, "rows": [], "subtotal": ReachRow(sub)})
        group["rows"].append(row)
        group["subtotal"].add(row)
        total.add(row)
    groups_list = list(groups.values())
    chart = Chart(
        id="chart-reach",
        title="Children reached by sub-region",
        description="; ".join(f"{g['name']}: {g['subtotal'].children:,} children" for g in groups_list) or "None yet.",
        rows=[
            ChartRow(
                g["name"], f"{g['subtotal'].children:,}", [Bar(Decimal(g["subtotal"].children), "#1d70b8", "children")]
            )
            for g in groups_list
        ],
    )
    return {"region": region, "groups": groups_list, "total": total, "chart": chart}


__all__ = [
    "Chart",
    "award_pipeline",
    "award_progress",
    "money_chart",
    "payments_due",
    "portfolio",
    "programme_money",
    "project_pipeline",
    "reach_regions",
    "reach_table",
    "stage_chart",
]
