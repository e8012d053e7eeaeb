"""Every write a person can cause on partnerships and projects."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import roles
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import apply_transition, archive, lock, set_fields

from .models import Organisation, Partnership, PartnershipMember, Project, ProjectPartner


def project_create(
    *, actor: User, partnership, title, lead_organisation, reference: str = "", partners=None, **fields
) -> Project:
    """A draft project; `partners`, when given, are its (organisation, gives, receives) rows, saved with it or
    not at all."""
    r = roles.of(actor)
    if not (r.manages_partnership(partnership) or r.is_partner_of(lead_organisation.pk)):
        raise PermissionRefused("You can propose projects only for your own organisation.")
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
        if partners is not None:
            project_set_partners(project=project, actor=actor, partners=partners)
        return project


def _next_project_reference(partnership) -> str:
    prefix = "".join(word[0] for word in partnership.name.split() if word[0].isalpha()).upper()[:6] or "PRJ"
    n = Project.objects.filter(reference__startswith=f"{prefix}-").count() + 1
    while Project.objects.filter(reference=f"{prefix}-{n:03d}").exists():
        n += 1
    return f"{prefix}-{n:03d}"


def project_transition(*, project: Project, name: str, actor: User, note: str = "") -> Project:
    """Take step `name` (propose, start_review, approve, …) on a project, as `actor`."""
    with transaction.atomic():
        locked = lock(Project, project.pk)
        return apply_transition(locked, name, actor=actor, note=note)


# Partnerships and project details (the web forms) ---------------------------------------------

PARTNERSHIP_FIELDS = ("name", "region", "starts_on", "ends_on", "aims")
PROJECT_FIELDS = ("title", "theme", "summary", "settings_reached", "children_reached", "planned_start", "planned_end")
PROJECT_PARTNER_EDITABLE = (Project.State.DRAFT, Project.State.CHANGES_REQUESTED)


def _require_partnership_manager(partnership, actor: User, what: str):
    if not roles.of(actor).manages_partnership(partnership):
        raise PermissionRefused(f"Only the programme managers of {partnership} can {what}.")


def partnership_create(*, actor: User, lead_organisation, **fields) -> Partnership:
    """Set up a partnership led by an organisation the actor manages programmes for; the lead becomes a member."""
    r = roles.of(actor)
    if not (r.is_admin or lead_organisation.pk in r.manager_orgs):
        raise PermissionRefused("You can set up partnerships only for an organisation whose programmes you manage.")
    with transaction.atomic():
        partnership = Partnership(lead_organisation=lead_organisation)
        set_fields(partnership, fields, PARTNERSHIP_FIELDS)
        partnership.full_clean()
        partnership.save()
        PartnershipMember.objects.create(
            partnership=partnership,
            organisation=lead_organisation,
            role=PartnershipMember.Role.LEAD,
            joined_on=partnership.starts_on,
        )
        return partnership


def partnership_update(*, partnership: Partnership, actor: User, **fields) -> Partnership:
    with transaction.atomic():
        partnership = lock(Partnership, partnership.pk)
        _require_partnership_manager(partnership, actor, "change its details")
        set_fields(partnership, fields, PARTNERSHIP_FIELDS)
        partnership.full_clean()
        partnership.save()
        return partnership


def partnership_add_member(
    *, partnership: Partnership, actor: User, organisation, role: str = PartnershipMember.Role.MEMBER, joined_on=None
):
    with transaction.atomic():
        partnership = lock(Partnership, partnership.pk)
        _require_partnership_manager(partnership, actor, "add members")
        defaults = {"role": role} if joined_on is None else {"role": role, "joined_on": joined_on}
        member, _ = PartnershipMember.objects.update_or_create(
            partnership=partnership, organisation=organisation, defaults=defaults
        )
        return member


def project_edit_refusal(project: Project, actor: User) -> TransitionRefused | None:
    """Why `actor` may not change the project's details now, or None if they may."""
    r = roles.of(actor)
    state = project.get_state_display().lower()
    if r.manages_partnership(project.partnership):
        if project.state in Project.FINISHED_STATES:
            return TransitionRefused(f"This project is {state}; it can no longer change.")
        return None
    if r.is_partner_of(project.lead_organisation_id):
        if project.state not in PROJECT_PARTNER_EDITABLE:
            return TransitionRefused(
                f"This project is {state}; the lead organisation can change it "
                "only while it is a draft or changes are requested."
            )
        return None
    return PermissionRefused(
        "Only the lead organisation and the partnership's programme managers can change a project."
    )


def _require_project_editor(project: Project, actor: User):
    refusal = project_edit_refusal(project, actor)
    if refusal is not None:
        raise refusal


def project_update(*, project: Project, actor: User, partners=None, **fields) -> Project:
    """Change the project's details; `partners`, when given, replace its partner rows in the same step."""
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("partnership").get(pk=project.pk)
        _require_project_editor(project, actor)
        set_fields(project, fields, PROJECT_FIELDS)
        project.full_clean(exclude=["state"])
        project.save()
        if partners is not None:
            project_set_partners(project=project, actor=actor, partners=partners)
        return project


def project_set_partners(*, project: Project, actor: User, partners: list[tuple]) -> list[ProjectPartner]:
    """Replace the project's partner organisations with `partners`: (organisation, gives, receives) triples."""
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("partnership").get(pk=project.pk)
        _require_project_editor(project, actor)
        seen = set()
        allowed = _partner_organisation_ids(project)
        for organisation, gives, receives in partners:
            if organisation.pk not in allowed:
                raise ValidationError({"partners": _not_a_partner(organisation, project.partnership)})
            if organisation.pk in seen:
                raise ValidationError(f"{organisation} is listed twice.")
            if not (gives or receives):
                raise ValidationError(f"Mark {organisation} as giving support, receiving support, or both.")
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


def _partner_organisation_ids(project: Project) -> set[int]:
    """Who may be named a partner of `project`: its partnership's members (never a funder), and any partner
    already on it, so that an edit never drops one named before."""
    allowed = set(project.partnership.project_partner_choices().values_list("pk", flat=True))
    return allowed | set(project.partners.values_list("organisation_id", flat=True))


def _not_a_partner(organisation, partnership) -> str:
    if organisation.kind == Organisation.Kind.FUNDER:
        return f"{organisation} is a funder: a project's partners are the schools and organisations doing the work."
    return (
        f"{organisation} is not a member of {partnership}: a project's partners come from its partnership. "
        "Choose one of its members, or ask the partnership's programme managers to add it first."
    )


def project_archive(*, project: Project, actor: User, note: str = "") -> Project:
    with transaction.atomic():
        project = lock(Project, project.pk)
        allowed = roles.of(actor).manages_partnership(project.partnership)
        return archive(project, actor=actor, note=note, allowed=allowed)
