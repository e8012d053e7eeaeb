"""Gathering every figure a report shows, through the scoped selectors, in a fixed number of queries
however many awards the report covers (see the package docstring for how each figure is counted)."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from grants.models import Award
from grants.money.cofunding.selectors import share_rows
from grants.money.selectors import budget_against_actual, variation_list
from grants.selectors import payment_list
from grants.subjects import key_of
from partnerships.models import Project, ProjectPartner
from workflow.selectors import transition_list
from workflow.services import state_label

from ..models import Evaluation, IndicatorResult, ProgressUpdate
from ..selectors import evaluation_list, evidence_list, indicator_list, update_list
from . import items as build
from .items import ZERO
from .period import Period

EVALUATION_FIELDS = (
    "award_id",
    "project_id",
    "evaluator_name",
    "outcomes",
    "what_worked",
    "what_did_not_work",
    "lessons",
    "rating",
    "stage_reached",
    "completed_at",
)


def _person(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username or "Exchange"


def gather(user, awards: list[Award], projects, period: Period | None = None) -> dict:
    """Every figure a report shows for `awards` and `projects` (a queryset of visible projects), over the
    whole life of the work or, given a `period`, only what happened in it (see .period)."""
    projects = list(projects.select_related("lead_organisation__local_authority__sub_region"))
    award_ids = [a.pk for a in awards]
    project_ids = [p.pk for p in projects]
    award_ct = ContentType.objects.get_for_model(Award)
    project_ct = ContentType.objects.get_for_model(Project)

    payments = defaultdict(list)
    in_period = Q()
    if period:  # paid in the period; not paid (scheduled, approved, cancelled): due in it
        paid_in = Q(paid_on__isnull=False, paid_on__range=(period.start, period.end))
        in_period = paid_in | Q(paid_on__isnull=True, due_on__range=(period.start, period.end))
    for p in (
        payment_list(user=user)
        .filter(in_period, award_id__in=award_ids)
        .order_by("due_on", "id")
        .values("id", "award_id", "due_on", "amount", "state", "paid_on")
    ):
        payments[p["award_id"]].append(p)

    accepted = update_list(user=user).filter(
        Q(award_id__in=award_ids) | Q(project_id__in=project_ids), state=ProgressUpdate.State.ACCEPTED
    )
    read = accepted
    if period:  # the updates before the period are read too (in the same query) for the spend before it
        read = accepted.filter(period_start__lte=period.end)
        accepted = read.filter(period_end__gte=period.start)
    updates = defaultdict(list)  # (kind, id) -> oldest first, the accepted updates in the period
    before = {}  # (kind, id) -> the latest accepted update that ended before the period
    for u in read.order_by("period_end", "id").values(
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
        if period and u["period_end"] < period.start:
            before[key_of(u)] = u
        else:
            updates[key_of(u)].append(u)
    evidence = defaultdict(list)  # update id -> the files sent with it: names and kinds, never the contents
    for e in (
        evidence_list(user=user)
        .filter(update__in=accepted.values("pk"))
        .order_by("uploaded_at", "id")
        .values("update_id", "original_name", "size")
    ):
        evidence[e["update_id"]].append(e)
    for rows in updates.values():
        for u in rows:
            u["evidence"] = evidence[u["id"]]

    indicators = defaultdict(list)
    indicator_rows = list(
        indicator_list(user=user)
        .filter(Q(award_id__in=award_ids) | Q(project_id__in=project_ids))
        .order_by("name", "id")
        .values(
            "id",
            "award_id",
            "project_id",
            "name",
            "unit",
            "baseline",
            "target",
            "direction",
            "cumulative",
            "breakdowns",
        )
    )
    results = defaultdict(list)  # indicator id -> (period_end, update id, value, breakdown), accepted updates
    for res in IndicatorResult.objects.filter(
        update__in=accepted.values("pk"), indicator_id__in=[i["id"] for i in indicator_rows]
    ).values("indicator_id", "value", "update__period_end", "update_id", "breakdown"):
        results[res["indicator_id"]].append(
            (res["update__period_end"], res["update_id"], res["value"], res["breakdown"] or {})
        )
    for ind in indicator_rows:
        owner = key_of(ind)
        indicators[owner].append(build.indicator_item(ind, results[ind["id"]]))

    steps = defaultdict(list)
    log = transition_list(user=user).filter(
        Q(content_type=award_ct, object_id__in=award_ids) | Q(content_type=project_ct, object_id__in=project_ids)
    )
    completed = evaluation_list(user=user).filter(completed_at__isnull=False)
    if period:
        first, after = period.moments()
        log = log.filter(at__gte=first, at__lt=after)
        completed = completed.filter(completed_at__gte=first, completed_at__lt=after)
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

    evaluations = {}  # the latest completed evaluation of each award and project
    for e in (
        completed.filter(Q(award_id__in=award_ids) | Q(project_id__in=project_ids))
        .order_by("completed_at", "id")
        .values(*EVALUATION_FIELDS)
    ):
        key = key_of(e)
        evaluations[key] = {
            **e,
            "rating_label": Evaluation.Rating(e["rating"]).label if e["rating"] else "",
            "stage_label": Evaluation.Stage(e["stage_reached"]).label if e["stage_reached"] else "",
        }

    items = [
        build.award_item(
            a, payments[a.pk], updates[("award", a.pk)], indicators[("award", a.pk)], before.get(("award", a.pk))
        )
        for a in awards
    ]
    items += [
        build.project_item(p, updates[("project", p.pk)], indicators[("project", p.pk)], in_period=bool(period))
        for p in projects
    ]
    for item in items:
        item["steps"] = steps[(item["kind"], item["id"])]
        item["since"] = item["steps"][-1]["at"] if item["steps"] else None
        item["evaluation"] = evaluations.get((item["kind"], item["id"]))

    build.count_reach_once(items)
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
        "evaluations": sum(1 for i in items if i["evaluation"]),
    }
    return {
        "period": period.as_data() if period else None,
        "items": items,
        "awards": award_items,
        "projects": project_items,
        "totals": totals,
        "indicator_totals": build.indicator_totals(items),
        "reach": (reach := build.reach_rows(items, partners)),
        "reach_by_sub_region": build.sub_region_totals(reach),
        "by_partnership": build.by_partnership(items),
        # With a period, the budget against actual is still each award's whole life to date (the report says so).
        **_money(user, award_ids, None if period else sum((i["spend"] for i in award_items if i["committed"]), ZERO)),
    }


def _money(user, award_ids: list[int], reported) -> dict:
    """Budget against actual by line over the report's awards, and their variations in order (plain
    values: the report's data is fingerprinted and may be rendered by a worker)."""
    report = budget_against_actual(awards=Award.objects.filter(pk__in=award_ids), reported=reported)
    budget = {
        "awards": report.awards,
        "approved": report.approved,
        "actual": report.actual,
        "variance": report.variance,
        "rows": [
            {
                "name": r.name,
                "finance_code": r.finance_code,
                "approved": r.approved,
                "actual": r.actual,
                "variance": r.variance,
            }
            for r in report.rows
        ],
    }
    variations = [
        {
            "award": v.award.identifier,
            "number": v.number,
            "kind": v.get_kind_display(),
            "state": v.get_state_display(),
            "amount_change": v.amount_change,
            "requested_on": v.requested_at.date(),
            "decided_on": v.decided_at.date() if v.decided_at else None,
        }
        for v in variation_list(user=user).filter(award_id__in=award_ids).order_by("award__identifier", "number")
    ]
    shares = share_rows(user=user, award_ids=award_ids)  # co-funding: the shares the reader may see
    return {"budget": budget, "variations": variations, "match": report.match, "shares": shares}
