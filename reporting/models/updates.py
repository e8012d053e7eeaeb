"""A partner's progress update for a period: narrative, indicator results, spend, reach and evidence files."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, ProtectedError, Q
from django_fsm import FSMField, FSMModelMixin, transition

from grants.models import MONEY, Award
from grants.subjects import Subject, holder_constraint
from partnerships.models import LocalAuthority, Project
from workflow.dates import grant_date
from workflow.rules import guard
from workflow.text import NOTE, text_field

from ..periods import period_words
from .indicators import Indicator


def _writes_update(update, user) -> bool:
    return update.subject.is_owned_by(user)


def _reviews_update(update, user) -> bool:
    return update.subject.manages(user)


@guard("You wrote this update, so another programme manager must review it (separation of duties).")
def _someone_else_wrote_it(update, user) -> bool:
    return update.author_id is None or update.author_id != user.pk


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
    review_note = text_field(max_length=NOTE, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        indexes = [models.Index(fields=["-period_end", "-id"], name="update_newest_period_first")]
        constraints = [
            holder_constraint("update"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="update_period_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(spend_to_date__gte=0), name="update_spend_not_negative"),
        ]

    def __str__(self):
        return f"Update for {self.subject.reference}, {self.period_label}"

    def delete(self, *args, **kwargs):
        raise ProtectedError("Progress updates keep their history: they are never deleted.", {self})

    @property
    def period_label(self) -> str:
        return period_words(self.period_start, self.period_end)

    @property
    def subject(self) -> Subject:
        """The award or project this update reports on."""
        return Subject.of(self)

    @property
    def organisation_id(self) -> int:
        return self.subject.owner_id

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
        custom={"label": "Accept", "style": "primary", "person_rules": [_someone_else_wrote_it]},
    )
    def accept(self, *, by, at):
        self.reviewed_by = by
        self.reviewed_at = at

    @transition(
        state,
        source=[State.SUBMITTED, State.RESUBMITTED],
        target=State.CHANGES_REQUESTED,
        permission=_reviews_update,
        custom={"label": "Request changes", "note_required": True, "person_rules": [_someone_else_wrote_it]},
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
        custom={"label": "Reopen", "note_required": True, "style": "warning", "person_rules": [_someone_else_wrote_it]},
    )
    def reopen(self, *, by, at, review_note: str):
        self.reviewed_by = by
        self.reviewed_at = at
        self.review_note = review_note


class IndicatorResult(models.Model):
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="results")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="results")
    value = models.DecimalField(max_digits=14, decimal_places=2)
    note = text_field(max_length=NOTE, blank=True, help_text="Qualitative notes, kept apart from the figure.")
    breakdown = models.JSONField(
        default=dict, blank=True, help_text="Parts of the figure by the indicator's breakdowns: {label: number}."
    )

    class Meta:
        ordering = ["indicator__name"]
        constraints = [models.UniqueConstraint(fields=["update", "indicator"], name="unique_result_per_update")]

    def __str__(self):
        return f"{self.indicator}: {self.value}"


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
