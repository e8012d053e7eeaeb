"""When partners report: schedules, extra due dates, extensions, and the reminders sent about them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from grants.models import Award
from grants.subjects import Subject, holder_constraint
from partnerships.models import Project
from workflow import clock
from workflow.dates import grant_date
from workflow.text import NOTE, text_field


class ReportingSchedule(models.Model):
    """When a partner reports on an award (or on a project that has no award).

    Due periods are derived from it (reporting.periods), plus ad-hoc dates a manager adds;
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
            holder_constraint("schedule"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="schedule_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.get_frequency_display()} reporting for {self.subject.reference}"

    @property
    def subject(self) -> Subject:
        return Subject.of(self)


class AdHocDueDate(models.Model):
    """An extra report a manager asks for outside the regular schedule."""

    schedule = models.ForeignKey(ReportingSchedule, on_delete=models.CASCADE, related_name="ad_hoc_dates")
    label = models.CharField(max_length=120, blank=True)
    period_start = models.DateField(validators=[grant_date])
    period_end = models.DateField(validators=[grant_date])
    due_on = models.DateField(validators=[grant_date])
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=clock.now, editable=False)

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
    extended_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["extended_at", "id"]
        indexes = [models.Index(fields=["schedule", "period_end"])]

    def __str__(self):
        return f"Due date {self.original_due_on:%d %b %Y} moved to {self.new_due_on:%d %b %Y}"


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
    sent_at = models.DateTimeField(auto_now_add=True)  # recorded (and listed in the inbox) at this moment
    delivery = models.CharField(
        max_length=10,
        default="immediate",
        help_text="How the person chose to hear of it: immediate, digest (the daily email) or off (inbox only).",
    )
    emailed_at = models.DateTimeField(null=True, blank=True, help_text="When its email went (alone or in a digest).")

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-sent_at"], name="reminder_inbox_newest_first"),
            models.Index(
                fields=["recipient"],
                name="reminder_digest_waiting",
                condition=models.Q(emailed_at__isnull=True, delivery="digest"),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.email}: {self.subject_repr}"
