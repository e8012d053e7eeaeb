from django.db import transaction

from grants.models import Award, Payment
from partnerships.models import Project
from reporting.models import ProgressUpdate


def force_state(obj, state):
    """Put an object straight into a state for table tests (a queryset update, as no service would).
    An award's programme gets its running totals worked out again, as the services would have kept them."""
    obj.__class__.objects.filter(pk=obj.pk).update(state=state)
    fresh = obj.__class__.objects.get(pk=obj.pk)
    if fresh._meta.label == "grants.Award":
        recount_totals(fresh.programme_id)
    return fresh


def recount_totals(programme_id):
    from grants.models import FundingProgramme
    from grants.services import programme_totals_recount

    programme_totals_recount(programme=FundingProgramme.objects.get(pk=programme_id))


def states(model):
    return [value for value, _ in model.State.choices]


__all__ = ["force_state", "states", "Award", "Payment", "Project", "ProgressUpdate", "transaction"]
