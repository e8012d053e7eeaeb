"""The evaluation written when work enters evaluation: outcomes, what worked, lessons."""

from django.conf import settings
from django.db import models

from grants.models import Award
from grants.subjects import Subject, holder_constraint
from partnerships.models import Project
from workflow.text import text_field


class Evaluation(models.Model):
    """Written when work enters evaluation; completing the work requires a completed one."""

    class Rating(models.TextChoices):
        EXCEEDED = "exceeded", "Exceeded its aims"
        MET = "met", "Met its aims"
        PARTLY = "partly", "Partly met its aims"
        NOT_MET = "not_met", "Did not meet its aims"

    class Stage(models.TextChoices):
        DECLUTTER = "declutter", "De-clutter"
        REPAIR = "repair", "Repair"
        IMPROVE = "improve", "Improve"
        SUSTAIN = "sustain", "Sustain"

    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.PROTECT, related_name="evaluations")
    award = models.ForeignKey(Award, null=True, blank=True, on_delete=models.PROTECT, related_name="evaluations")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    evaluator_name = models.CharField(max_length=200, blank=True, help_text="An outside evaluator, if any.")
    outcomes = text_field("outcomes against targets", blank=True)
    what_worked = text_field(blank=True)
    what_did_not_work = text_field(blank=True)
    lessons = text_field("lessons for other schools", blank=True)
    rating = models.CharField(max_length=20, choices=Rating.choices, blank=True)
    stage_reached = models.CharField("stage of improvement reached", max_length=20, choices=Stage.choices, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [holder_constraint("evaluation")]

    def __str__(self):
        return f"Evaluation of {self.subject.reference}"

    @property
    def subject(self) -> Subject:
        """The award or project evaluated."""
        return Subject.of(self)
