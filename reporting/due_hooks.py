"""What keeps the due rows (reporting/due_rows.py) in step: every save or delete of the work, its schedule,
an extra date, an extension or an update, whichever door it came through, and the imports' bulk writes."""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from workflow.lookups import in_values, key_chunks
from workflow.signals import restored, rows_written

from . import due_rows


def _award_ids(award) -> dict:
    return {"awards": [award.pk], "projects": [award.project_id]}


def _schedule_ids(schedule) -> dict:
    return {"awards": [schedule.award_id], "projects": [schedule.project_id]}


def _held_by_schedule(item) -> dict:
    from .models import ReportingSchedule

    schedule = ReportingSchedule.objects.filter(pk=item.schedule_id).only("award_id", "project_id").first()
    return _schedule_ids(schedule) if schedule is not None else {}


WATCHED = {
    "grants.Award": _award_ids,
    "partnerships.Project": lambda project: {"projects": [project.pk]},
    "reporting.ReportingSchedule": _schedule_ids,
    "reporting.AdHocDueDate": _held_by_schedule,
    "reporting.DueDateExtension": _held_by_schedule,
    "reporting.ProgressUpdate": lambda update: {"awards": [update.award_id], "projects": [update.project_id]},
}


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        due_rows.refresh(**WATCHED[sender._meta.label](instance))


def _deleted(sender, instance, origin=None, **kwargs):
    # Deleted along with what holds it (an award, a project, a schedule): that one's own signal works its
    # rows out; doing it here too would write rows for work about to be deleted.
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    if origin is not None and model is not sender:
        return
    due_rows.refresh(**WATCHED[sender._meta.label](instance))


def _bulk(sender, pks, created=(), **kwargs):
    if sender._meta.label == "grants.Award":
        from grants.models import Award

        from .models.due import DueRow
        from .selectors.schedules import REPORTING_AWARD_STATES

        # Only an award that reports, or had rows, has rows to write again (an import of drafts has none);
        # a funded project stops reporting itself, so every award's project is worked out again. An award
        # just created had no rows and is as written: only the others are read back.
        new = {award.pk: (award.state, award.project_id) for award in created}
        others = [pk for pk in pks if pk not in new]
        found = [(pk, state, project) for pk, (state, project) in new.items()]
        had = set()
        for chunk in key_chunks(Award, others):
            found += (
                Award.objects.filter(in_values(Award, "id", chunk)).order_by().values_list("pk", "state", "project_id")
            )
            with_rows = DueRow.objects.filter(in_values(DueRow, "award_id", chunk)).order_by()
            had.update(with_rows.values_list("award_id", flat=True).distinct())
        awards = [pk for pk, state, _ in found if state in REPORTING_AWARD_STATES or pk in had]
        projects = [project for _, _, project in found if project]
        if awards or projects:
            due_rows.refresh(awards=awards, projects=projects)


def register() -> None:
    from django.apps import apps

    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(_saved, sender=model, dispatch_uid=f"due_rows_saved_{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"due_rows_deleted_{label}")
    rows_written.connect(_bulk, dispatch_uid="due_rows_bulk")
    restored.connect(lambda **kwargs: due_rows.recount(), dispatch_uid="due_rows_restored", weak=False)
