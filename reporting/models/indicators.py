"""Outcome indicators: what a project or an award measures, with a baseline and a target.

The partner proposes them with the application or proposal; a programme manager confirms them (as
proposed or edited). One a manager sets up is confirmed from the start."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition

from grants.models import Award
from grants.subjects import Subject, holder_constraint
from partnerships.models import Project


def _manages_indicator(indicator, user) -> bool:
    return Subject.of(indicator).manages(user)


class Indicator(FSMModelMixin, models.Model):
    """An outcome measure on a project or an award: children reached, teachers retained, attendance…"""

    class Direction(models.TextChoices):
        INCREASE = "increase", "Higher is better"
        DECREASE = "decrease", "Lower is better"

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed by the partner"
        CONFIRMED = "confirmed", "Confirmed"

    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators")
    award = models.ForeignKey(Award, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=40, help_text="children, settings, teachers, %, points…")
    baseline = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    target = models.DecimalField(max_digits=14, decimal_places=2)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.INCREASE)
    cumulative = models.BooleanField(
        default=True,
        help_text="Results add up over periods (children reached); otherwise the latest counts (attendance %).",
    )
    allow_negative = models.BooleanField(
        default=False, help_text="Allow results below zero (a change in a progress score, for example)."
    )
    breakdowns = models.CharField(
        max_length=300,
        blank=True,
        help_text="Optional parts a result can be broken into, comma-separated: "
        "“Primary, Secondary” or “Disadvantaged pupils”.",
    )
    state = FSMField(max_length=20, choices=State.choices, default=State.CONFIRMED, protected=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [holder_constraint("indicator")]

    def __str__(self):
        return f"{self.name} ({self.unit})"

    @transition(
        state,
        source=State.PROPOSED,
        target=State.CONFIRMED,
        permission=_manages_indicator,
        custom={"label": "Confirm", "style": "primary"},
    )
    def confirm(self):
        """A programme manager agrees the measure the partner proposed (after any edits)."""

    @property
    def is_percentage(self) -> bool:
        return self.unit.strip().lower() in {"%", "percent", "per cent", "percentage"}

    @property
    def breakdown_labels(self) -> list[str]:
        return [label.strip() for label in self.breakdowns.split(",") if label.strip()]
