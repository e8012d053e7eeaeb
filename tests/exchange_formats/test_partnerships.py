"""Partnerships and projects: members and their roles, dates, and who may import them."""

from partnerships.importing import run_import
from partnerships.models import PartnershipMember, Project
from partnerships.resources import PartnershipResource, ProjectResource

from .conftest import dataset

HEADERS = ["Name", "Region", "Lead organisation", "Starts on", "Ends on", "Members"]


def test_members_are_added_and_given_new_roles_never_removed(world):
    world.partnership.members.create(organisation=world.partner_org_b, role="member")
    row = [world.partnership.name, "West Midlands", world.central.identifier, "01/09/2025", "31/08/2028"]
    members = (
        f"{world.central.identifier} (lead); {world.partner_org.identifier}; {world.funder_org.identifier} (Funder)"
    )
    outcome = run_import(PartnershipResource(user=world.manager), dataset(HEADERS, [*row, members]), dry_run=False)
    assert (outcome.created, outcome.updated, outcome.skipped) == (0, 1, 0)
    roles = dict(world.partnership.members.values_list("organisation__identifier", "role"))
    assert roles == {
        world.central.identifier: "lead",
        world.partner_org.identifier: "member",
        world.funder_org.identifier: "funder",
        world.partner_org_b.identifier: "member",
    }
    again = run_import(PartnershipResource(user=world.manager), dataset(HEADERS, [*row, members]), dry_run=False)
    assert again.skipped == 1
    promoted = members.replace(f"{world.partner_org.identifier};", f"{world.partner_org.identifier} (adviser);")
    run_import(PartnershipResource(user=world.manager), dataset(HEADERS, [*row, promoted]), dry_run=False)
    assert PartnershipMember.objects.get(organisation=world.partner_org).role == "adviser"


def test_partnership_problems_in_plain_words(world):
    rows = [
        ["Black Country Alliance", "West Midlands", world.central.identifier, "2026-09-01", "2026-07-31", ""],
        ["Coventry Schools Partnership", "Wessex", world.central.identifier, "2026-09-01", "", "GB-EDU-1 (boss)"],
        [world.partnership_b.name, "West Midlands", world.central_b.identifier, "2025-09-01", "", ""],
    ]
    outcome = run_import(PartnershipResource(user=world.manager), dataset(HEADERS, *rows), dry_run=False)
    assert [str(p) for p in outcome.problems] == [
        "Row 2, column “Ends on”: the partnership ends (31/07/2026) on or before it starts (01/09/2026)",
        "Row 3, column “Members”: unknown organisation identifier “GB-EDU-1”",
        "Row 3, column “Region”: unknown region “Wessex”",
        f"Row 4, column “Lead organisation”: “{world.central_b.identifier}” is not an organisation you manage "
        "partnerships for",
        f"Row 4, column “Name”: “{world.partnership_b.name}” is a partnership you do not manage",
    ]


def test_projects_import_as_drafts_proposed_by_the_importer(world):
    headers = ["Reference", "Partnership", "Title", "Lead organisation", "Theme", "Planned start", "Planned end"]
    rows = [
        ["WMCP-010", world.partnership.name, "Peer review", world.partner_org.identifier, "Peer review", "", ""],
        ["WMCP-011", world.partnership_b.name, "Wellbeing", world.partner_org.identifier, "wellbeing", "", ""],
    ]
    outcome = run_import(ProjectResource(user=world.manager), dataset(headers, *rows), dry_run=False)
    assert [str(p) for p in outcome.problems] == [
        f"Row 3, column “Partnership”: “{world.partnership_b.name}” is a partnership you do not manage"
    ]
    outcome = run_import(ProjectResource(user=world.manager), dataset(headers, rows[0]), dry_run=False)
    project = Project.objects.get()
    assert (project.reference, project.state, project.theme, project.proposed_by) == (
        "WMCP-010",
        Project.State.DRAFT,
        "peer_review",
        world.manager,
    )
