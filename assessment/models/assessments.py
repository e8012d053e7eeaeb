"""Assessors' assignments, the conflicts that stand them aside, and their scores."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition

from accounts import roles
from workflow.rules import guard
from workflow.text import NOTE, text_field

from .applications import Application
from .calls import Criterion


def _is_the_assessor(assignment, user) -> bool:
    return user is not None and assignment.assessor_id == user.pk


def _assessor_or_manager(assignment, user) -> bool:
    return _is_the_assessor(assignment, user) or roles.of(user).manages_programme(assignment.application.call.programme)


def _manages(assignment, user) -> bool:
    return roles.of(user).manages_programme(assignment.application.call.programme)


@guard(lambda a: "Score every criterion and give a recommendation before submitting: " + "; ".join(a.gaps()) + ".")
def _assessment_is_complete(assignment) -> bool:
    return not assignment.gaps()


class Assignment(FSMModelMixin, models.Model):
    """A person asked to assess one application: their declaration, scores and recommendation."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", "Waiting for a declaration"
        OPEN = "open", "Assessing"
        SUBMITTED = "submitted", "Scores submitted"
        STOOD_ASIDE = "stood_aside", "Stood aside (conflict of interest)"

    class Recommendation(models.TextChoices):
        FUND = "fund", "Fund"
        FUND_WITH_CONDITIONS = "conditions", "Fund with conditions"
        DO_NOT_FUND = "do_not_fund", "Do not fund"

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="assignments")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = FSMField(max_length=20, choices=State.choices, default=State.ASSIGNED, protected=True, db_index=True)
    recommendation = models.CharField(max_length=20, choices=Recommendation.choices, blank=True)
    comment = text_field("overall comment", blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "assessor__username"]
        constraints = [
            models.UniqueConstraint(fields=["application", "assessor"], name="one_assignment_per_assessor"),
        ]

    def __str__(self):
        return f"{self.assessor} on {self.application.award.identifier}"

    def gaps(self) -> list[str]:
        scored = {s.criterion_id for s in self.scores.all()}
        missing = [f"“{c.title}” has no score" for c in self.application.call.criteria.all() if c.pk not in scored]
        if not self.recommendation:
            missing.append("no recommendation")
        return missing

    @transition(
        state,
        source=State.ASSIGNED,
        target=State.OPEN,
        permission=_is_the_assessor,
        custom={"label": "Declare no conflict and open", "style": "primary"},
    )
    def declare_none(self, *, at):
        self.declared_at = at

    @transition(
        state,
        source=[State.ASSIGNED, State.OPEN, State.SUBMITTED],
        target=State.STOOD_ASIDE,
        permission=_assessor_or_manager,
        custom={"label": "Declare a conflict of interest", "note_required": True, "style": "warning"},
    )
    def stand_aside(self, *, at):
        self.declared_at = self.declared_at or at

    @transition(
        state,
        source=State.OPEN,
        target=State.SUBMITTED,
        conditions=[_assessment_is_complete],
        permission=_is_the_assessor,
        custom={"label": "Submit scores", "style": "primary"},
    )
    def submit(self, *, at):
        self.submitted_at = at

    @transition(
        state,
        source=State.SUBMITTED,
        target=State.OPEN,
        permission=_manages,
        custom={"label": "Reopen scores", "note_required": True, "style": "warning"},
    )
    def reopen(self):
        self.submitted_at = None


class Conflict(models.Model):
    """Why an assessor stood aside: what they declared, or what Exchange found."""

    class Source(models.TextChoices):
        DECLARED = "declared", "Declared by the assessor"
        DETECTED = "detected", "Found by Exchange"

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="conflict")
    source = models.CharField(max_length=20, choices=Source.choices)
    reason = text_field(max_length=NOTE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self):
        return f"{self.assignment}: {self.reason}"


class Score(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10)])
    comment = text_field(blank=True, max_length=NOTE)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="one_score_per_criterion"),
        ]

    def __str__(self):
        return f"{self.criterion.title}: {self.score}"
