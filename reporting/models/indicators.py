"""Outcome indicators: what a project or an award measures, with a baseline and a target."""

from decimal import Decimal

from django.db import models

from grants.models import Award
from grants.subjects import holder_constraint
from partnerships.models import Project


class Indicator(models.Model):
    """An outcome measure on a project or an award: children reached, teachers retained, attendance…"""

    class Direction(models.TextChoices):
        INCREASE = "increase", "Higher is better"
        DECREASE = "decrease", "Lower is better"

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

    class Meta:
        ordering = ["name", "id"]
        constraints = [holder_constraint("indicator")]

    def __str__(self):
        return f"{self.name} ({self.unit})"

    @property
    def is_percentage(self) -> bool:
        return self.unit.strip().lower() in {"%", "percent", "per cent", "percentage"}

    @property
    def breakdown_labels(self) -> list[str]:
        return [label.strip() for label in self.breakdowns.split(",") if label.strip()]
