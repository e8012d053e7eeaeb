"""Report items and totals from the rows gather() read: pure arithmetic, no queries."""

from collections import defaultdict
from decimal import Decimal

from grants.models import Award, Payment
from partnerships.models import Project

ZERO = Decimal("0.00")
NOT_RECORDED = "Not recorded"


def partnership_of(award) -> str:
    for partnership in (award.partnership, award.project and award.project.partnership, award.programme.partnership):
        if partnership:
            return partnership.name
    return ""


def indicator_item(ind: dict, results: list) -> dict:
    results.sort()
    if not results:
        actual = None
    elif ind["cumulative"]:
        actual = sum((value for _end, _id, value in results), Decimal(0))
    else:
        actual = results[-1][2]
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


def award_item(award: Award, payments: list, updates: list, indicators: list) -> dict:
    latest = _latest(updates)
    paid = sum((p["amount"] for p in payments if p["state"] == Payment.State.PAID), ZERO)
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
        "spend": latest["spend_to_date"] if latest else ZERO,
        "spend_as_at": latest["period_end"] if latest else None,
        "settings": latest["settings_reached"] if latest else 0,
        "children": latest["children_reached"] if latest else 0,
        "planned_start": award.planned_start,
        "planned_end": award.planned_end,
        "payments": [{**p, "state_label": Payment.State(p["state"]).label} for p in payments],
        "updates": _quotes(updates),
        "indicators": indicators,
    }


def project_item(project: Project, updates: list, indicators: list) -> dict:
    latest = _latest(updates)
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
        "settings": latest["settings_reached"] if latest else project.settings_reached,
        "children": latest["children_reached"] if latest else project.children_reached,
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
    """Indicators grouped by name and unit across the report: cumulative ones added up; the others (a rate,
    a score) averaged only over awards that share the baseline and target, so no average mixes different
    starting points: an indicator with its own baseline stands alone, named with its award."""
    groups = {}
    for item in items:
        for ind in item["indicators"]:
            key = (ind["name"], ind["unit"], ind["cumulative"])
            if not ind["cumulative"]:
                key += (ind["baseline"], ind["target"])
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
                },
            )
            g["count"] += 1
            g["labels"].append(item["label"])
            g["baseline"] += ind["baseline"]
            g["target"] += ind["target"]
            if ind["actual"] is not None:
                g["reporting"] += 1
                g["actual_sum"] += ind["actual"]
    result = []
    for g in groups.values():
        if g["cumulative"]:
            g["actual"] = g["actual_sum"] if g["reporting"] else None
        else:
            g["baseline"] = (g["baseline"] / g["count"]).quantize(Decimal("0.01"))
            g["target"] = (g["target"] / g["count"]).quantize(Decimal("0.01"))
            g["actual"] = (g["actual_sum"] / g["reporting"]).quantize(Decimal("0.01")) if g["reporting"] else None
        del g["actual_sum"]
        result.append(g)
    return sorted(result, key=lambda g: (g["name"], g["unit"], g["baseline"], g["labels"]))


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
