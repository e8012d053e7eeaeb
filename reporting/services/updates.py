"""Writes on progress updates: starting one for a due period, the partner's edits (narrative, spend,
indicator results, reach) and every step of its review."""

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from grants.models import Payment
from grants.money.services import spend_lines_save
from grants.subjects import Subject
from workflow import clock
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import apply_transition, lock

from .. import figures, selectors
from ..models import IndicatorResult, ProgressUpdate, ReachByLocalAuthority

EDITABLE_STATES = (ProgressUpdate.State.DRAFT, ProgressUpdate.State.CHANGES_REQUESTED)
REVIEW_STEPS = ("accept", "request_changes", "reopen")


def update_transition(*, update: ProgressUpdate, name: str, actor: User, note: str = "") -> ProgressUpdate:
    """submit, resubmit (the partner), accept, request_changes, reopen (a manager who did not write it)."""
    with transaction.atomic():
        locked = lock(ProgressUpdate, update.pk)
        now = clock.now()
        params: dict = {"at": now}
        if name in REVIEW_STEPS:
            params["by"] = actor
            if name != "accept":
                params["review_note"] = note
        return apply_transition(locked, name, actor=actor, note=note, **params)


def update_submit(*, update, actor: User, note=""):
    return update_transition(update=update, name="submit", actor=actor, note=note)


def update_accept(*, update, actor: User, note=""):
    return update_transition(update=update, name="accept", actor=actor, note=note)


def update_request_changes(*, update, actor: User, note):
    return update_transition(update=update, name="request_changes", actor=actor, note=note)


def update_resubmit(*, update, actor: User, note=""):
    return update_transition(update=update, name="resubmit", actor=actor, note=note)


def update_reopen(*, update, actor: User, note):
    """Unlock an accepted update (a manager, with a reason that is logged); it goes back to the partner."""
    return update_transition(update=update, name="reopen", actor=actor, note=note)


def update_start(
    *, actor: User, period_start: dt.date, period_end: dt.date, award=None, project=None
) -> ProgressUpdate:
    """Start the draft update for one due period (the partner who owns the work)."""
    given = Subject.given(award, project)
    with transaction.atomic():
        subject = Subject(lock(given.kind.model, given.pk))
        if not subject.is_owned_by(actor):
            raise PermissionRefused(f"Only {subject.owner} reports on this.")
        period = next(
            (
                p
                for p in selectors.build_periods(subject.obj, selectors.schedule_for(subject.obj))
                if (p.period_start, p.period_end) == (period_start, period_end)
            ),
            None,
        )
        if period is None:
            raise TransitionRefused("That is not one of the reporting periods of this work.")
        if period.period_start > clock.today():
            raise TransitionRefused(
                f"{period.label} ({period.period_label}) has not begun: its update can be started "
                f"from {period.period_start.day} {period.period_start:%B %Y}."
            )
        existing = subject.obj.progress_updates.filter(period_start=period_start, period_end=period_end).first()
        if existing is not None:
            raise TransitionRefused(f"An update for {existing.period_label} already exists; carry on with that one.")
        update = ProgressUpdate(
            **subject.kwargs(),
            period_start=period_start,
            period_end=period_end,
            due_on=period.due_on,
            is_final=period.is_final,
            author=actor,
        )
        update.full_clean(exclude=["state"])
        update.save()
        if update.award_id:  # payments held on this period before it was started now name its update
            Payment.objects.filter(award_id=update.award_id, gated_on_period_end=period_end).update(
                gated_on_update=update
            )
        return update


def update_edit_refusal(update: ProgressUpdate, actor: User) -> TransitionRefused | None:
    """Why `actor` may not change the update now (its narrative, figures or evidence), or None if they may."""
    if not update.subject.is_owned_by(actor):
        return PermissionRefused("Only the organisation that reports on this work can change its update.")
    if update.state == ProgressUpdate.State.ACCEPTED:
        return TransitionRefused(
            "This update has been accepted, so it is locked. A programme manager can reopen it, with a reason."
        )
    if update.state not in EDITABLE_STATES:
        return TransitionRefused(
            f"This update is {update.get_state_display().lower()} and waiting for a programme manager; "
            "it can be changed again if they request changes."
        )
    return None


def require_update_editable(update: ProgressUpdate, actor: User) -> None:
    refusal = update_edit_refusal(update, actor)
    if refusal is not None:
        raise refusal


def _clean_results(update, results: dict) -> tuple[dict, dict]:
    """results: {indicator_id: {"value": str|Decimal|None, "note": str, "breakdown": {label: str|Decimal}}}."""
    indicators = {i.pk: i for i in selectors.indicators_for_update(update)}
    errors: dict[str, str] = {}
    cleaned: dict[int, tuple | None] = {}
    for indicator_id, given in results.items():
        indicator = indicators.get(int(indicator_id))
        if indicator is None:
            errors["results"] = "A result was given for an indicator this update does not report on."
            continue
        key = f"result_{indicator.pk}"
        note = (given.get("note") or "").strip()
        try:
            value = figures.parse_number(given.get("value"))
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
                part = figures.parse_number(raw)
            except ValueError as error:
                errors[f"{key}_{label}"] = f"{indicator.name}, {label}: {error or 'must be a number.'}"
                continue
            if part is None:
                continue
            problem = figures.result_problem(indicator, part, f"{indicator.name}, {label}")
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
        problem = figures.result_problem(indicator, value)
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
        counts = {}
        for name in ("settings", "children"):
            try:
                counts[name] = figures.parse_whole(row.get(name))
            except ValueError:
                errors["reach"] = f"{authority}: {name} reached must be a whole number of 0 or more."
        if authority.pk in seen:
            errors["reach"] = f"{authority} is listed twice; give one line per local authority."
        seen.add(authority.pk)
        if len(counts) == 2:
            cleaned.append((authority, counts["settings"], counts["children"]))
    return cleaned, errors


def update_edit(
    *,
    update: ProgressUpdate,
    actor: User,
    progress: str | None = None,
    challenges: str | None = None,
    next_steps: str | None = None,
    spend_to_date=None,
    results: dict | None = None,
    reach: list | None = None,
    spend_lines: list | None = None,
) -> ProgressUpdate:
    """Save what the partner typed on a draft (or a returned) update: narrative, spend, results, reach.
    `spend_lines` ((budget category, amount) pairs) gives the spend by budget line; its total is then the
    spend to date.

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
                update.spend_to_date = figures.parse_spend(spend_to_date)
            except ValueError as problem:
                errors["spend_to_date"] = str(problem)
        cleaned_results, result_errors = _clean_results(update, results or {})
        cleaned_reach, reach_errors = _clean_reach(reach or []) if reach is not None else ([], {})
        errors |= result_errors | reach_errors
        if errors:
            raise ValidationError(errors)
        if spend_lines is not None:
            update.spend_to_date = spend_lines_save(update=update, lines=spend_lines)
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
