"""Calls for applications, the applications teams write to them, and how assessors judge them.

An application is an award in draft (grants.Award) with what assessment adds: its call, the
organisations bidding with the lead, its sections, and the panel's decision. Assessors are people with
an assignment to an application; whether they may open it follows from their declaration and from the
conflicts Exchange finds itself (assessment/scopes.py, the one rule)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django_fsm import FSMField, FSMModelMixin, transition

from accounts import roles
from grants.models import MONEY, ZERO, Award, FundingProgramme
from partnerships.models import LocalAuthority, Organisation, SubRegion
from workflow.rules import guard
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
        if self.stages == 2 and application.stage == Application.Stage.FULL and self.full_closes_at:
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
    role = models.CharField(max_length=20, choices=Role.choices)
    gives_support = models.BooleanField(default=False)
    receives_support = models.BooleanField(default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["application", "organisation"], name="one_place_per_organisation_in_bid"),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"


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
