from django.db import transaction
from django_fsm import can_proceed

from grants.models import Award, Payment
from partnerships.models import Project
from reporting.models import ProgressUpdate


def force_state(obj, state):
    """Put an object straight into a state for table tests (a queryset update, as no service would).
    An award's programme gets its running totals worked out again, and the due periods of what it belongs
    to are written again, as the services would have kept them."""
    obj.__class__.objects.filter(pk=obj.pk).update(state=state)
    fresh = obj.__class__.objects.get(pk=obj.pk)
    if fresh._meta.label == "grants.Award":
        recount_totals(fresh.programme_id)
    refresh_due_rows(fresh)
    return fresh


def refresh_due_rows(obj):
    """The kept due periods worked out again for what `obj` belongs to, as a save through the services
    would have done (reporting/due_hooks.py)."""
    from reporting.due_hooks import WATCHED

    if obj._meta.label in WATCHED:
        from reporting import due_rows

        due_rows.refresh(**WATCHED[obj._meta.label](obj))


def recount_totals(programme_id):
    from grants.models import FundingProgramme
    from grants.services import programme_totals_recount

    programme_totals_recount(programme=FundingProgramme.objects.get(pk=programme_id))


def states(model):
    return [value for value, _ in model.State.choices]


def assert_step_follows_table(obj, name: str, *, allowed: set, unmet: dict, actor):
    """The transition table with the conditions on: a step the table allows from this state is possible,
    unless the fresh object misses a condition named in `unmet` ({(state, step): words of the refusal}),
    and then the refusal says which; every other step is impossible."""
    from workflow.services import transition_refusal

    reason = unmet.get((obj.state, name))
    if reason is not None:
        assert not can_proceed(getattr(obj, name))
        assert reason in transition_refusal(obj, name, actor, note="ok").reason
    else:
        assert can_proceed(getattr(obj, name)) is (name in allowed)


__all__ = [
    "assert_step_follows_table",
    "force_state",
    "states",
    "Award",
    "Payment",
    "Project",
    "ProgressUpdate",
    "transaction",
]
