"""Calls for applications and the criteria their bids are judged on."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from grants.models import MONEY, ZERO, FundingProgramme
from partnerships.models import LocalAuthority, SubRegion
from workflow.text import NOTE, text_field

SIZE_BANDS = [
    ("Starter trust", "Starter trust (up to 5-6 schools, about 1,500 pupils)"),
    ("Established trust", "Established trust (5-15 schools)"),
    ("National trust", "National trust (15-30 schools)"),
    ("System leader trust", "System leader trust (30+ schools)"),
]


class Call(models.Model):
    """A programme's invitation to apply: when, who may, and what bids are judged on."""

    class Stages(models.IntegerChoices):
        ONE = 1, "One stage: a full application"
        TWO = 2, "Two stages: an expression of interest, then an invited full application"

    programme = models.ForeignKey(FundingProgramme, on_delete=models.PROTECT, related_name="calls")
    title = models.CharField(max_length=200)
    opens_at = models.DateTimeField("opens")
    closes_at = models.DateTimeField("closes")
    guidance = text_field(blank=True)
    eligible_kinds = models.JSONField(
        "kinds of organisation that may apply",
        default=list,
        blank=True,
        help_text="Empty: any kind of organisation.",
    )
    eligible_sub_regions = models.ManyToManyField(
        SubRegion, blank=True, related_name="+", verbose_name="sub-regions that may apply"
    )
    eligible_local_authorities = models.ManyToManyField(
        LocalAuthority, blank=True, related_name="+", verbose_name="local authorities that may apply"
    )
    eligible_size_bands = models.JSONField(
        "trust size bands that may apply", default=list, blank=True, help_text="Empty: a trust of any size."
    )
    max_amount = models.DecimalField(
        "most an application may ask for", **MONEY, null=True, blank=True, validators=[MinValueValidator(ZERO)]
    )
    stages = models.PositiveSmallIntegerField(choices=Stages.choices, default=Stages.ONE)
    full_closes_at = models.DateTimeField(
        "full applications close", null=True, blank=True, help_text="Two-stage calls: when invited bids are due."
    )
    blind = models.BooleanField(
        "blind assessment", default=False, help_text="Assessors do not see who is applying, only the bid."
    )
    disagreement_points = models.DecimalField(
        "flag assessors who differ by more than (points out of 100)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("20.00"),
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-closes_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="call_closes_after_opening"),
            models.CheckConstraint(
                condition=Q(full_closes_at__isnull=True) | Q(full_closes_at__gt=F("closes_at")),
                name="call_full_stage_after_first",
            ),
            models.CheckConstraint(condition=Q(stages__in=[1, 2]), name="call_one_or_two_stages"),
        ]

    def __str__(self):
        return f"{self.title} ({self.programme})"

    def is_open_at(self, moment) -> bool:
        return self.opens_at <= moment < self.closes_at

    def closes_for(self, application) -> object:
        """When `application`'s present stage closes."""
        if self.stages == 2 and application.stage == "full" and self.full_closes_at:
            return self.full_closes_at
        return self.closes_at


class Criterion(models.Model):
    """What bids are judged on: a weight, a scale from 0 and what each score means."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=200)
    guidance = text_field(blank=True, max_length=NOTE)
    weight = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(100)])
    scale_max = models.PositiveSmallIntegerField(
        "highest score", default=5, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    score_guidance = text_field(
        "what each score means", blank=True, max_length=NOTE, help_text="One line per score, from 0 upwards."
    )

    class Meta:
        ordering = ["call", "position", "id"]
        verbose_name_plural = "criteria"
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1), name="criterion_weight_positive"),
            models.CheckConstraint(condition=Q(scale_max__gte=1), name="criterion_scale_positive"),
        ]

    def __str__(self):
        return f"{self.title} (weight {self.weight}, 0–{self.scale_max})"

    def guidance_lines(self) -> list[tuple[int, str]]:
        lines = [line.strip() for line in self.score_guidance.splitlines() if line.strip()]
        return list(enumerate(lines))[: self.scale_max + 1]
