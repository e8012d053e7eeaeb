"""Replay the steps an award or project has been through, each through the service a page or the API calls.

A step in the scenario files is a mapping: `do:` names it, `on:` (optional) says when it happened as a
scenario date (demo/dates.py), `by:` (optional) who took it (a username); the rest are its details.
Without `on:` a step happens at a plausible moment after the one before it (a report shortly before it is
due, a review some days after it is submitted, an approval a week later). Each step runs inside
`workflow.clock.at(that moment)`, so its TransitionLog and MoneyChange rows and the submitted, accepted
and paid stamps carry it, and never a moment after the loading one; the guards run as for a person, so
the demo cannot reach a state the app itself could not.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from grants.services import payment_schedule, payment_transition
from grants.subjects import Subject
from reporting import selectors as reporting_selectors
from reporting.services import (
    due_date_add,
    due_date_extend,
    evaluation_begin,
    evaluation_complete,
    evaluation_edit,
    evaluation_open,
    update_edit,
    update_start,
    update_transition,
)
from workflow import clock

from .dates import resolve

# Steps the applicant (the partner of the lead or recipient organisation) takes; a manager takes the rest.
APPLICANT_STEPS = {
    "propose",
    "resubmit",
    "withdraw",
    "submit",
    "write_update",
    "edit_update",
    "submit_update",
    "resubmit_update",
}
_LAST = re.compile(r"^last(-\d+)?$")


class ScenarioError(Exception):
    """The scenario asks for something the app refuses or cannot find: the files are out of date."""


class Replay:
    """One award's or project's history, replayed in order."""

    def __init__(self, loader, subject, *, step, manager, applicant, started: dt.datetime):
        """`step(obj, name=…, actor=…, note=…, **params)` takes a workflow step on the award or project."""
        self.loader, self.subject, self.step = loader, subject, step
        self.manager, self.applicant = manager, applicant or manager
        self.cursor = started
        self.payments: dict = {}
        self.updates: dict = {}

    # Time ---------------------------------------------------------------------------------------

    def _moment(self, day: dt.date | None, index: int) -> dt.datetime:
        """A working-hours moment on `day`, after the previous step and never after the loading moment."""
        cursor_day = timezone.localtime(self.cursor).date()
        day = max(day or cursor_day + dt.timedelta(days=3), cursor_day)
        if day == cursor_day:
            moment = self.cursor + dt.timedelta(minutes=20)
        else:
            minutes = 9 * 60 + (index * 53) % 420  # between 09:00 and 16:00, varied by step
            moment = timezone.make_aware(dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes))
        moment = min(moment, self.loader.now)
        return max(moment, self.cursor + dt.timedelta(seconds=1))

    def _day(self, expression) -> dt.date | None:
        return resolve(expression, self.loader.today)

    def _after(self, days: int) -> dt.date:
        return timezone.localtime(self.cursor).date() + dt.timedelta(days=days)

    # The loop -----------------------------------------------------------------------------------

    def run(self, steps: list[dict]):
        for index, raw in enumerate(steps or []):
            step = dict(raw)
            name = step.pop("do")
            who = step.pop("by", None)
            actor = self.loader.user(who) if who else self.applicant if name in APPLICANT_STEPS else self.manager
            on = step.pop("on", step.pop(True, None))  # YAML 1.1 reads a bare `on:` key as True
            handler = getattr(self, f"do_{name}", None)
            default = getattr(self, f"when_{name}", None)
            day = self._day(on) if on is not None else default(step) if default else None
            moment = self._moment(day, index)
            try:
                with clock.at(moment):
                    if handler is None:
                        self.transition(name, actor, step)
                    else:
                        handler(actor, **step)
            except ScenarioError:
                raise
            except Exception as error:  # a refusal, a validation error: say which step of which subject
                words = " ".join(error.messages) if isinstance(error, ValidationError) else error
                raise ScenarioError(f"{self.subject}: step {index + 1} ({name}) failed: {words}") from error
            self.cursor = max(self.cursor, moment)
        return self.subject

    # Award and project steps --------------------------------------------------------------------

    def transition(self, name: str, actor, step: dict):
        note = step.pop("note", "")
        params = {"amount": Decimal(str(step.pop("amount")))} if "amount" in step else {}
        if step:
            raise ScenarioError(f"{self.subject}: step {name} has unknown details {sorted(step)}.")
        self.subject = self.step(self.subject, name=name, actor=actor, note=note, **params)

    @property
    def holder(self) -> dict:
        """`award=…` or `project=…`, for the reporting services that take either."""
        return Subject(self.subject).kwargs()

    def when_activate(self, step):
        return self.subject.planned_start

    when_start_delivery = when_activate

    def do_begin_evaluation(self, actor, note=""):
        evaluation_begin(actor=actor, note=note, **self.holder)
        self.subject.refresh_from_db()

    def do_write_evaluation(self, actor, **fields):
        evaluation = evaluation_open(actor=actor, **self.holder)
        evaluation_edit(evaluation=evaluation, actor=actor, **fields)

    def do_complete_evaluation(self, actor):
        evaluation = evaluation_open(actor=actor, **self.holder)
        evaluation_complete(evaluation=evaluation, actor=actor)

    # Payments -----------------------------------------------------------------------------------

    def when_schedule_payment(self, step):
        return self._after(1)

    def do_schedule_payment(self, actor, key, due, amount, held_on=None):
        self.payments[key] = payment_schedule(
            award=self.subject,
            due_on=self._day(due),
            amount=Decimal(str(amount)),
            actor=actor,
            gated_on_update=self.updates[held_on] if held_on else None,
        )

    def when_approve_payment(self, step):
        return self.payments[step["key"]].due_on - dt.timedelta(days=4)

    def do_approve_payment(self, actor, key, note=""):
        self.payments[key] = payment_transition(payment=self.payments[key], name="approve", actor=actor, note=note)

    def when_release_payment(self, step):
        return self._day(step.get("paid_on")) or self.payments[step["key"]].due_on

    def do_release_payment(self, actor, key, reference, paid_on=None, note=""):
        payment = self.payments[key]
        self.payments[key] = payment_transition(
            payment=payment,
            name="release",
            actor=actor,
            note=note,
            paid_on=self._day(paid_on) or payment.due_on,
            reference=reference,
            confirm_early=True,  # the scenario's history: a payment it shows paid early was paid early on purpose
        )

    def do_cancel_payment(self, actor, key, note):
        self.payments[key] = payment_transition(payment=self.payments[key], name="cancel", actor=actor, note=note)

    # Progress updates ---------------------------------------------------------------------------

    def _regular_periods(self):
        schedule = reporting_selectors.schedule_for(self.subject)
        periods = reporting_selectors.build_periods(self.subject, schedule, self.subject.progress_updates.all())
        return sorted((p for p in periods if not p.ad_hoc), key=lambda p: p.period_end)

    def period(self, reference):
        """`final`, `last` (the latest period ended by the loading day), `last-1`…, or a scenario date in it."""
        periods = self._regular_periods()
        if reference == "final":
            return periods[-1]
        match = _LAST.match(str(reference))
        if match:
            ended = [p for p in periods if p.period_end < self.loader.today]
            back = -int(match.group(1) or 0)
            if back >= len(ended):
                raise ScenarioError(f"{self.subject} has no reporting period {reference} yet.")
            return ended[-1 - back]
        day = self._day(reference)
        for period in periods:
            if period.period_start <= day <= period.period_end:
                return period
        raise ScenarioError(f"{self.subject} has no reporting period around {day}.")

    def when_write_update(self, step):
        return self.period(step["period"]).due_on - dt.timedelta(days=12)

    def do_write_update(self, actor, key, period, **fields):
        due = self.period(period)
        update = update_start(actor=actor, period_start=due.period_start, period_end=due.period_end, **self.holder)
        self.updates[key] = update
        self.do_edit_update(actor, key, **fields)

    def do_edit_update(self, actor, key, spend=None, results=None, reach=None, **narrative):
        indicators = {i.name: i for i in reporting_selectors.indicators_for_update(self.updates[key])}
        given = {}
        for name, value in (results or {}).items():
            if name not in indicators:
                raise ScenarioError(f"{self.subject} reports on {name!r}, which is not one of its indicators.")
            figure, note = value if isinstance(value, list) else (value, "")
            given[indicators[name].pk] = {"value": str(figure), "note": note}
        rows = None
        if reach is not None:
            rows = [
                {"local_authority": self.loader.local_authority(la), "settings": s, "children": c}
                for la, (s, c) in reach.items()
            ]
        self.updates[key] = update_edit(
            update=self.updates[key],
            actor=actor,
            spend_to_date=None if spend is None else str(spend),
            results=given,
            reach=rows,
            **narrative,
        )

    def when_submit_update(self, step):
        return self.updates[step["key"]].due_on - dt.timedelta(days=2)

    def do_submit_update(self, actor, key, note=""):
        self.updates[key] = update_transition(update=self.updates[key], name="submit", actor=actor, note=note)

    def when_resubmit_update(self, step):
        return self._after(6)

    def do_resubmit_update(self, actor, key, note=""):
        self.updates[key] = update_transition(update=self.updates[key], name="resubmit", actor=actor, note=note)

    def when_accept_update(self, step):
        return self._after(5)

    def do_accept_update(self, actor, key, note=""):
        self.updates[key] = update_transition(update=self.updates[key], name="accept", actor=actor, note=note)

    when_request_update_changes = when_accept_update

    def do_request_update_changes(self, actor, key, note):
        self.updates[key] = update_transition(update=self.updates[key], name="request_changes", actor=actor, note=note)

    def do_report_periods(self, actor, until, progress, spend_each="0", reviewer=None):
        """Every regular period up to `until` that has no update yet, reported and accepted in its turn:
        the routine reports between the ones the scenario tells in full. Spend to date grows by
        `spend_each` from the report before."""
        last = self.period(until)
        reviewer = self.loader.user(reviewer) if reviewer else self.manager
        for due in self._regular_periods():
            if due.period_end > last.period_end or due.update is not None:
                continue
            key = f"routine-{due.period_end}"
            days = {"write": due.due_on - dt.timedelta(days=12), "submit": due.due_on - dt.timedelta(days=2)}
            with clock.at(self._moment(days["write"], 1)) as moment:
                before = self.subject.progress_updates.filter(period_end__lt=due.period_start).order_by("-period_end")
                spend = (before[0].spend_to_date if before else Decimal("0")) + Decimal(str(spend_each))
                self.do_write_update(self.applicant, key, due.period_end, progress=progress, spend=spend)
            self.cursor = moment
            with clock.at(self._moment(days["submit"], 2)) as moment:
                self.do_submit_update(self.applicant, key)
            self.cursor = moment
            with clock.at(self._moment(self._after(5), 3)) as moment:
                self.do_accept_update(reviewer, key)
            self.cursor = moment

    def do_add_due_date(self, actor, label, period_start, period_end, due):
        """An extra report outside the regular schedule (a report for a board meeting, say)."""
        due_date_add(
            actor=actor,
            label=label,
            due_on=self._day(due),
            period_start=self._day(period_start),
            period_end=self._day(period_end),
            **self.holder,
        )

    def do_extend_due_date(self, actor, period, to, reason):
        """Move a due date later (as a manager would), when the scenario's new date is later than it."""
        due = self.period(period)
        new_due_on = self._day(to)
        if new_due_on > due.due_on:
            due_date_extend(
                actor=actor,
                period_end=due.period_end,
                new_due_on=new_due_on,
                reason=reason,
                **self.holder,
            )
