"""Intelligence: need and capacity by area and sub-region; what was matched; who gave and received."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Sum

from partnerships.selectors import scoped
from reporting.models import Evaluation
from workflow import clock

from ..models import Match as MatchModel
from ..models import Need, Offer
from .scopes import match_list, need_scope, offer_scope


def _by(rows, key: str) -> dict:
    return {row[key]: row for row in rows}


def need_and_capacity(*, user, today: dt.date | None = None) -> dict:
    """Open needs (and the days a term they want) beside open offers (and the days a term they have left),
    by area and by sub-region, over the needs and offers the person may see. Six queries."""
    today = today or clock.today()
    needs = Need.objects.filter(state=Need.State.OPEN)
    needs = scoped(needs, need_scope(user))
    offers = scoped(Offer.objects.filter(state=Offer.State.OPEN, available_until__gte=today), offer_scope(user))
    need_areas = Need.areas.through.objects.filter(need__in=needs.order_by().values("pk"))
    offer_areas = Offer.areas.through.objects.filter(offer__in=offers.order_by().values("pk"))
    by_area_need = _by(
        need_areas.values("supportarea__name")
        .order_by()
        .annotate(count=Count("need_id"), days=Sum("need__days_wanted")),
        "supportarea__name",
    )
    by_area_offer = _by(
        offer_areas.values("supportarea__name")
        .order_by()
        .annotate(count=Count("offer_id"), days=Sum(F("offer__capacity_days") - F("offer__days_allocated"))),
        "supportarea__name",
    )
    sub = "organisation__local_authority__sub_region__name"
    by_sub_need = _by(needs.order_by().values(sub).annotate(count=Count("pk"), days=Sum("days_wanted")), sub)
    by_sub_offer = _by(
        offers.order_by().values(sub).annotate(count=Count("pk"), days=Sum(F("capacity_days") - F("days_allocated"))),
        sub,
    )

    def rows(needed: dict, offered: dict) -> list[dict]:
        names = sorted(set(needed) | set(offered), key=lambda n: (n is None, n or ""))
        return [
            {
                "name": name or "No sub-region",
                "needs": needed.get(name, {}).get("count", 0),
                "days_needed": needed.get(name, {}).get("days", 0) or 0,
                "offers": offered.get(name, {}).get("count", 0),
                "days_offered": offered.get(name, {}).get("days", 0) or 0,
            }
            for name in names
        ]

    return {"areas": rows(by_area_need, by_area_offer), "sub_regions": rows(by_sub_need, by_sub_offer)}


def need_and_capacity_chart(chart_id: str, title: str, rows: list[dict]):
    from reporting.selectors.dashboards import Bar, Chart, ChartRow

    return Chart(
        id=chart_id,
        title=title,
        description="; ".join(f"{r['name']}: {r['days_needed']} days needed, {r['days_offered']} offered" for r in rows)
        or "Nothing yet.",
        rows=[
            ChartRow(
                r["name"],
                f"{r['days_needed']} needed, {r['days_offered']} offered",
                [Bar(r["days_offered"], "#1d70b8", "days offered"), Bar(r["days_needed"], "#d4351c", "days needed")],
            )
            for r in rows
        ],
        legend=[("#1d70b8", "Days a term offered (left)"), ("#d4351c", "Days a term needed")],
    )


def match_results(*, user, limit: int = 50) -> list:
    """Accepted matches and what came of them: the project's stage and, once evaluated, its rating."""
    from django.db.models import OuterRef, Subquery

    rating = Evaluation.objects.filter(project=OuterRef("project_id"), completed_at__isnull=False).order_by(
        "-completed_at"
    )
    matches = list(
        match_list(user=user)
        .filter(state__in=[MatchModel.State.ACCEPTED, MatchModel.State.RELEASED])
        .annotate(rating=Subquery(rating.values("rating")[:1]), stage=Subquery(rating.values("stage_reached")[:1]))
        .order_by("-accepted_at", "-id")[:limit]
    )
    ratings, stages = dict(Evaluation.Rating.choices), dict(Evaluation.Stage.choices)
    for match in matches:
        match.rating_label = str(ratings.get(match.rating, "")) if match.rating else ""
        match.stage_label = str(stages.get(match.stage, "")) if match.stage else ""
    return matches


def organisation_history(*, user, organisation) -> list[dict]:
    """The organisation as giver and receiver of support, school year by school year, from the projects
    and matches the person may see."""
    from partnerships.selectors import project_partner_list

    partners = (
        project_partner_list(user=user)
        .filter(organisation=organisation)
        .select_related("project__partnership")
        .order_by("-project__planned_start", "-project__created_at")
    )
    years: dict[str, dict] = {}
    for partner in partners:
        day = partner.project.planned_start or partner.project.created_at.date()
        start = day.year if day.month >= 9 else day.year - 1
        year = years.setdefault(f"{start}/{str(start + 1)[2:]}", {"gave": [], "received": []})
        if partner.gives_support:
            year["gave"].append(partner.project)
        if partner.receives_support:
            year["received"].append(partner.project)
    return [{"year": name, **entry} for name, entry in sorted(years.items(), reverse=True)]
