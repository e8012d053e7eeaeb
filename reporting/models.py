"""Outcome indicators, partners' progress updates and evaluations."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, ProtectedError, Q
from django_fsm import FSMField, FSMModelMixin, transition

from grants.models import MONEY, Award
from partnerships import roles
from partnerships.models import LocalAuthority, Project
from workflow.dates import grant_date
from workflow.rules import guard
from workflow.text import NOTE, text_field


def _one_of_project_or_award(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(Q(project__isnull=False, award__isnull=True) | Q(project__isnull=True, award__isnull=False)),
        name=f"{prefix}_for_project_or_award",
    )


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
        constraints = [_one_of_project_or_award("indicator")]

    def __str__(self):
        return f"{self.name} ({self.unit})"

    @property
    def is_percentage(self) -> bool:
        return self.unit.strip().lower() in {"%", "percent", "per cent", "percentage"}

    @property
    def breakdown_labels(self) -> list[str]:
        return [label.strip() for label in self.breakdowns.split(",") if label.strip()]


def _owner_organisation_id(update) -> int:
    return update.award.recipient_id if update.award_id else update.project.lead_organisation_id


def _writes_update(update, user) -> bool:
    return roles.of(user).is_partner_of(_owner_organisation_id(update))


def _reviews_update(update, user) -> bool:
    r = roles.of(user)
    if update.award_id:
        return r.manages_programme(update.award.programme)
    return r.manages_partnership(update.project.partnership)


@guard("The update needs a summary of progress before it can be submitted.")
def _update_has_narrative(update) -> bool:
    return bool(update.progress.strip())


class ProgressUpdate(FSMModelMixin, models.Model):
    """What a partner reports for a period: narrative, indicator results, spend and reach."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        RESUBMITTED = "resubmitted", "Resubmitted"
        ACCEPTED = "accepted", "Accepted"

    award = models.ForeignKey(Award, null=True, blank=True, on_delete=models.PROTECT, related_name="progress_updates")
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="progress_updates"
    )
    period_start = models.DateField(validators=[grant_date])
    period_end = models.DateField(validators=[grant_date])
    due_on = models.DateField(validators=[grant_date], null=True, blank=True)
    is_final = models.BooleanField(default=False, help_text="The last update of the award or project.")
    progress = text_field("progress made", blank=True)
    challenges = text_field(blank=True)
    next_steps = text_field(blank=True)
    spend_to_date = models.DecimalField(**MONEY, default=Decimal("0.00"))
    settings_reached = models.PositiveIntegerField(default=0)
    children_reached = models.PositiveIntegerField(default=0)
    state = FSMField(max_length=30, choices=State.choices, default=State.DRAFT, protected=True, db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = text_field(blank=True, max_length=NOTE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        indexes = [models.Index(fields=["-period_end", "-id"], name="update_newest_period_first")]
        constraints = [
            _one_of_project_or_award("update"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="update_period_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(spend_to_date__gte=0), name="update_spend_not_negative"),
        ]

    def __str__(self):
        subject = self.award.identifier if self.award_id else self.project.reference
        return f"Update for {subject}, {self.period_label}"

    def delete(self, *args, **kwargs):
        raise ProtectedError("Progress updates keep their history: they are never deleted.", {self})

    @property
    def period_label(self) -> str:
        return f"{self.period_start:%d %b %Y} to {self.period_end:%d %b %Y}"

    @property
    def organisation_id(self) -> int:
        return _owner_organisation_id(self)

    @transition(
        state,
        source=State.DRAFT,
        target=State.SUBMITTED,
        conditions=[_update_has_narrative],
        permission=_writes_update,
        custom={"label": "Submit", "style": "primary"},
    )
    def submit(self, *, at):
        self.submitted_at = at

    @transition(
        state,
        source=[State.SUBMITTED, State.RESUBMITTED],
        target=State.ACCEPTED,
        permission=_reviews_update,
        custom={"label": "Accept", "style": "primary"},
    )
    def accept(self, *, by, at):
        self.reviewed_by = by
        self.reviewed_at = at

    @transition(
        state,
        source=[State.SUBMITTED, State.RESUBMITTED],
        target=State.CHANGES_REQUESTED,
        permission=_reviews_update,
        custom={"label": "Request changes", "note_required": True},
    )
    def request_changes(self, *, by, at, review_note: str):
        self.reviewed_by = by
        self.reviewed_at = at
        self.review_note = review_note

    @transition(
        state,
        source=State.CHANGES_REQUESTED,
        target=State.RESUBMITTED,
        conditions=[_update_has_narrative],
        permission=_writes_update,
        custom={"label": "Resubmit", "style": "primary"},
    )
    def resubmit(self, *, at):
        self.submitted_at = at

    @transition(
        state,
        source=State.ACCEPTED,
        target=State.CHANGES_REQUESTED,
        permission=_reviews_update,
        custom={"label": "Reopen", "note_required": True, "style": "warning"},
    )
    def reopen(self, *, by, at, review_note: str):
        self.reviewed_by = by
        self.reviewed_at = at
        self.review_note = review_note


class IndicatorResult(models.Model):
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="results")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="results")
    value = models.DecimalField(max_digits=14, decimal_places=2)
    note = text_field(blank=True, max_length=NOTE, help_text="Qualitative notes, kept apart from the figure.")
    breakdown = models.JSONField(
        default=dict, blank=True, help_text="Parts of the figure by the indicator's breakdowns: {label: number}."
    )

    class Meta:
        ordering = ["indicator__name"]
        constraints = [models.UniqueConstraint(fields=["update", "indicator"], name="unique_result_per_update")]

    def __str__(self):
        return f"{self.indicator}: {self.value}"


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
        constraints = [_one_of_project_or_award("evaluation")]

    def __str__(self):
        subject = self.award.identifier if self.award_id else self.project.reference
        return f"Evaluation of {subject}"


class ReportingSchedule(models.Model):
    """When a partner reports on an award (or on a project that has no award).

    Due periods are derived from it (reporting.schedules), plus ad-hoc dates a manager adds;
    extensions move a single due date and keep who, when and why.
    """

    Frequency = Award.Frequency

    award = models.OneToOneField(
        Award, null=True, blank=True, on_delete=models.CASCADE, related_name="reporting_schedule"
    )
    project = models.OneToOneField(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="reporting_schedule"
    )
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.TERMLY)
    starts_on = models.DateField(validators=[grant_date])
    ends_on = models.DateField(validators=[grant_date])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            _one_of_project_or_award("schedule"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="schedule_ends_after_start"),
        ]

    def __str__(self):
        subject = self.award.identifier if self.award_id else self.project.reference
        return f"{self.get_frequency_display()} reporting for {subject}"

    @property
    def subject(self):
        return self.award if self.award_id else self.project


class AdHocDueDate(models.Model):
    """An extra report a manager asks for outside the regular schedule."""

    schedule = models.ForeignKey(ReportingSchedule, on_delete=models.CASCADE, related_name="ad_hoc_dates")
    label = models.CharField(max_length=120, blank=True)
    period_start = models.DateField(validators=[grant_date])
    period_end = models.DateField(validators=[grant_date])
    due_on = models.DateField(validators=[grant_date])
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="adhoc_period_ends_after_start"
            ),
            models.UniqueConstraint(fields=["schedule", "period_start", "period_end"], name="unique_adhoc_period"),
        ]

    def __str__(self):
        return f"Ad-hoc report due {self.due_on:%d %b %Y}"


class DueDateExtension(models.Model):
    """A due date moved by a manager: the latest extension for a period wins; all are kept."""

    schedule = models.ForeignKey(ReportingSchedule, on_delete=models.CASCADE, related_name="extensions")
    period_end = models.DateField(validators=[grant_date], help_text="Identifies the due period (with the schedule).")
    original_due_on = models.DateField(validators=[grant_date])
    new_due_on = models.DateField(validators=[grant_date])
    reason = text_field(max_length=NOTE)
    extended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    extended_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["extended_at", "id"]
        indexes = [models.Index(fields=["schedule", "period_end"])]

    def __str__(self):
        return f"Due date {self.original_due_on:%d %b %Y} moved to {self.new_due_on:%d %b %Y}"


class ReachByLocalAuthority(models.Model):
    """Settings and children an update reached in one local authority."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="reach")
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    settings_reached = models.PositiveIntegerField(default=0)
    children_reached = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["local_authority__name"]
        verbose_name_plural = "reach by local authority"
        constraints = [
            models.UniqueConstraint(fields=["update", "local_authority"], name="unique_reach_per_local_authority")
        ]

    def __str__(self):
        return f"{self.local_authority}: {self.settings_reached} settings, {self.children_reached} children"


EVIDENCE_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "text/csv": ".csv",
    "text/plain": ".txt",
}


def _evidence_path(instance, filename) -> str:
    # The stored name never comes from the uploader: a random name with the extension of the detected type.
    return f"evidence/{uuid.uuid4().hex}{EVIDENCE_TYPES.get(instance.content_type, '.bin')}"


class EvidenceFile(models.Model):
    """A file attached to an update; its type is read from its content and it is served only by a view
    that checks who may see the update."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=_evidence_path, max_length=300)
    original_name = models.CharField(max_length=200, help_text="The uploader's file name, cleaned, for display.")
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(validators=[MinValueValidator(1)])
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class SentReminder(models.Model):
    """One reminder email, recorded under a unique key so the same reminder is never sent twice."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due soon (to partner)"
        OVERDUE = "overdue", "Overdue (to partner)"
        MANAGER_OVERDUE = "manager_overdue", "Overdue work (to manager)"

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    email = models.EmailField()
    subject_repr = models.CharField(max_length=300)
    due_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.email}: {self.subject_repr}"
