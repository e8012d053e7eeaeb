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
    # History spread over the weeks before the loading day, a few entries a day, as it would happen.
    with clock.at(loader.moment("today-95d")):
        areas = {
            a["name"]: services.area_add(
                partnership=partnership, actor=manager, name=a["name"], theme=a.get("theme", "")
            )
            for a in spec["areas"]
        }
        services.matching_settings_save(partnership=partnership, actor=manager)
        members = set(partnership.members.values_list("organisation_id", flat=True))
        for entry in spec["offers"] + spec["needs"]:
            school = loader.orgs[entry["organisation"]]
            if school.pk not in members:
                partnership_add_member(partnership=partnership, actor=manager, organisation=school)
                members.add(school.pk)
    sub_regions = {s.name: s for s in SubRegion.objects.all()}
    offers = {}
    for i, entry in enumerate(spec["offers"]):
        with clock.at(loader.moment(f"today-{91 - 3 * i}d", hour=11)):
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
    accepted = 0
    for i, entry in enumerate(spec["needs"]):
        with clock.at(loader.moment(f"today-{64 - 3 * i}d", hour=14)):
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
            _accept(
                loader, manager, need, offers[entry["accepted_with"]], accepted, walk=entry.get("project_walk", False)
            )
            accepted += 1


def _accept(loader, manager, need: Need, offer: Offer, n: int, *, walk: bool) -> None:
    with clock.at(loader.moment(f"today-{29 - 4 * n}d", hour=15)):
        match = services.match_accept(need=need, offer=offer, actor=manager, note="Agreed with both heads by phone.")
    if not walk:
        return
    project = match.project
    with clock.at(loader.moment("today-12d", hour=16)):
        project_update(
            project=project,
            actor=manager,
            settings_reached=2,
            children_reached=420,
            planned_start=loader.day("today+21d"),
            planned_end=loader.day("today+250d"),
        )
        for step in ("propose", "start_review", "approve"):
            project = project_transition(project=Project.objects.get(pk=project.pk), name=step, actor=manager)


def loader_read(loader):
    from .loader import read

    return read("support")
