"""Every write a person can cause on partnerships and projects."""

from django.db import transaction

from workflow.services import apply_transition, archive, lock

from . import roles
from .models import Project


def project_create(*, actor, partnership, title, lead_organisation, reference: str = "", **fields) -> Project:
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
