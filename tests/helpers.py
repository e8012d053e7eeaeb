from django.db import transaction

from grants.models import Award, Payment
from partnerships.models import Project
from reporting.models import ProgressUpdate


def force_state(obj, state):
    """Put an object straight into a state for table tests (a queryset update, as no service would)."""
    obj.__class__.objects.filter(pk=obj.pk).update(state=state)
    return obj.__class__.objects.get(pk=obj.pk)


def states(model):
    return [value for value, _ in model.State.choices]


__all__ = ["force_state", "states", "Award", "Payment", "Project", "ProgressUpdate", "transaction"]
