"""PDF impact reports: one award, one project, one partnership, or a funder's whole portfolio.

Three steps, kept apart so each can be measured and tested:

1. gather: every figure the report shows, read through the scoped selectors (so a report shows
   exactly what its reader may see), in a fixed number of queries however many awards it covers;
2. fingerprint: a hash of the gathered data and of the report templates. A report is stored in file
   storage under `reports/<kind>/<fingerprint>.pdf`, so the same data is never rendered twice and any
   change the report would show (a payment, an accepted update, a transition) gives a new key;
3. render: HTML from `templates/reports/`, then WeasyPrint (imported lazily: ~0.5 s once per process).
   Partnership and portfolio reports render in a Celery task when a broker is configured.

Figures, as the report footnotes explain them:
- awarded: the amount awarded on every approved award (approved, active, suspended, in evaluation, closed);
- paid: payments marked paid; reported spend: each award's spend to date in its latest accepted update;
- settings and children reached: the latest accepted update of each award and project (a project's own
  recorded figures when it has none); an award that funds a project is the same piece of work, counted
  once, at the larger figure;
- indicator actuals: accepted updates only. Cumulative indicators add up their results; the others take
  the result of the latest period.
"""

import datetime as dt
import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from grants.models import Award, Payment
from grants.selectors import award_list, payment_list
from partnerships import roles
from partnerships.models import Organisation, Project, ProjectPartner
from partnerships.selectors import partnership_list, project_list
from workflow.services import state_label

from .models import IndicatorResult, ProgressUpdate
from .selectors import indicator_list, transition_list, update_list

KINDS = ("award", "project", "partnership", "portfolio")
LARGE_KINDS = frozenset({"partnership", "portfolio"})
ZERO = Decimal("0.00")
NOT_RECORDED = "Not recorded"
TEMPLATE_DIR = Path(settings.BASE_DIR) / "templates" / "reports"


class ReportNotFound(LookupError):
    """The subject does not exist or the reader may not see it (pages and API answer 404 alike)."""


@dataclass(frozen=True)
class Report:
    kind: str
    data: dict
    fingerprint: str
    filename: str

    @property
    def storage_path(self) -> str:
        return f"reports/{self.kind}/{self.fingerprint}.pdf"

    @property
    def is_large(self) -> bool:
        return self.kind in LARGE_KINDS


# Choosing the subject (every lookup through a selector scoped to the reader) -----------------------


def _awards(user):
    return award_list(user=user).select_related("project__partnership", "programme__partnership")


def _one(qs, **lookup):
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError) as missing:
        raise ReportNotFound(f"No {qs.model._meta.verbose_name} you can see matches {lookup}.") from missing


def award_report(*, user, pk=None, identifier: str | None = None) -> Report:
    award = _one(_awards(user), **({"pk": pk} if pk is not None else {"identifier": identifier}))
    projects = project_list(user=user).filter(pk=award.project_id)
    data = _gather(user, [award], projects)
    funder = award.programme.funder
    data.update(
        kind="award",
        title=award.title,
        subject={"identifier": award.identifier, "recipient": award.recipient.name},
        funders=[funder.name],
        partnerships=[p for p in [_partnership_of(award)] if p],
    )
    return _report("award", data, award.identifier)


def project_report(*, user, pk=None, reference: str | None = None) -> Report:
    qs = project_list(user=user)
    if pk is None and reference is not None and not str(reference).isdigit():
        project = _one(qs, reference=reference)
    else:
        project = _one(qs, pk=pk if pk is not None else reference)
    awards = list(_awards(user).filter(project=project))
    data = _gather(user, awards, project_list(user=user).filter(pk=project.pk))
    data.update(
        kind="project",
        title=project.title,
        subject={"reference": project.reference, "lead": project.lead_organisation.name},
        funders=sorted({a.programme.funder.name for a in awards}),
        partnerships=[project.partnership.name],
    )
    return _report("project", data, project.reference)


def partnership_report(*, user, pk) -> Report:
    partnership = _one(partnership_list(user=user), pk=pk)
    in_partnership = Q(partnership=partnership) | Q(project__partnership=partnership)
    in_partnership |= Q(partnership__isnull=True, project__isnull=True, programme__partnership=partnership)
    awards = list(_awards(user).filter(in_partnership))
    projects = project_list(user=user).filter(Q(partnership=partnership) | Q(awards__in=[a.pk for a in awards]))
    data = _gather(user, awards, projects.distinct())
    data.update(
        kind="partnership",
        title=partnership.name,
        subject={"lead": partnership.lead_organisation.name, "aims": partnership.aims},
        funders=sorted({a.programme.funder.name for a in awards}),
        partnerships=[partnership.name],
    )
    return _report("partnership", data, partnership.name)


def portfolio_funder(*, user, pk=None, identifier: str | None = None) -> Organisation:
    """The funder whose portfolio `user` may read: a member of the funder, an administrator, or a
    programme manager of a programme it funds (who then sees only the programmes they manage)."""
    lookup = {"pk": pk} if pk is not None else {"identifier": identifier}
    r = roles.of(user)
    try:
        funder = Organisation.objects.get(**lookup)
    except (Organisation.DoesNotExist, ValueError, TypeError) as missing:
        raise ReportNotFound("No such funder.") from missing
    if r.is_admin or funder.pk in r.funder_orgs:
        return funder
    if r.manager_orgs and funder.funded_programmes.filter(managed_by_id__in=r.manager_orgs).exists():
        return funder
    raise ReportNotFound("You cannot see this funder's portfolio.")


def portfolio_report(*, user, pk=None, identifier: str | None = None) -> Report:
    funder = portfolio_funder(user=user, pk=pk, identifier=identifier)
    r = roles.of(user)
    qs = _awards(user).filter(programme__funder=funder)
    if not (r.is_admin or funder.pk in r.funder_orgs):
        qs = qs.filter(programme__managed_by_id__in=r.manager_orgs)
    awards = list(qs)
    projects = project_list(user=user).filter(pk__in=[a.project_id for a in awards if a.project_id])
    data = _gather(user, awards, projects)
    data.update(
        kind="portfolio",
        title=f"{funder.name}: portfolio",
        subject={"funder": funder.name, "identifier": funder.identifier},
        funders=[funder.name],
        partnerships=sorted({g["name"] for g in data["by_partnership"] if g["name"] != NOT_RECORDED}),
    )
    return _report("portfolio", data, f"portfolio-{funder.identifier}")


def report_for(*, kind: str, user, pk) -> Report:
    """The report of `kind` for object `pk` as `user` may see it; ReportNotFound otherwise."""
    builders = {
        "award": award_report,
        "project": project_report,
        "partnership": partnership_report,
        "portfolio": portfolio_report,
    }
    if kind not in builders:
        raise ReportNotFound(f"There is no {kind} report.")
    return builders[kind](user=user, pk=pk)


def _report(kind: str, data: dict, name: str) -> Report:
    data["prepared_on"] = timezone.localdate()
    filename = f"impact-report-{slugify(name) if kind in ('partnership',) else _safe(name)}-{data['prepared_on']}.pdf"
    return Report(kind=kind, data=data, fingerprint=fingerprint(data), filename=filename)


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name).strip("-")


def _partnership_of(award) -> str:
    for partnership in (award.partnership, award.project and award.project.partnership, award.programme.partnership):
        if partnership:
            return partnership.name
    return ""


# Gathering: a fixed number of queries for any number of awards -------------------------------------


def _person(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username or "Exchange"


def _gather(user, awards: list[Award], projects) -> dict:
    """Every figure a report shows for `awards` and `projects` (a queryset of visible projects)."""
    projects = list(projects.select_related("lead_organisation__local_authority__sub_region"))
    award_ids = [a.pk for a in awards]
    project_ids = [p.pk for p in projects]
    award_ct = ContentType.objects.get_for_model(Award)
    project_ct = ContentType.objects.get_for_model(Project)

    payments = defaultdict(list)
    for p in (
        payment_list(user=user)
        .filter(award_id__in=award_ids)
        .order_by("due_on", "id")
        .values("id", "award_id", "due_on", "amount", "state", "paid_on")
    ):
        payments[p["award_id"]].append(p)

    accepted = update_list(user=user).filter(
        Q(award_id__in=award_ids) | Q(project_id__in=project_ids), state=ProgressUpdate.State.ACCEPTED
    )
    updates = defaultdict(list)  # (kind, id) -> oldest first
    for u in accepted.order_by("period_end", "id").values(
        "id",
        "award_id",
        "project_id",
        "period_start",
        "period_end",
        "progress",
        "challenges",
        "spend_to_date",
        "settings_reached",
        "children_reached",
        "is_final",
        "reviewed_at",
    ):
        updates[("award", u["award_id"]) if u["award_id"] else ("project", u["project_id"])].append(u)

    indicators = defaultdict(list)
    indicator_rows = list(
        indicator_list(user=user)
        .filter(Q(award_id__in=award_ids) | Q(project_id__in=project_ids))
        .order_by("name", "id")
        .values("id", "award_id", "project_id", "name", "unit", "baseline", "target", "direction", "cumulative")
    )
    results = defaultdict(list)  # indicator id -> (period_end, update id, value), accepted updates only
    for res in IndicatorResult.objects.filter(
        update__in=accepted.values("pk"), indicator_id__in=[i["id"] for i in indicator_rows]
    ).values("indicator_id", "value", "update__period_end", "update_id"):
        results[res["indicator_id"]].append((res["update__period_end"], res["update_id"], res["value"]))
    for ind in indicator_rows:
        owner = ("award", ind["award_id"]) if ind["award_id"] else ("project", ind["project_id"])
        indicators[owner].append(_indicator(ind, results[ind["id"]]))

    steps = defaultdict(list)
    log = transition_list(user=user).filter(
        Q(content_type=award_ct, object_id__in=award_ids) | Q(content_type=project_ct, object_id__in=project_ids)
    )
    labels = {award_ct.pk: ("award", Award(state="draft")), project_ct.pk: ("project", Project(state="draft"))}
    for t in log.order_by("at", "id").values(
        "id",
        "content_type_id",
        "object_id",
        "source",
        "target",
        "at",
        "note",
        "actor__first_name",
        "actor__last_name",
        "actor__username",
    ):
        kind, sample = labels[t["content_type_id"]]
        steps[(kind, t["object_id"])].append(
            {
                "id": t["id"],
                "at": t["at"],
                "from": state_label(sample, t["source"]),
                "to": state_label(sample, t["target"]),
                "note": t["note"],
                "by": _person(t["actor__first_name"], t["actor__last_name"], t["actor__username"]),
            }
        )

    partners = defaultdict(list)
    for pp in ProjectPartner.objects.filter(project_id__in=project_ids).select_related(
        "organisation__local_authority__sub_region"
    ):
        partners[pp.project_id].append(pp.organisation)

    items = [_award_item(a, payments[a.pk], updates[("award", a.pk)], indicators[("award", a.pk)]) for a in awards]
    items += [_project_item(p, updates[("project", p.pk)], indicators[("project", p.pk)]) for p in projects]
    for item in items:
        item["steps"] = steps[(item["kind"], item["id"])]
        item["since"] = item["steps"][-1]["at"] if item["steps"] else None

    _count_reach_once(items)
    award_items = [i for i in items if i["kind"] == "award"]
    project_items = [i for i in items if i["kind"] == "project"]
    totals = {
        "awards": len(award_items),
        "projects": len(project_items),
        "awarded": sum((i["awarded"] or ZERO for i in award_items if i["committed"]), ZERO),
        "paid": sum((i["paid"] for i in award_items), ZERO),
        "spend": sum((i["spend"] for i in award_items), ZERO),
        "settings": sum(i["settings"] for i in items if i["counts_reach"]),
        "children": sum(i["children"] for i in items if i["counts_reach"]),
        "accepted_updates": sum(len(i["updates"]) for i in items),
    }
    return {
        "items": items,
        "awards": award_items,
        "projects": project_items,
        "totals": totals,
        "indicator_totals": _indicator_totals(items),
        "reach": (reach := _reach(items, partners)),
        "reach_by_sub_region": _sub_region_totals(reach),
        "by_partnership": _by_partnership(items),
    }


def _indicator(ind: dict, results: list) -> dict:
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
        }
        for u in reversed(updates)
    ]


def _award_item(award: Award, payments: list, updates: list, indicators: list) -> dict:
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
        "partnership": _partnership_of(award) or NOT_RECORDED,
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


def _project_item(project: Project, updates: list, indicators: list) -> dict:
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


def _count_reach_once(items: list[dict]) -> None:
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


def _indicator_totals(items: list[dict]) -> list[dict]:
    """Indicators grouped by name and unit across the report: cumulative ones added up, others averaged."""
    groups = {}
    for item in items:
        for ind in item["indicators"]:
            key = (ind["name"], ind["unit"], ind["cumulative"])
            g = groups.setdefault(
                key,
                {
                    "name": ind["name"],
                    "unit": ind["unit"],
                    "cumulative": ind["cumulative"],
                    "direction": ind["direction"],
                    "count": 0,
                    "reporting": 0,
                    "baseline": Decimal(0),
                    "target": Decimal(0),
                    "actual_sum": Decimal(0),
                },
            )
            g["count"] += 1
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
    return sorted(result, key=lambda g: (g["name"], g["unit"]))


def _reach(items: list[dict], partners: dict) -> list[dict]:
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


def _sub_region_totals(rows: list[dict]) -> list[dict]:
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


def _by_partnership(items: list[dict]) -> list[dict]:
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


# Fingerprint, render, store --------------------------------------------------------------------------

_template_digest = None


def _templates_digest() -> str:
    """Changing a report template changes every fingerprint, so stored PDFs never outlive their layout."""
    global _template_digest
    if _template_digest is None:
        h = hashlib.sha256()
        for path in sorted(TEMPLATE_DIR.glob("*")):
            h.update(path.name.encode() + path.read_bytes())
        _template_digest = h.hexdigest()
    return _template_digest


def fingerprint(data: dict) -> str:
    payload = json.dumps(data, sort_keys=True, default=_jsonable, separators=(",", ":"))
    return hashlib.sha256((_templates_digest() + payload).encode()).hexdigest()[:32]


def _jsonable(value):
    if isinstance(value, Decimal | dt.date | dt.datetime):
        return str(value)
    if isinstance(value, set):
        return sorted(value)
    raise TypeError(f"Cannot fingerprint {type(value).__name__}")


def render_html(report: Report) -> str:
    return render_to_string(f"reports/{report.kind}.html", {"r": report.data, "report": report})


def render_pdf(html: str) -> bytes:
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one INFO line per step otherwise
    import weasyprint  # ~0.5 s on first import: only processes that render pay it

    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def store_pdf(path: str, html: str) -> str:
    """Render `html` and keep it at `path` in file storage (unless another render got there first)."""
    if not default_storage.exists(path):
        pdf = render_pdf(html)
        if not default_storage.exists(path):
            default_storage.save(path, ContentFile(pdf))
    return path


def is_ready(report: Report) -> bool:
    return default_storage.exists(report.storage_path)


def broker_configured() -> bool:
    return bool(settings.CELERY_BROKER_URL) and not settings.CELERY_TASK_ALWAYS_EAGER


def _pending_key(report: Report) -> str:
    return f"exchange:report-pending:{report.fingerprint}"


def prepare(report: Report, *, background: bool | None = None) -> bool:
    """Make sure the PDF exists or is on its way. True when it is ready to send now.

    Small reports (and every report when no broker is configured) render here and now; large ones
    go to the Celery task once (the Django cache remembers that one is on its way)."""
    from django.core.cache import cache

    if is_ready(report):
        return True
    if background is None:
        background = report.is_large and broker_configured()
    if not background:
        store_pdf(report.storage_path, render_html(report))
        return True
    if cache.add(_pending_key(report), True, timeout=600):
        from .tasks import render_report_pdf

        render_report_pdf.delay(report.storage_path, render_html(report), _pending_key(report))
    return False


def pdf_bytes(report: Report) -> bytes:
    prepare(report, background=False)
    with default_storage.open(report.storage_path, "rb") as f:
        return f.read()


def system_reader():
    """The reader a management command acts as: sees everything, like an administrator."""
    from django.contrib.auth import get_user_model

    reader = get_user_model()(username="impact_report", is_superuser=True)
    setattr(reader, roles._CACHE_ATTR, roles.Roles(is_admin=True))
    return reader
