"""An application (an award in draft, written by a team for a call) and the organisations in its bid."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from grants.models import Award
from partnerships.models import Organisation
from workflow.text import text_field

from .calls import Call


class Application(models.Model):
    """An award in draft, written by a team for a call, and what the panel decided about it."""

    class Stage(models.TextChoices):
        EOI = "eoi", "Expression of interest"
        FULL = "full", "Full application"

    class EoiOutcome(models.TextChoices):
        NONE = "", "Not yet submitted"
        SUBMITTED = "submitted", "Submitted"
        INVITED = "invited", "Invited to a full application"
        NOT_INVITED = "not_invited", "Not invited"

    class Decision(models.TextChoices):
        NONE = "", "Not decided"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="application")
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.FULL)
    eoi_outcome = models.CharField(max_length=20, choices=EoiOutcome.choices, blank=True, default="")
    # The sections a team writes (the budget lines come with the money work; the section waits for them).
    project_summary = text_field("the project", blank=True)
    outcomes = text_field("outcomes and how you will know", blank=True)
    match_funding = text_field("match funding", blank=True)
    budget_summary = text_field("budget", blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True, default="")
    decision_reasons = text_field("the panel's reasons", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    feedback = text_field("feedback for the applicant", blank=True)
    feedback_shared = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return str(self.award)


class ApplicationOrganisation(models.Model):
    """An organisation in a bid beside the lead: a co-applicant (its people may edit the application)
    or a school taking part, giving and/or receiving support."""

    class Role(models.TextChoices):
        CO_APPLICANT = "co_applicant", "Co-applicant"
        SCHOOL = "school", "School taking part"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="organisations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Invitation(models.TextChoices):
        NONE = "", "Not an invitation (a school taking part)"
        PENDING = "pending", "Invited, not yet answered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    role = models.CharField(max_length=20, choices=Role.choices)
    # A co-applicant is invited by the lead; its people edit the application only once one of them accepts.
    invitation = models.CharField(max_length=20, choices=Invitation.choices, blank=True, default="")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    gives_support = models.BooleanField(default=False)
    receives_support = models.BooleanField(default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["application", "organisation"], name="one_place_per_organisation_in_bid"),
            models.CheckConstraint(
                condition=(Q(role="school") & Q(invitation=""))
                | (Q(role="co_applicant") & Q(invitation__in=["pending", "accepted", "declined"])),
                name="co_applicants_are_invited_schools_are_not",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"

    @property
    def is_team(self) -> bool:
        """A co-applicant that accepted: its people write the application with the lead."""
        return self.role == self.Role.CO_APPLICANT and self.invitation == self.Invitation.ACCEPTED

    @property
    def is_pending(self) -> bool:
        return self.role == self.Role.CO_APPLICANT and self.invitation == self.Invitation.PENDING
