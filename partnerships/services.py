"""Every write a person can cause on partnerships and projects."""

from django.db import transaction

from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import apply_transition, archive, lock

from . import roles
from .models import Partnership, PartnershipMember, Project, ProjectPartner

# Partnerships --------------------------------------------------------------------------------

PARTNERSHIP_EDITABLE = ("name", "region", "starts_on", "ends_on", "aims")


def partnership_create(*, actor, name, region, lead_organisation, starts_on, ends_on=None, aims="") -> Partnership:
    """Set up a partnership led by an organisation the actor manages programmes for."""
    r = roles.of(actor)
    if not (r.is_admin or lead_organisation.pk in r.manager_orgs):
        raise PermissionRefused("You can set up partnerships only for an organisation you manage programmes for.")
    with transaction.atomic():
        partnership = Partnership(name=name, region=region, lead_organisation=lead_organisation)
        partnership.starts_on, partnership.ends_on, partnership.aims = starts_on, ends_on, aims
        partnership.full_clean()
        partnership.save()
        PartnershipMember.objects.create(
            partnership=partnership, organisation=lead_organisation, role=PartnershipMember.Role.LEAD
        )
        return partnership


def partnership_edit(*, partnership: Partnership, actor, **fields) -> Partnership:
    """Change a partnership's name, region, dates or aims (its lead stays: it decides who manages it)."""
    with transaction.atomic():
        partnership = lock(Partnership, partnership.pk)
        if not roles.of(actor).manages_partnership(partnership):
            raise PermissionRefused(f"Only the programme managers of {partnership} can change it.")
        for name, value in fields.items():
            if name not in PARTNERSHIP_EDITABLE:
                raise ValueError(f"{name} cannot be edited here.")
            setattr(partnership, name, value)
        partnership.full_clean()
        partnership.save()
        return partnership


# Projects ------------------------------------------------------------------------------------

PROJECT_EDITABLE = ("title", "theme", "summary", "settings_reached", "children_reached", "planned_start", "planned_end")
PROJECT_CLOSED = (Project.State.COMPLETED, Project.State.REJECTED, Project.State.WITHDRAWN)
PROJECT_PROPOSER_EDITS = (Project.State.DRAFT, Project.State.CHANGES_REQUESTED)


def project_create(*, actor, partnership, title, lead_organisation, reference: str = "", **fields) -> Project:
    """A draft project: managers in their partnerships, partners for their own organisation."""
    r = roles.of(actor)
    if not (r.manages_partnership(partnership) or r.is_partner_of(lead_organisation.pk)):
        raise PermissionRefused("You can propose projects only with your own organisation as the lead.")
    with transaction.atomic():
        project = Project(
            partnership=partnership,
            title=title,
            lead_organisation=lead_organisation,
            proposed_by=actor,
            reference=reference or _next_project_reference(partnership),
            **fields,
        )
        project.full_clean(exclude=["state"])
        project.save()
        return project


def _next_project_reference(partnership) -> str:
    prefix = "".join(word[0] for word in partnership.name.split() if word[0].isalpha()).upper()[:6] or "PRJ"
    n = Project.objects.filter(reference__startswith=f"{prefix}-").count() + 1
    while Project.objects.filter(reference=f"{prefix}-{n:03d}").exists():
        n += 1
    return f"{prefix}-{n:03d}"


def project_edit(*, project: Project, actor, **fields) -> Project:
    """Managers edit a project until it is closed; its lead partner while it is a draft or sent back for changes."""
    with transaction.atomic():
        project = lock(Project, project.pk)
        r = roles.of(actor)
        manager = r.manages_partnership(project.partnership)
        if not (manager or r.is_partner_of(project.lead_organisation_id)):
            raise PermissionRefused("Only the project's lead organisation and its programme managers can change it.")
        state = project.get_state_display().lower()
        if project.state in PROJECT_CLOSED:
            raise TransitionRefused(f"This project is {state}, so it can no longer be changed.")
        if not manager and project.state not in PROJECT_PROPOSER_EDITS:
            raise TransitionRefused(
                f"This project is {state}; its lead can change it only while it is a draft or changes are requested."
            )
        for name, value in fields.items():
            if name not in PROJECT_EDITABLE:
                raise ValueError(f"{name} cannot be edited here.")
            setattr(project, name, value)
        project.full_clean(exclude=["state"])
        project.save()
        return project


def project_transition(*, project: Project, name: str, actor, note: str = "") -> Project:
    """Take step `name` (propose, start_review, approve, …) on a project, as `actor`."""
    with transaction.atomic():
        locked = lock(Project, project.pk)
        return apply_transition(locked, name, actor=actor, note=note)


def project_propose(*, project, actor, note=""):
    return project_transition(project=project, name="propose", actor=actor, note=note)


def project_approve(*, project, actor, note=""):
    return project_transition(project=project, name="approve", actor=actor, note=note)


def project_complete(*, project, actor, note=""):
    return project_transition(project=project, name="complete", actor=actor, note=note)


def project_archive(*, project: Project, actor, note: str = "") -> Project:
    with transaction.atomic():
        project = lock(Project, project.pk)
        allowed = roles.of(actor).manages_partnership(project.partnership)
        return archive(project, actor=actor, note=note, allowed=allowed)


# What the web forms need besides ------------------------------------------------------------


def partnership_add_member(*, partnership: Partnership, actor, organisation, role: str = PartnershipMember.Role.MEMBER):
    with transaction.atomic():
        partnership = lock(Partnership, partnership.pk)
        if not roles.of(actor).manages_partnership(partnership):
            raise PermissionRefused(f"Only the programme managers of {partnership} can add members.")
        member, _ = PartnershipMember.objects.update_or_create(
            partnership=partnership, organisation=organisation, defaults={"role": role}
        )
        return member


def project_edit_refusal(project: Project, actor) -> TransitionRefused | None:
    """Why `actor` may not change the project's details or partners now (as project_edit decides), or None."""
    r = roles.of(actor)
    manager = r.manages_partnership(project.partnership)
    if not (manager or r.is_partner_of(project.lead_organisation_id)):
        return PermissionRefused("Only the project's lead organisation and its programme managers can change it.")
    state = project.get_state_display().lower()
    if project.state in PROJECT_CLOSED:
        return TransitionRefused(f"This project is {state}, so it can no longer be changed.")
    if not manager and project.state not in PROJECT_PROPOSER_EDITS:
        return TransitionRefused(
            f"This project is {state}; its lead can change it only while it is a draft or changes are requested."
        )
    return None


def project_set_partners(*, project: Project, actor, partners: list[tuple]) -> list[ProjectPartner]:
    """Replace the project's partner organisations with `partners`: (organisation, gives, receives) triples."""
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("partnership").get(pk=project.pk)
        refusal = project_edit_refusal(project, actor)
        if refusal is not None:
            raise refusal
        seen = set()
        for organisation, gives, receives in partners:
            if organisation.pk in seen:
                raise TransitionRefused(f"{organisation} is listed twice.")
            if not (gives or receives):
                raise TransitionRefused(f"Mark {organisation} as giving support, receiving support, or both.")
            seen.add(organisation.pk)
        project.partners.exclude(organisation_id__in=seen).delete()
        result = []
        for organisation, gives, receives in partners:
            partner, _ = ProjectPartner.objects.update_or_create(
                project=project,
                organisation=organisation,
                defaults={"gives_support": bool(gives), "receives_support": bool(receives)},
            )
            result.append(partner)
        return result
