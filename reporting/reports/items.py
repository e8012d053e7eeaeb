"""Report items and totals from the rows gather() read: pure arithmetic, no queries."""

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from grants.models import Award, Payment
from partnerships.models import Project

ZERO = Decimal("0.00")
NOT_RECORDED = "Not recorded"


def partnership_of(award) -> str:
    for partnership in (award.partnership, award.project and award.project.partnership, award.programme.partnership):
        if partnership:
            return partnership.name
    return ""


def breakdown_labels(breakdowns: str) -> list[str]:
    """As Indicator.breakdown_labels: "Disadvantaged pupils, SEND, EAL" -> three labels."""
    return [label.strip() for label in (breakdowns or "").split(",") if label.strip()]


def _part(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def breakdown_figures(labels: list[str], breakdowns: list[dict], cumulative: bool) -> list[dict]:
    """The parts of an indicator's actual by its breakdown labels, by the rule the actual follows: a
    cumulative indicator adds up each part over its results; the others take the latest result's parts.
    `breakdowns` oldest first; a part nobody gave is None (not recorded), never 0."""
    chosen = breakdowns if cumulative else breakdowns[-1:]
    figures = []
    for label in labels:
        parts = [part for b in chosen if (part := _part(b.get(label))) is not None]
        figures.append({"label": label, "value": sum(parts, Decimal(0)) if parts else None})
    return figures


def indicator_item(ind: dict, results: list) -> dict:
    results.sort(key=lambda r: (r[0], r[1]))
    if not results:
        actual = None
    elif ind["cumulative"]:
        actual = sum((r[2] for r in results), Decimal(0))
    else:
        actual = results[-1][2]
    labels = breakdown_labels(ind.get("breakdowns", ""))
    baseline, target = ind["baseline"], ind["target"]
    progress = None
    if actual is not None and target != baseline:
        progress = ((actual - baseline) / (target - baseline) * 100).quantize(Decimal("1"))
    return {
        "id": ind["id"],
        "name": ind["name"],
        "unit": ind["unit"],
        "baseline": baseline,
        "target": target,
        "actual": actual,
        "results": len(results),
        "cumulative": ind["cumulative"],
        "direction": ind["direction"],
        "progress": progress,
        "breakdown": breakdown_figures(labels, [r[3] for r in results], ind["cumulative"]) if results else [],
    }


def _latest(updates: list) -> dict | None:
    return updates[-1] if updates else None


def _where(org) -> dict:
    la = org.local_authority
    return {
        "organisation": org.name,
        "local_authority": la.name if la else NOT_RECORDED,
        "sub_region": la.sub_region.name if la and la.sub_region else NOT_RECORDED,
    }


def _quotes(updates: list) -> list[dict]:
    return [
        {
            "period_start": u["period_start"],
            "period_end": u["period_end"],
            "progress": u["progress"],
            "challenges": u["challenges"],
            "is_final": u["is_final"],
            "evidence": [{"original_name": e["original_name"], "size": e["size"]} for e in u.get("evidence", ())],
        }
        for u in reversed(updates)
    ]


def award_item(award: Award, payments: list, updates: list, indicators: list, before: dict | None = None) -> dict:
    """`payments`, `updates`: those of the report's period (all of them without one); `before`: the latest
    accepted update before the period, whose spend to date is taken off, so spend is spend in the period."""
    latest = _latest(updates)
    paid = sum((p["amount"] for p in payments if p["state"] == Payment.State.PAID), ZERO)
    spent_before = before["spend_to_date"] if before else ZERO
    return {
        "kind": "award",
        "id": award.pk,
        "label": award.identifier,
        "title": award.title,
        "state": award.state,
        "state_label": award.get_state_display(),
        "committed": award.is_committed,
        "programme": award.programme.name,
        "funder": award.programme.funder.name,
        "partnership": partnership_of(award) or NOT_RECORDED,
        "project_id": award.project_id,
        "lead": award.recipient.name,
        "where": _where(award.recipient),
        "requested": award.amount_requested,
        "awarded": award.amount_awarded,
        "paid": paid,
        "scheduled": sum((p["amount"] for p in payments if p["state"] != Payment.State.CANCELLED), ZERO),
        "spend": latest["spend_to_date"] - spent_before if latest else ZERO,
        "spend_as_at": latest["period_end"] if latest else None,
        "settings": latest["settings_reached"] if latest else 0,
        "children": latest["children_reached"] if latest else 0,
        "planned_start": award.planned_start,
        "planned_end": award.planned_end,
        "payments": [{**p, "state_label": Payment.State(p["state"]).label} for p in payments],
        "updates": _quotes(updates),
        "indicators": indicators,
    }


def project_item(project: Project, updates: list, indicators: list, *, in_period: bool = False) -> dict:
    """With a period (`in_period`), reach comes from the period's updates only, never the project's own figures."""
    latest = _latest(updates)
    own_settings, own_children = (0, 0) if in_period else (project.settings_reached, project.children_reached)
    return {
        "kind": "project",
        "id": project.pk,
        "label": project.reference,
        "title": project.title,
        "state": project.state,
        "state_label": project.get_state_display(),
        "partnership": project.partnership.name,
        "theme": project.get_theme_display(),
        "summary": project.summary,
        "lead": project.lead_organisation.name,
        "where": _where(project.lead_organisation),
        "settings": latest["settings_reached"] if latest else own_settings,
        "children": latest["children_reached"] if latest else own_children,
        "planned_start": project.planned_start,
        "planned_end": project.planned_end,
        "updates": _quotes(updates),
        "indicators": indicators,
    }


def count_reach_once(items: list[dict]) -> None:
    """An award that funds a project in the report is the same piece of work: count the larger figure once."""
    works = defaultdict(list)
    for item in items:
        if (
            item["kind"] == "award"
            and item["project_id"]
            and any(i["kind"] == "project" and i["id"] == item["project_id"] for i in items)
        ):
            works[("project", item["project_id"])].append(item)
        else:
            works[(item["kind"], item["id"])].append(item)
    for members in works.values():
        for m in members:
            m["counts_reach"] = False
        biggest = max(members, key=lambda m: (m["children"], m["settings"], m["kind"] == "project"))
        biggest["counts_reach"] = True
        biggest["settings"] = max(m["settings"] for m in members)
        biggest["children"] = max(m["children"] for m in members)


def indicator_totals(items: list[dict]) -> list[dict]:
    """Indicators grouped by definition across the report: the same name, unit and baseline. Cumulative ones
    added up; the others (a rate, a score) averaged only over awards that also share the target, so no total
    or average mixes different starting points: an indicator with its own baseline stands alone, named with
    its award. Breakdowns follow the same rule, part by part, within the group."""
    groups = {}
    for item in items:
        for ind in item["indicators"]:
            key = (ind["name"], ind["unit"], ind["cumulative"], ind["baseline"])
            if not ind["cumulative"]:
                key += (ind["target"],)
            g = groups.setdefault(
                key,
                {
                    "name": ind["name"],
                    "unit": ind["unit"],
                    "cumulative": ind["cumulative"],
                    "direction": ind["direction"],
                    "count": 0,
                    "labels": [],
                    "reporting": 0,
                    "baseline": Decimal(0),
                    "target": Decimal(0),
                    "actual_sum": Decimal(0),
                    "parts": {},  # breakdown label -> [sum, how many gave it]
                },
            )
            g["count"] += 1
            g["labels"].append(item["label"])
            g["baseline"] += ind["baseline"]
            g["target"] += ind["target"]
            if ind["actual"] is not None:
                g["reporting"] += 1
                g["actual_sum"] += ind["actual"]
            for part in ind.get("breakdown", ()):
                tally = g["parts"].setdefault(part["label"], [Decimal(0), 0])
                if part["value"] is not None:
                    tally[0] += part["value"]
                    tally[1] += 1
    return sorted(
        (_settle(g) for g in groups.values()), key=lambda g: (g["name"], g["unit"], g["baseline"], g["labels"])
    )


def _settle(g: dict) -> dict:
    cent = Decimal("0.01")
    if g["cumulative"]:
        g["actual"] = g["actual_sum"] if g["reporting"] else None
    else:
        g["baseline"] = (g["baseline"] / g["count"]).quantize(cent)
        g["target"] = (g["target"] / g["count"]).quantize(cent)
        g["actual"] = (g["actual_sum"] / g["reporting"]).quantize(cent) if g["reporting"] else None
    g["breakdown"] = [
        {
            "label": label,
            "value": None if not given else total if g["cumulative"] else (total / given).quantize(cent),
            "reporting": given,
        }
        for label, (total, given) in g.pop("parts").items()
    ]
    del g["actual_sum"]
    return g


def reach_rows(items: list[dict], partners: dict) -> list[dict]:
    """Rows by sub-region and local authority: organisations involved, awards, money and reach."""
    rows = {}

    def row(where):
        key = (where["sub_region"], where["local_authority"])
        return rows.setdefault(
            key,
            {
                "sub_region": key[0],
                "local_authority": key[1],
                "organisations": set(),
                "awards": 0,
                "awarded": ZERO,
                "settings": 0,
                "children": 0,
            },
        )

    for item in items:
        r = row(item["where"])
        r["organisations"].add(item["lead"])
        if item["kind"] == "award":
            r["awards"] += 1
            if item["committed"]:
                r["awarded"] += item["awarded"] or ZERO
        else:
            for org in partners.get(item["id"], []):
                row(_where(org))["organisations"].add(org.name)
        if item["counts_reach"]:
            r["settings"] += item["settings"]
            r["children"] += item["children"]
    ordered = sorted(
        rows.values(), key=lambda r: (r["sub_region"] == NOT_RECORDED, r["sub_region"], r["local_authority"])
    )
    for r in ordered:
        r["organisations"] = len(r["organisations"])
    return ordered


def sub_region_totals(rows: list[dict]) -> list[dict]:
    groups = {}
    for row in rows:
        g = groups.setdefault(
            row["sub_region"],
            {"sub_region": row["sub_region"], "rows": [], "organisations": 0, "awards": 0, "awarded": ZERO},
        )
        g["rows"].append(row)
        for key in ("organisations", "awards", "awarded"):
            g[key] += row[key]
        g["settings"] = g.get("settings", 0) + row["settings"]
        g["children"] = g.get("children", 0) + row["children"]
    return list(groups.values())


def by_partnership(items: list[dict]) -> list[dict]:
    """Awards grouped by the partnership they serve; a project's reach counts in its partnership's total."""
    groups = {}

    def group(name):
        empty = {"name": name, "awards": [], "awarded": ZERO, "paid": ZERO, "spend": ZERO, "children": 0}
        return groups.setdefault(name, empty)

    for item in items:
        g = group(item["partnership"])
        if item["counts_reach"]:
            g["children"] += item["children"]
        if item["kind"] != "award":
            continue
        g["awards"].append(item)
        if item["committed"]:
            g["awarded"] += item["awarded"] or ZERO
        g["paid"] += item["paid"]
        g["spend"] += item["spend"]
    return sorted((g for g in groups.values() if g["awards"]), key=lambda g: (g["name"] == NOT_RECORDED, g["name"]))
