"""Every write a person can cause on progress updates, indicators, schedules, evidence and evaluations,
and the reminders the system sends."""

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from grants.models import Award
from partnerships import roles
from partnerships.models import OrganisationMembership, Project
from workflow.dates import require_in_range
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.figures import FigureError, parse_decimal
from workflow.figures import message as figure_message
from workflow.services import apply_transition, lock, transition_refusal

from . import evidence as evidence_rules
from . import schedules, selectors
from .models import (
    AdHocDueDate,
    DueDateExtension,
    Evaluation,
    EvidenceFile,
    Indicator,
    IndicatorResult,
    ProgressUpdate,
    ReachByLocalAuthority,
    ReportingSchedule,
    SentReminder,
)

logger = logging.getLogger(__name__)
EDITABLE_STATES = (ProgressUpdate.State.DRAFT, ProgressUpdate.State.CHANGES_REQUESTED)


def update_transition(*, update: ProgressUpdate, name: str, actor, note: str = "") -> ProgressUpdate:
    """submit, resubmit (the partner), accept, request_changes, reopen (a manager who did not write it)."""
    with transaction.atomic():
        locked = lock(ProgressUpdate, update.pk)
        now = timezone.now()
        if name in ("accept", "request_changes", "reopen"):
            refusal = transition_refusal(locked, name, actor, note)
            if refusal is not None:
                raise refusal
            if locked.author_id is not None and locked.author_id == actor.pk:
                raise PermissionRefused(
                    "You wrote this update, so another programme manager must review it (separation of duties)."
                )
            params = {"by": actor, "at": now}
            if name != "accept":
                params["review_note"] = note
        else:
            params = {"at": now}
        return apply_transition(locked, name, actor=actor, note=note, **params)


def update_submit(*, update, actor, note=""):
    return update_transition(update=update, name="submit", actor=actor, note=note)


def update_accept(*, update, actor, note=""):
    return update_transition(update=update, name="accept", actor=actor, note=note)


def update_request_changes(*, update, actor, note):
    return update_transition(update=update, name="request_changes", actor=actor, note=note)


def update_resubmit(*, update, actor, note=""):
    return update_transition(update=update, name="resubmit", actor=actor, note=note)


def update_reopen(*, update, actor, note):
    """Unlock an accepted update (a manager, with a reason that is logged); it goes back to the partner."""
    return update_transition(update=update, name="reopen", actor=actor, note=note)


def evaluation_complete(*, evaluation: Evaluation, actor) -> Evaluation:
    with transaction.atomic():
        evaluation = lock(Evaluation, evaluation.pk)
        r = roles.of(actor)
        subject_managed = (
            r.manages_programme(evaluation.award.programme)
            if evaluation.award_id
            else r.manages_partnership(evaluation.project.partnership)
        )
        if not subject_managed:
            raise PermissionRefused("Only a programme manager of this work can mark its evaluation complete.")
        missing = [
            label
            for field, label in [
                ("outcomes", "outcomes against targets"),
                ("what_worked", "what worked"),
                ("lessons", "lessons for other schools"),
                ("rating", "an overall rating"),
                ("stage_reached", "the stage of improvement reached"),
            ]
            if not str(getattr(evaluation, field)).strip()
        ]
        if missing:
            raise TransitionRefused("The evaluation cannot be marked complete without " + ", ".join(missing) + ".")
        evaluation.completed_at = timezone.now()
        evaluation.save(update_fields=["completed_at", "updated_at"])
        return evaluation


# Whose is what ------------------------------------------------------------------------------------


def manages_subject(actor, subject) -> bool:
    r = roles.of(actor)
    if isinstance(subject, Award):
        return r.manages_programme(subject.programme)
    return r.manages_partnership(subject.partnership)


def _subject(award=None, project=None):
    if (award is None) == (project is None):
        raise ValueError("Give exactly one of award or project.")
    return award if award is not None else project


def _subject_of(obj):
    return obj.award if obj.award_id else obj.project


def _owner_id(subject) -> int:
    return subject.recipient_id if isinstance(subject, Award) else subject.lead_organisation_id


# Schedules ----------------------------------------------------------------------------------------


def _require_subject_manager(actor, subject, what: str):
    if not manages_subject(actor, subject):
        raise PermissionRefused(f"Only a programme manager of {subject} can {what}.")


def _ensure_schedule(subject, actor) -> ReportingSchedule:
    """The saved schedule of a subject, saving its default one first (it is about to get ad-hoc dates
    or extensions, which need a row to hang on)."""
    if isinstance(subject, Project) and subject.awards.filter(state__in=Award.COMMITTED_STATES).exists():
        raise TransitionRefused(f"{subject} is funded by an award: its reports follow the award's schedule.")
    schedule = selectors.schedule_for(subject)
    if schedule is None:
        raise TransitionRefused(
            f"{subject} has no planned start and end dates, so it has no reporting schedule yet. Set one first."
        )
    if schedule.pk is None:
        schedule.created_by = actor
        schedule.save()
    return schedule


def schedule_save(
    *, actor, frequency: str, starts_on: dt.date, ends_on: dt.date, award=None, project=None
) -> ReportingSchedule:
    """Set how often and between which dates a partner reports on an award or an unfunded project."""
    subject = _subject(award, project)
    with transaction.atomic():
        subject = lock(subject.__class__, subject.pk)
        _require_subject_manager(actor, subject, "change its reporting schedule")
        if frequency not in ReportingSchedule.Frequency.values:
            raise ValidationError({"frequency": "Choose how often the partner reports."})
        require_in_range(starts_on=starts_on, ends_on=ends_on)
        if ends_on < starts_on:
            raise ValidationError({"ends_on": "The schedule must end on or after the day it starts."})
        too_many = schedules.too_many_periods(frequency, starts_on, ends_on)
        if too_many:
            raise ValidationError({"ends_on": too_many})
        schedule = _ensure_schedule(subject, actor)
        schedule.frequency, schedule.starts_on, schedule.ends_on = frequency, starts_on, ends_on
        schedule.save()
        if isinstance(subject, Award) and subject.reporting_frequency != frequency:
            # The award's own field shows on award pages and exports; keep it in step with the schedule.
            subject.reporting_frequency = frequency
            subject.save(update_fields=["reporting_frequency", "updated_at"])
        return schedule


def due_date_add(
    *,
    actor,
    due_on: dt.date,
    period_start: dt.date,
    period_end: dt.date,
    label: str = "",
    award=None,
    project=None,
) -> AdHocDueDate:
    """An extra report outside the regular schedule (a report for a board meeting, say)."""
    subject = _subject(award, project)
    with transaction.atomic():
        subject = lock(subject.__class__, subject.pk)
        _require_subject_manager(actor, subject, "add due dates")
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
    *, actor, period_end: dt.date, new_due_on: dt.date, reason: str, award=None, project=None
) -> DueDateExtension:
    """Move one due date later, even one already past; who, when and why are kept."""
    subject = _subject(award, project)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the due date is moving; the partner and other managers will see it."})
    require_in_range(new_due_on=new_due_on)
    with transaction.atomic():
        subject = lock(subject.__class__, subject.pk)
        _require_subject_manager(actor, subject, "extend due dates")
        schedule = _ensure_schedule(subject, actor)
        period = next((p for p in selectors.build_periods(subject, schedule) if p.period_end == period_end), None)
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
        updates = subject.progress_updates.filter(period_start=period.period_start, period_end=period.period_end)
        updates.update(due_on=new_due_on)
        return extension


# Updates: starting, editing, evidence ---------------------------------------------------------------


def update_start(*, actor, period_start: dt.date, period_end: dt.date, award=None, project=None) -> ProgressUpdate:
    """Start the draft update for one due period (the partner who owns the work)."""
    subject = _subject(award, project)
    with transaction.atomic():
        subject = lock(subject.__class__, subject.pk)
        if not roles.of(actor).is_partner_of(_owner_id(subject)):
            raise PermissionRefused(
                f"Only {subject.recipient if award else subject.lead_organisation} reports on this."
            )
        period = next(
            (
                p
                for p in selectors.build_periods(subject, selectors.schedule_for(subject))
                if (p.period_start, p.period_end) == (period_start, period_end)
            ),
            None,
        )
        if period is None:
            raise TransitionRefused("That is not one of the reporting periods of this work.")
        existing = subject.progress_updates.filter(period_start=period_start, period_end=period_end).first()
        if existing is not None:
            raise TransitionRefused(f"An update for {existing.period_label} already exists; carry on with that one.")
        update = ProgressUpdate(
            **{"award" if isinstance(subject, Award) else "project": subject},
            period_start=period_start,
            period_end=period_end,
            due_on=period.due_on,
            is_final=period.is_final,
            author=actor,
        )
        update.full_clean(exclude=["state"])
        update.save()
        return update


def require_update_editable(update: ProgressUpdate, actor):
    if not roles.of(actor).is_partner_of(update.organisation_id):
        raise PermissionRefused("Only the organisation that reports on this work can change its update.")
    if update.state == ProgressUpdate.State.ACCEPTED:
        raise TransitionRefused(
            "This update has been accepted, so it is locked. A programme manager can reopen it, with a reason."
        )
    if update.state not in EDITABLE_STATES:
        raise TransitionRefused(
            f"This update is {update.get_state_display().lower()} and waiting for a programme manager; "
            "it can be changed again if they request changes."
        )


MAX_FIGURE = Decimal("999999999999.99")


def parse_number(raw) -> Decimal | None:
    """A figure as a person types it ("1,250", " 12.5 "); None for blank (workflow.figures: the one rule for
    typed numbers). Raises ValueError: empty for something that is not a number at all, else the reason."""
    try:
        return parse_decimal(raw)
    except FigureError as error:
        raise ValueError("" if error.code == "not_a_number" else figure_message(error)) from None


def result_problem(indicator: Indicator, value: Decimal, what: str | None = None) -> str | None:
    """Why a figure cannot be a result of `indicator`, or None. Shared by forms and the service."""
    what = what or indicator.name
    if value.as_tuple().exponent < -2:
        return f"{what}: use at most two decimal places."
    if abs(value) > MAX_FIGURE:
        return f"{what}: that figure is too large."
    if value < 0 and not indicator.allow_negative:
        return f"{what} cannot be negative."
    if indicator.is_percentage and not (-100 <= value <= 100 if indicator.allow_negative else 0 <= value <= 100):
        return f"{what} is a percentage, so it must be between 0 and 100."
    return None


def _clean_results(update, results: dict) -> tuple[dict, dict]:
    """results: {indicator_id: {"value": str|Decimal|None, "note": str, "breakdown": {label: str|Decimal}}}."""
    indicators = {i.pk: i for i in selectors.indicators_for_update(update)}
    errors, cleaned = {}, {}
    for indicator_id, given in results.items():
        indicator = indicators.get(int(indicator_id))
        if indicator is None:
            errors["results"] = "A result was given for an indicator this update does not report on."
            continue
        key = f"result_{indicator.pk}"
        note = (given.get("note") or "").strip()
        try:
            value = parse_number(given.get("value"))
        except ValueError as error:
            errors[key] = (
                f"{indicator.name}: {error}" if str(error) else f"{indicator.name} must be a number, like 120 or 12.5."
            )
            continue
        breakdown = {}
        for label, raw in (given.get("breakdown") or {}).items():
            if label not in indicator.breakdown_labels:
                continue
            try:
                part = parse_number(raw)
            except ValueError as error:
                errors[f"{key}_{label}"] = f"{indicator.name}, {label}: {error or 'must be a number.'}"
                continue
            if part is None:
                continue
            problem = result_problem(indicator, part, f"{indicator.name}, {label}")
            if problem:
                errors[f"{key}_{label}"] = problem
            else:
                breakdown[label] = str(part)
        if value is None:
            if note or breakdown:
                errors[key] = f"Enter a figure for {indicator.name}, or leave its note and breakdown empty."
            else:
                cleaned[indicator.pk] = None  # blank: no result for this indicator
            continue
        problem = result_problem(indicator, value)
        if problem:
            errors[key] = problem
            continue
        cleaned[indicator.pk] = (indicator, value, note, breakdown)
    return cleaned, errors


def _clean_reach(reach: list) -> tuple[list, dict]:
    """reach: [{"local_authority": LocalAuthority, "settings": int|str, "children": int|str}]."""
    errors, cleaned, seen = {}, [], set()
    for row in reach:
        authority = row.get("local_authority")
        if authority is None:
            continue
        figures = {}
        for name in ("settings", "children"):
            raw = str(row.get(name) or "0").strip().replace(",", "") or "0"
            if not raw.isdigit():
                errors["reach"] = f"{authority}: {name} reached must be a whole number of 0 or more."
            else:
                figures[name] = int(raw)
        if authority.pk in seen:
            errors["reach"] = f"{authority} is listed twice; give one line per local authority."
        seen.add(authority.pk)
        if len(figures) == 2:
            cleaned.append((authority, figures["settings"], figures["children"]))
    return cleaned, errors


def update_edit(
    *,
    update: ProgressUpdate,
    actor,
    progress: str | None = None,
    challenges: str | None = None,
    next_steps: str | None = None,
    spend_to_date=None,
    results: dict | None = None,
    reach: list | None = None,
) -> ProgressUpdate:
    """Save what the partner typed on a draft (or a returned) update: narrative, spend, results, reach.

    Raises ValidationError with every problem at once (keyed by field) and changes nothing then."""
    with transaction.atomic():
        update = lock(ProgressUpdate, update.pk)
        require_update_editable(update, actor)
        errors = {}
        for name, value in (("progress", progress), ("challenges", challenges), ("next_steps", next_steps)):
            if value is not None:
                setattr(update, name, value.strip())
        if spend_to_date is not None:
            try:
                spend = parse_number(spend_to_date)
            except ValueError as error:
                errors["spend_to_date"] = (
                    f"Spend to date: {error}"
                    if str(error)
                    else "Spend to date must be an amount in pounds, like 2500 or 2,500.00."
                )
            else:
                if spend is None:
                    spend = Decimal("0.00")
                if spend < 0:
                    errors["spend_to_date"] = "Spend to date cannot be negative."
                elif spend.as_tuple().exponent < -2 or spend > MAX_FIGURE:
                    errors["spend_to_date"] = "Spend to date must be pounds and pence, like 2500.00."
                else:
                    update.spend_to_date = spend
        cleaned_results, result_errors = _clean_results(update, results or {})
        cleaned_reach, reach_errors = _clean_reach(reach or []) if reach is not None else ([], {})
        errors |= result_errors | reach_errors
        if errors:
            raise ValidationError(errors)
        for indicator_id, item in cleaned_results.items():
            if item is None:
                update.results.filter(indicator_id=indicator_id).delete()
                continue
            indicator, value, note, breakdown = item
            IndicatorResult.objects.update_or_create(
                update=update, indicator=indicator, defaults={"value": value, "note": note, "breakdown": breakdown}
            )
        if reach is not None:
            update.reach.all().delete()
            ReachByLocalAuthority.objects.bulk_create(
                ReachByLocalAuthority(update=update, local_authority=la, settings_reached=s, children_reached=c)
                for la, s, c in cleaned_reach
            )
            update.settings_reached = sum(s for _la, s, _c in cleaned_reach)
            update.children_reached = sum(c for _la, _s, c in cleaned_reach)
        update.save()
        return update


def evidence_max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))


def evidence_add(*, update: ProgressUpdate, actor, upload) -> EvidenceFile:
    """Attach a file to an editable update, if its content is an allowed type and it is within the size limit."""
    limit = evidence_max_bytes()
    with transaction.atomic():
        update = lock(ProgressUpdate, update.pk)
        require_update_editable(update, actor)
        if update.evidence.count() >= int(getattr(settings, "EVIDENCE_MAX_FILES", 20)):
            raise ValidationError({"evidence": "This update already has as many evidence files as it can hold."})
        size = upload.size or 0
        if size == 0:
            raise ValidationError({"evidence": "The selected file is empty."})
        if size > limit:
            raise ValidationError(
                {"evidence": f"The selected file must be smaller than {limit / (1024 * 1024):.0f} MB."}
            )
        original = evidence_rules.clean_name(upload.name)
        content_type = evidence_rules.detect_type(upload, original)
        if content_type is None:
            raise ValidationError(
                {
                    "evidence": f"The selected file must be {evidence_rules.ALLOWED_DESCRIPTION}; "
                    f"“{original}” is not, whatever its name says."
                }
            )
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        evidence = EvidenceFile(
            update=update,
            original_name=original,
            content_type=content_type,
            size=size,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
        )
        evidence.file.save("upload", upload, save=False)  # the stored name is generated (models._evidence_path)
        try:
            evidence.save()
        except Exception:
            evidence.file.delete(save=False)
            raise
        return evidence


def evidence_remove(*, evidence: EvidenceFile, actor) -> None:
    with transaction.atomic():
        update = lock(ProgressUpdate, evidence.update_id)
        require_update_editable(update, actor)
        name = evidence.file.name
        storage = evidence.file.storage
        evidence.delete()
        transaction.on_commit(lambda: storage.delete(name))


# Evaluations ----------------------------------------------------------------------------------------


def _outcomes_from_indicators(subject) -> str:
    indicators = selectors.subject_indicators(subject)
    lines = []
    for part in selectors.indicator_actuals(indicators.order_by("name", "id")):
        ind = part.indicator
        actual = "no accepted result yet" if part.actual is None else f"{part.actual:,.2f}".rstrip("0").rstrip(".")
        lines.append(
            f"{ind.name} ({ind.unit}): baseline {ind.baseline:,.2f}, target {ind.target:,.2f}, actual {actual}"
            f" — {ind.get_direction_display().lower()}."
        )
    return "\n".join(lines)


def evaluation_open(*, actor, award=None, project=None) -> Evaluation:
    """The evaluation of work in evaluation: the open one if any, otherwise a new one with its outcomes
    prefilled from the indicators (baseline, target, actual from accepted updates)."""
    subject = _subject(award, project)
    with transaction.atomic():
        subject = lock(subject.__class__, subject.pk)
        _require_subject_manager(actor, subject, "write its evaluation")
        key = "award" if isinstance(subject, Award) else "project"
        existing = Evaluation.objects.filter(**{key: subject}).order_by("-created_at", "-id").first()
        if existing is not None:
            return existing
        in_evaluation = subject.state in (Award.State.IN_EVALUATION, Project.State.IN_EVALUATION)
        if not in_evaluation:
            raise TransitionRefused(
                f"{subject} is {subject.get_state_display().lower()}; "
                "an evaluation is written once it enters evaluation."
            )
        return Evaluation.objects.create(**{key: subject}, author=actor, outcomes=_outcomes_from_indicators(subject))


EVALUATION_FIELDS = (
    "evaluator_name",
    "outcomes",
    "what_worked",
    "what_did_not_work",
    "lessons",
    "rating",
    "stage_reached",
)


def evaluation_edit(*, evaluation: Evaluation, actor, **fields) -> Evaluation:
    with transaction.atomic():
        evaluation = lock(Evaluation, evaluation.pk)
        _require_subject_manager(actor, _subject_of(evaluation), "edit its evaluation")
        if evaluation.completed_at is not None:
            raise TransitionRefused(
                "This evaluation is complete and in the “what works” library; it can no longer change."
            )
        unknown = set(fields) - set(EVALUATION_FIELDS)
        if unknown:
            raise ValueError(f"Not evaluation fields: {sorted(unknown)}")
        for name, value in fields.items():
            setattr(evaluation, name, (value or "").strip())
        evaluation.full_clean()
        evaluation.save()
        return evaluation


def evaluation_begin(*, actor, award=None, project=None, note: str = "") -> Evaluation:
    """Move an award or project into evaluation and open its evaluation, in one step."""
    from grants.services import award_transition
    from partnerships.services import project_transition

    subject = _subject(award, project)
    with transaction.atomic():
        if isinstance(subject, Award):
            subject = award_transition(award=subject, name="begin_evaluation", actor=actor, note=note)
            return evaluation_open(actor=actor, award=subject)
        subject = project_transition(project=subject, name="begin_evaluation", actor=actor, note=note)
        return evaluation_open(actor=actor, project=subject)


# Reminders ------------------------------------------------------------------------------------------


def _people(org_ids, role) -> dict[int, list]:
    found = defaultdict(list)
    memberships = OrganisationMembership.objects.filter(
        organisation_id__in=set(org_ids), role=role, user__is_active=True
    ).select_related("user")
    for membership in memberships:
        if membership.user.email:
            found[membership.organisation_id].append(membership.user)
    return found


def _base_url() -> str:
    return getattr(settings, "EXCHANGE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def _send_once(keys: list[str], *, kind, user, period_reprs, due_on, template: str, context: dict) -> bool:
    """Record the reminder under its keys and send it, in one transaction: a key already recorded
    (sent before, or by a run at the same moment) means it is not sent again."""
    try:
        with transaction.atomic():
            SentReminder.objects.bulk_create(
                SentReminder(key=key, kind=kind, recipient=user, email=user.email, subject_repr=text[:300], due_on=due)
                for key, text, due in zip(keys, period_reprs, due_on, strict=True)
            )
            subject = render_to_string(f"emails/{template}_subject.txt", context).strip().replace("\n", " ")
            body = render_to_string(f"emails/{template}.txt", context)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except IntegrityError:
        return False
    return True


def reminders_send(*, today: dt.date | None = None) -> dict[str, int]:
    """Email partners before and after their reports are due, and managers about overdue work.
    Safe to run as often as you like: each reminder is sent once (SentReminder.key is unique)."""
    today = today or timezone.localdate()
    before = int(getattr(settings, "REMINDER_DAYS_BEFORE", 7))
    after = int(getattr(settings, "REMINDER_DAYS_AFTER", 3))
    periods = selectors.periods_for_subjects(
        selectors.reporting_awards(), selectors.reporting_projects(), updates=ProgressUpdate.objects.all(), today=today
    )
    owed = [p for p in periods if p.with_partner]
    partners = _people({p.owner_organisation_id for p in owed}, OrganisationMembership.Role.PARTNER)
    manager_org = {
        p.key: (p.subject.programme.managed_by_id if p.is_award else p.subject.partnership.lead_organisation_id)
        for p in owed
    }
    managers = _people(set(manager_org.values()), OrganisationMembership.Role.MANAGER)
    sent = {"due_soon": 0, "overdue": 0, "manager_overdue": 0}
    overdue_for_manager = defaultdict(list)
    oldest = min((p.due_on for p in owed), default=today)
    already = set(SentReminder.objects.filter(due_on__gte=oldest).values_list("key", flat=True))
    for period in owed:
        if 0 <= period.days_until_due <= before:
            kind = SentReminder.Kind.DUE_SOON
        elif period.days_late >= after:
            kind = SentReminder.Kind.OVERDUE
            for manager in managers[manager_org[period.key]]:
                overdue_for_manager[manager].append(period)
        else:
            continue
        for user in partners[period.owner_organisation_id]:
            key = f"{kind}:{period.key}:{period.due_on:%Y%m%d}:{user.pk}"
            if key in already:
                continue
            context = {"user": user, "period": period, "url": _base_url() + reverse("reporting:due"), "today": today}
            if _send_once(
                [key],
                kind=kind,
                user=user,
                period_reprs=[f"{period.subject_reference}, {period.label}"],
                due_on=[period.due_on],
                template=f"reminder_{kind}",
                context=context,
            ):
                sent[kind] += 1
    for manager, items in overdue_for_manager.items():
        fresh = []
        for period in items:
            key = f"manager_overdue:{period.key}:{period.due_on:%Y%m%d}:{manager.pk}"
            if key not in already:
                fresh.append((key, period))
        if not fresh:
            continue
        context = {
            "user": manager,
            "periods": [p for _k, p in fresh],
            "url": _base_url() + reverse("reporting:overdue"),
            "today": today,
        }
        if _send_once(
            [k for k, _p in fresh],
            kind=SentReminder.Kind.MANAGER_OVERDUE,
            user=manager,
            period_reprs=[f"{p.subject_reference}, {p.label}" for _k, p in fresh],
            due_on=[p.due_on for _k, p in fresh],
            template="reminder_manager_overdue",
            context=context,
        ):
            sent["manager_overdue"] += 1
    return sent
