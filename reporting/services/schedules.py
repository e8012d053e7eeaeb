"""Writes on when partners report: a subject's schedule, extra due dates and extensions."""

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from grants.subjects import Subject
from workflow.dates import require_in_range
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import lock

from .. import periods, selectors
from ..models import AdHocDueDate, DueDateExtension, ReportingSchedule


def subject_manage_refusal(subject: Subject, actor: User, what: str) -> PermissionRefused | None:
    """Why `actor` may not manage the reporting of `subject` (to `what`), or None if they may."""
    if not subject.manages(actor):
        return PermissionRefused(f"Only a programme manager of {subject} can {what}.")
    return None


def require_subject_manager(subject: Subject, actor: User, what: str) -> None:
    refusal = subject_manage_refusal(subject, actor, what)
    if refusal is not None:
        raise refusal


def _locked(award, project) -> Subject:
    given = Subject.given(award, project)
    return Subject(lock(given.kind.model, given.pk))


def _ensure_schedule(subject: Subject, actor: User) -> ReportingSchedule:
    """The saved schedule of a subject, saving its default one first (it is about to get ad-hoc dates
    or extensions, which need a row to hang on)."""
    if subject.reports_through_award:
        raise TransitionRefused(f"{subject} is funded by an award: its reports follow the award's schedule.")
    schedule = selectors.schedule_for(subject.obj)
    if schedule is None:
        raise TransitionRefused(
            f"{subject} has no planned start and end dates, so it has no reporting schedule yet. Set one first."
        )
    if schedule.pk is None:
        schedule.created_by = actor
        schedule.save()
    return schedule


def schedule_save(
    *, actor: User, frequency: str, starts_on: dt.date, ends_on: dt.date, award=None, project=None
) -> ReportingSchedule:
    """Set how often and between which dates a partner reports on an award or an unfunded project."""
    with transaction.atomic():
        subject = _locked(award, project)
        require_subject_manager(subject, actor, "change its reporting schedule")
        if frequency not in ReportingSchedule.Frequency.values:
            raise ValidationError({"frequency": "Choose how often the partner reports."})
        require_in_range(starts_on=starts_on, ends_on=ends_on)
        if ends_on < starts_on:
            raise ValidationError({"ends_on": "The schedule must end on or after the day it starts."})
        too_many = periods.too_many_periods(frequency, starts_on, ends_on)
        if too_many:
            raise ValidationError({"ends_on": too_many})
        schedule = _ensure_schedule(subject, actor)
        schedule.frequency, schedule.starts_on, schedule.ends_on = frequency, starts_on, ends_on
        schedule.save()
        if subject.kind.frequency_field and subject.own_frequency != frequency:
            # The award's own field shows on award pages and exports; keep it in step with the schedule.
            setattr(subject.obj, subject.kind.frequency_field, frequency)
            subject.obj.save(update_fields=[subject.kind.frequency_field, "updated_at"])
        return schedule


def due_date_add(
    *,
    actor: User,
    due_on: dt.date,
    period_start: dt.date,
    period_end: dt.date,
    label: str = "",
    award=None,
    project=None,
) -> AdHocDueDate:
    """An extra report outside the regular schedule (a report for a board meeting, say)."""
    with transaction.atomic():
        subject = _locked(award, project)
        require_subject_manager(subject, actor, "add due dates")
        require_in_range(due_on=due_on, period_start=period_start, period_end=period_end)
        errors = {}
        if period_end < period_start:
            errors["period_end"] = "The period must end on or after the day it starts."
        if due_on < period_start:
            errors["due_on"] = "The report cannot be due before its period starts."
        if errors:
            raise ValidationError(errors)
        schedule = _ensure_schedule(subject, actor)
        if schedule.ad_hoc_dates.filter(period_start=period_start, period_end=period_end).exists():
            raise ValidationError({"period_start": "There is already an extra report for exactly this period."})
        return AdHocDueDate.objects.create(
            schedule=schedule,
            due_on=due_on,
            period_start=period_start,
            period_end=period_end,
            label=label.strip()[:120],
            added_by=actor,
        )


def due_date_extend(
    *, actor: User, period_end: dt.date, new_due_on: dt.date, reason: str, award=None, project=None
) -> DueDateExtension:
    """Move one due date later, even one already past; who, when and why are kept."""
    Subject.given(award, project)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the due date is moving; the partner and other managers will see it."})
    require_in_range(new_due_on=new_due_on)
    with transaction.atomic():
        subject = _locked(award, project)
        require_subject_manager(subject, actor, "extend due dates")
        schedule = _ensure_schedule(subject, actor)
        period = next((p for p in selectors.build_periods(subject.obj, schedule) if p.period_end == period_end), None)
        if period is None:
            raise TransitionRefused(f"{subject} has no report for a period ending {period_end:%d %B %Y}.")
        if new_due_on <= period.due_on:
            raise ValidationError(
                {"new_due_on": f"The new due date must be after the current one, {period.due_on:%d %B %Y}."}
            )
        extension = DueDateExtension.objects.create(
            schedule=schedule,
            period_end=period.period_end,
            original_due_on=period.original_due_on,
            new_due_on=new_due_on,
            reason=reason.strip(),
            extended_by=actor,
        )
        updates = subject.obj.progress_updates.filter(period_start=period.period_start, period_end=period.period_end)
        updates.update(due_on=new_due_on)
        return extension
