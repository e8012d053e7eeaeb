"""Collaboration projects, their workflow, and the organisations giving and receiving support."""

from django.conf import settings
from django.db import models
from django.db.models import F, ProtectedError, Q
from django_fsm import FSMField, FSMModelMixin, transition

from accounts import roles
from workflow.dates import grant_date
from workflow.rules import guard
from workflow.text import text_field

from .organisations import Organisation
from .partnerships import Partnership


def _manages_project(project, user) -> bool:
    return roles.of(user).manages_partnership(project.partnership)


def _leads_or_manages_project(project, user) -> bool:
    r = roles.of(user)
    return r.manages_partnership(project.partnership) or r.is_partner_of(project.lead_organisation_id)


@guard("The project needs a summary, a theme and planned start and end dates before it can be proposed.")
def _project_is_complete(project) -> bool:
    return bool(project.summary.strip() and project.theme and project.planned_start and project.planned_end)


class Project(FSMModelMixin, models.Model):
    """A collaboration project inside a partnership, from proposal to evaluation."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PROPOSED = "proposed", "Proposed"
        UNDER_REVIEW = "under_review", "Under review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        IN_DELIVERY = "in_delivery", "In delivery"
        ON_HOLD = "on_hold", "On hold"
        IN_EVALUATION = "in_evaluation", "In evaluation"
        COMPLETED = "completed", "Completed"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Theme(models.TextChoices):
        SCHOOL_TO_SCHOOL = "school_to_school", "School-to-school support"
        PEER_REVIEW = "peer_review", "Peer review"
        WELLBEING = "wellbeing", "Wellbeing"
        RECRUITMENT = "recruitment", "Teacher recruitment and retention"
        POST16 = "post16", "Post-16 transitions"
        CURRICULUM = "curriculum", "Curriculum"
        LEADERSHIP = "leadership", "Leadership development"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="projects")
    reference = models.CharField(max_length=30, unique=True)
    title = models.CharField(max_length=200)
    lead_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="led_projects")
    theme = models.CharField(max_length=30, choices=Theme.choices, blank=True)
    summary = text_field(blank=True)
    settings_reached = models.PositiveIntegerField(default=0, help_text="Schools and other settings reached.")
    children_reached = models.PositiveIntegerField(default=0)
    planned_start = models.DateField(validators=[grant_date], null=True, blank=True)
    planned_end = models.DateField(validators=[grant_date], null=True, blank=True)
    state = FSMField(max_length=30, choices=State.choices, default=State.DRAFT, protected=True, db_index=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(
        null=True, blank=True, help_text="Archived projects leave the working lists; they are never deleted."
    )

    FINISHED_STATES = (State.COMPLETED, State.REJECTED, State.WITHDRAWN)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="project_newest_first")]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gt=F("planned_start")),
                name="project_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def delete(self, *args, **kwargs):
        raise ProtectedError("Projects keep their history: archive a finished project instead of deleting it.", {self})

    @transition(
        state,
        source=State.DRAFT,
        target=State.PROPOSED,
        conditions=[_project_is_complete],
        permission=_leads_or_manages_project,
        custom={"label": "Propose", "style": "primary"},
    )
    def propose(self):
        pass

    @transition(
        state,
        source=State.PROPOSED,
        target=State.UNDER_REVIEW,
        permission=_manages_project,
        custom={"label": "Start review", "style": "primary"},
    )
    def start_review(self):
        pass

    @transition(
        state,
        source=[State.PROPOSED, State.UNDER_REVIEW],
        target=State.CHANGES_REQUESTED,
        permission=_manages_project,
        custom={"label": "Request changes", "note_required": True},
    )
    def request_changes(self):
        pass

    @transition(
        state,
        source=State.CHANGES_REQUESTED,
        target=State.PROPOSED,
        conditions=[_project_is_complete],
        permission=_leads_or_manages_project,
        custom={"label": "Resubmit", "style": "primary"},
    )
    def resubmit(self):
        pass

    @transition(
        state,
        source=State.UNDER_REVIEW,
        target=State.APPROVED,
        permission=_manages_project,
        custom={"label": "Approve", "style": "primary"},
    )
    def approve(self):
        pass

    @transition(
        state,
        source=[State.PROPOSED, State.UNDER_REVIEW],
        target=State.REJECTED,
        permission=_manages_project,
        custom={"label": "Reject", "note_required": True, "style": "warning"},
    )
    def reject(self):
        pass

    @transition(
        state,
        source=[State.DRAFT, State.PROPOSED, State.UNDER_REVIEW, State.CHANGES_REQUESTED, State.APPROVED],
        target=State.WITHDRAWN,
        permission=_leads_or_manages_project,
        custom={"label": "Withdraw", "note_required": True, "style": "warning"},
    )
    def withdraw(self):
        pass

    @transition(
        state,
        source=State.APPROVED,
        target=State.IN_DELIVERY,
        permission=_manages_project,
        custom={"label": "Start delivery", "style": "primary"},
    )
    def start_delivery(self):
        pass

    @transition(
        state,
        source=State.IN_DELIVERY,
        target=State.ON_HOLD,
        permission=_manages_project,
        custom={"label": "Put on hold", "note_required": True, "style": "warning"},
    )
    def put_on_hold(self):
        pass

    @transition(
        state,
        source=State.ON_HOLD,
        target=State.IN_DELIVERY,
        permission=_manages_project,
        custom={"label": "Resume delivery", "style": "primary"},
    )
    def resume(self):
        pass

    @transition(
        state,
        source=State.IN_DELIVERY,
        target=State.IN_EVALUATION,
        permission=_manages_project,
        custom={"label": "Begin evaluation", "style": "primary"},
    )
    def begin_evaluation(self):
        pass

    @transition(
        state,
        source=State.IN_EVALUATION,
        target=State.COMPLETED,
        # reporting adds: the evaluation complete (reporting.closing)
        permission=_manages_project,
        custom={"label": "Complete", "style": "primary"},
    )
    def complete(self):
        pass


class ProjectPartner(models.Model):
    """An organisation taking part in a project; every school a giver and receiver of support."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="project_roles")
    gives_support = models.BooleanField(default=False)
    receives_support = models.BooleanField(default=False)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation"], name="unique_project_partner"),
            models.CheckConstraint(
                condition=Q(gives_support=True) | Q(receives_support=True), name="project_partner_gives_or_receives"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} in {self.project.reference}"
