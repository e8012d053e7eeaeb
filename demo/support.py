"""The support-matching part of the demo (demo/scenario/support.yaml): the partnership's areas, offers and
needs across the six West Midlands sub-regions, and matches a manager accepted that became projects —
all through support.services, as the partnership's manager, once (a second run changes nothing)."""

from __future__ import annotations

from partnerships.models import Partnership, Project, SubRegion
from partnerships.services import partnership_add_member, project_transition, project_update
from reporting.models import Evaluation
from support import services
from support.models import Need, Offer, SupportArea
from workflow import clock


def load_support(loader) -> None:
    spec = loader_read(loader)
    partnership = Partnership.objects.get(name=spec["partnership"])
    if SupportArea.objects.filter(partnership=partnership).exists():
        return
    manager = loader.partnership_manager[partnership.name]
    with clock.at(loader.moment("term(0)+7d")):
        areas = {
            a["name"]: services.area_add(
                partnership=partnership, actor=manager, name=a["name"], theme=a.get("theme", "")
            )
            for a in spec["areas"]
        }
        services.matching_settings_save(partnership=partnership, actor=manager)
        for entry in spec["offers"] + spec["needs"]:
            partnership_add_member(
                partnership=partnership, actor=manager, organisation=loader.orgs[entry["organisation"]]
            )
    sub_regions = {s.name: s for s in SubRegion.objects.all()}
    offers = {}
    with clock.at(loader.moment("term(0)+14d")):
        for entry in spec["offers"]:
            evidence = Evaluation.objects.filter(
                project__reference__in=entry.get("evidence_from", []), completed_at__isnull=False
            )
            offers[entry["organisation"]] = services.offer_create(
                actor=manager,
                partnership=partnership,
                organisation=loader.orgs[entry["organisation"]],
                areas=[areas[name] for name in entry["areas"]],
                evaluations=list(evidence),
                travel_sub_regions=[sub_regions[name] for name in entry.get("travels", [])],
                title=entry["title"],
                evidence=entry.get("evidence", ""),
                capacity_days=entry["capacity_days"],
                available_until=loader.day(entry["until"]),
                phases=entry["phases"],
                conditions=entry.get("conditions", ""),
            )
    with clock.at(loader.moment("term(0)+21d")):
        for entry in spec["needs"]:
            need = services.need_create(
                actor=manager,
                partnership=partnership,
                organisation=loader.orgs[entry["organisation"]],
                areas=[areas[name] for name in entry["areas"]],
                title=entry["title"],
                phase=entry["phase"],
                urgency=entry["urgency"],
                days_wanted=entry["days"],
                shared=entry.get("shared", False),
                same_trust_ok=entry.get("same_trust_ok", False),
                context=entry.get("context", ""),
            )
            if "accepted_with" in entry:
                _accept(loader, manager, need, offers[entry["accepted_with"]], walk=entry.get("project_walk", False))


def _accept(loader, manager, need: Need, offer: Offer, *, walk: bool) -> None:
    with clock.at(loader.moment("term(0)+28d")):
        match = services.match_accept(need=need, offer=offer, actor=manager, note="Agreed with both heads by phone.")
    if not walk:
        return
    project = match.project
    with clock.at(loader.moment("term(0)+35d")):
        project_update(
            project=project,
            actor=manager,
            settings_reached=2,
            children_reached=420,
            planned_start=loader.day("term(0)+42d"),
            planned_end=loader.day("yearend(0)"),
        )
        for step in ("propose", "start_review", "approve"):
            project = project_transition(project=Project.objects.get(pk=project.pk), name=step, actor=manager)


def loader_read(loader):
    from .loader import read

    return read("support")
