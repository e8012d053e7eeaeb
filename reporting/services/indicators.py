"""Setting up the outcome measures an award or project reports against.

The partner proposes them with the application or proposal (while it is not yet approved); a programme
manager of the work adds, edits and confirms them. Every change leaves a line in the history
(workflow.TransitionLog: "propose", "add", "edit", "confirm"), with who, when and what changed."""

from decimal import Decimal

from django.db import transaction

from grants.models import Award
from grants.subjects import AWARD, Subject
from partnerships.models import Project
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import apply_transition, lock, log_transition

from ..models import Indicator
from .schedules import subject_manage_refusal

INDICATOR_FIELDS = ("name", "unit", "baseline", "target", "direction", "cumulative", "allow_negative", "breakdowns")

# While the application or proposal is still being put together or judged, its partner may propose measures.
PROPOSING_STATES: dict[str, set[str]] = {
    AWARD.name: {Award.State.DRAFT, Award.State.SUBMITTED, Award.State.IN_ASSESSMENT},
    "project": {
        Project.State.DRAFT,
        Project.State.PROPOSED,
        Project.State.UNDER_REVIEW,
        Project.State.CHANGES_REQUESTED,
    },
}


def proposal_open(subject: Subject) -> bool:
    return subject.obj.state in PROPOSING_STATES[subject.kind.name]


def indicator_add_refusal(subject: Subject, actor) -> PermissionRefused | TransitionRefused | None:
    """Why `actor` may not set up an indicator on `subject`, or None: its managers may at any time, its
    partner may propose one while the application or proposal is open."""
    if subject.manages(actor):
        return None
    if not subject.is_owned_by(actor):
        return PermissionRefused(f"Only a programme manager of {subject}, or its partner, can set up its indicators.")
    if not proposal_open(subject):
        return TransitionRefused(
            f"{subject} is past its proposal: ask its programme manager to add or change an indicator."
        )
    return None


def indicator_add(
    *,
    actor,
    name: str,
    unit: str,
    target: Decimal,
    baseline: Decimal = Decimal("0"),
    direction: str = Indicator.Direction.INCREASE,
    cumulative: bool = True,
    allow_negative: bool = False,
    breakdowns: str = "",
    award=None,
    project=None,
    note: str = "",
) -> Indicator:
    """Set up an outcome measure on an award or a project: confirmed when its manager adds it, proposed
    (for the manager to confirm) when its partner does."""
    with transaction.atomic():
        given = Subject.given(award, project)
        subject = Subject(lock(given.kind.model, given.pk))
        refusal = indicator_add_refusal(subject, actor)
        if refusal is not None:
            raise refusal
        proposing = not subject.manages(actor)
        indicator = Indicator(
            **subject.kwargs(),
            name=name.strip(),
            unit=unit.strip(),
            baseline=baseline,
            target=target,
            direction=direction,
            cumulative=cumulative,
            allow_negative=allow_negative,
            breakdowns=breakdowns.strip(),
            state=Indicator.State.PROPOSED if proposing else Indicator.State.CONFIRMED,
            proposed_by=actor if proposing else None,
        )
        indicator.full_clean(exclude=["state"])  # a protected state is set by its steps only
        indicator.save()
        what = "propose" if proposing else "add"
        log_transition(indicator, name=what, source="", actor=actor, note=note or _described(indicator))
        return indicator


def indicator_edit_refusal(indicator: Indicator, actor) -> PermissionRefused | TransitionRefused | None:
    """Why `actor` may not change the indicator, or None: its award's or project's managers may; its
    partner may change what they proposed until a manager confirms it."""
    subject = Subject.of(indicator)
    if subject.manages(actor):
        return None
    if subject.is_owned_by(actor):
        if indicator.state != Indicator.State.PROPOSED:
            return TransitionRefused(
                f"“{indicator.name}” is confirmed: ask a programme manager of {subject} to change it."
            )
        if not proposal_open(subject):
            return TransitionRefused(f"{subject} is past its proposal: ask its programme manager to change it.")
        return None
    return subject_manage_refusal(subject, actor, "change its indicators")


def indicator_update(*, indicator: Indicator, actor, note: str = "", **fields) -> Indicator:
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValueError(f"Not indicator fields: {sorted(unknown)}")
    with transaction.atomic():
        indicator = lock(Indicator, indicator.pk)
        refusal = indicator_edit_refusal(indicator, actor)
        if refusal is not None:
            raise refusal
        before = {name: getattr(indicator, name) for name in fields}
        for name, value in fields.items():
            setattr(indicator, name, value.strip() if isinstance(value, str) else value)
        indicator.full_clean(exclude=["state"])  # a protected state is set by its steps only
        indicator.save()
        changes = _changes(indicator, before)
        if changes:
            log_transition(indicator, name="edit", source=indicator.state, actor=actor, note=note or changes)
        return indicator


def indicator_confirm(*, indicator: Indicator, actor, note: str = "", **fields) -> Indicator:
    """A programme manager confirms a proposed indicator, with any edits first (one transaction)."""
    with transaction.atomic():
        if fields:
            indicator_update(indicator=indicator, actor=actor, **fields)
        indicator = lock(Indicator, indicator.pk)
        return apply_transition(indicator, "confirm", actor=actor, note=note)


def _label(indicator: Indicator, name: str, value) -> str:
    if name in ("direction",):
        return str(Indicator.Direction(value).label)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value) if value != "" else "none"


def _changes(indicator: Indicator, before: dict) -> str:
    """ "Target: 100.00 → 120.00; Unit: children → pupils" for the fields that changed."""
    parts = []
    for name, old in before.items():
        new = getattr(indicator, name)
        if old != new:
            verbose = str(getattr(Indicator._meta.get_field(name), "verbose_name", name)).capitalize()
            parts.append(f"{verbose}: {_label(indicator, name, old)} → {_label(indicator, name, new)}")
    return "; ".join(parts)


def _described(indicator: Indicator) -> str:
    return (
        f"{indicator.name}: from {indicator.baseline} to {indicator.target} {indicator.unit}, "
        f"{Indicator.Direction(indicator.direction).label.lower()}"
        + (", adds up over periods" if indicator.cumulative else ", latest period counts")
        + (f"; broken down by {indicator.breakdowns}" if indicator.breakdowns else "")
    )
