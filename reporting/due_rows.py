"""Due periods kept as rows (`DueRow`) and counted (`DueTally`), so the dashboards and the inbox read what is
owed with indexed SQL at the same cost for ten live awards as for a million.

The rows are written from the one due rule (reporting.periods.build_periods, the same function the lists
and reminders use) by `refresh`, in the transaction of the write that changed them: a subject's rows are
replaced whenever the award or project, its schedule, an extra date, an extension or an update is saved
or deleted (model signals, so the services, the admin and loaders alike), and after the imports' bulk
writes (`workflow.signals.rows_written`). `recount()` works every row out again and reports the drift;
`python manage.py recount_due_periods` runs it.

The day is not kept: a row keeps its due date and whose turn it is (the partner's, a manager's review, or
done), and the reader says which are overdue or due soon for the day it asks about. A row keeps its
update twice: matched among all the subject's updates (what the partner and an administrator see) and
among those past draft (what a programme manager sees; a draft stays the partner's own).

`DueTally` counts the rows per programme (a project without an award: per partnership), due date and
turn, by row-level triggers (PostgreSQL and SQLite); a removed row only ever lowers a count that is there,
so emptying the tables in any order leaves nothing behind."""

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q

from grants.subjects import AWARD, PROJECT, Subject, key_of

TABLE, TALLY = "reporting_duerow", "reporting_duetally"
KEY = ("programme_id", "partnership_id", "due_on", "turn", "seen_turn")
BATCH = 2000

_COLUMNS = ", ".join(KEY)
_OLD = " AND ".join(f"{k} = OLD.{k}" for k in KEY)
_NEW = ", ".join(f"NEW.{k}" for k in KEY)
_LOWER = f"UPDATE {TALLY} SET periods = periods - 1 WHERE {_OLD};"
_RAISE = (
    f"INSERT INTO {TALLY} ({_COLUMNS}, periods) VALUES ({_NEW}, 1) "
    f"ON CONFLICT ({_COLUMNS}) DO UPDATE SET periods = {TALLY}.periods + 1;"
)
POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION reporting_due_tally_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN {_LOWER} END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN {_RAISE} END IF;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS reporting_due_tally ON {TABLE};
CREATE TRIGGER reporting_due_tally AFTER INSERT OR UPDATE OR DELETE ON {TABLE}
  FOR EACH ROW EXECUTE FUNCTION reporting_due_tally_row();
"""
POSTGRESQL_DROP = (
    f"DROP TRIGGER IF EXISTS reporting_due_tally ON {TABLE}; DROP FUNCTION IF EXISTS reporting_due_tally_row();"
)
SQLITE = [
    f"CREATE TRIGGER IF NOT EXISTS reporting_due_tally_insert AFTER INSERT ON {TABLE} BEGIN {_RAISE} END;",
    f"CREATE TRIGGER IF NOT EXISTS reporting_due_tally_delete AFTER DELETE ON {TABLE} BEGIN {_LOWER} END;",
    f"CREATE TRIGGER IF NOT EXISTS reporting_due_tally_update AFTER UPDATE ON {TABLE} BEGIN {_LOWER} {_RAISE} END;",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS reporting_due_tally_{op};" for op in ("insert", "delete", "update")]
COUNT = f"SELECT {_COLUMNS}, count(*) FROM {TABLE} GROUP BY {_COLUMNS}"


def _turn(period) -> str:
    from .models.due import Turn

    if period.awaiting_review:
        return Turn.REVIEW
    return Turn.PARTNER if period.with_partner else Turn.DONE


def _rows(awards, projects) -> list:
    """The rows of these reporting awards and projects (querysets from reporting_awards/_projects)."""
    from .models import ProgressUpdate
    from .models.due import DueRow
    from .periods import build_periods
    from .selectors.schedules import schedule_for

    prefetch = ("reporting_schedule__extensions", "reporting_schedule__ad_hoc_dates")
    subjects = list(awards.prefetch_related(*prefetch)) + list(projects.prefetch_related(*prefetch))
    if not subjects:
        return []
    updates = defaultdict(list)
    wrapped = [Subject(obj) for obj in subjects]
    for update in ProgressUpdate.objects.filter(
        Q(award__in=[s.pk for s in wrapped if s.kind is AWARD])
        | Q(project__in=[s.pk for s in wrapped if s.kind is PROJECT])
    ).only("pk", "award_id", "project_id", "period_start", "period_end", "state"):
        updates[key_of(update)].append(update)
    rows = []
    for subject in wrapped:
        mine = updates[subject.kind.name, subject.pk]
        schedule = schedule_for(subject.obj)
        seen_by_manager = [u for u in mine if u.state != ProgressUpdate.State.DRAFT]
        periods = build_periods(subject.obj, schedule, mine)
        seen = build_periods(subject.obj, schedule, seen_by_manager)
        for period, as_seen in zip(periods, seen, strict=True):
            rows.append(
                DueRow(
                    **subject.kwargs(),
                    **subject.counted_under,
                    owner_id=subject.owner_id,
                    reference=subject.reference,
                    period_start=period.period_start,
                    period_end=period.period_end,
                    label=period.label[:200],
                    original_due_on=period.original_due_on,
                    due_on=period.due_on,
                    is_final=period.is_final,
                    ad_hoc=period.ad_hoc,
                    update_id=getattr(period.update, "pk", None),
                    turn=_turn(period),
                    seen_update_id=getattr(as_seen.update, "pk", None),
                    seen_turn=_turn(as_seen),
                )
            )
    return rows


def refresh(*, awards: Iterable[int] = (), projects: Iterable[int] = ()) -> None:
    """Write again the due rows of these awards and projects (by id) from the one due rule; work that no
    longer reports keeps none."""
    from .models.due import DueRow
    from .selectors.schedules import reporting_awards, reporting_projects

    award_ids, project_ids = sorted({a for a in awards if a}), sorted({p for p in projects if p})
    with transaction.atomic():
        for start in range(0, max(len(award_ids), len(project_ids)), BATCH):
            some_awards, some_projects = award_ids[start : start + BATCH], project_ids[start : start + BATCH]
            DueRow.objects.filter(Q(award_id__in=some_awards) | Q(project_id__in=some_projects)).delete()
            rows = _rows(
                reporting_awards().filter(pk__in=some_awards), reporting_projects().filter(pk__in=some_projects)
            )
            DueRow.objects.bulk_create(rows, batch_size=1000)


def rebuild() -> int:
    """Every row worked out again, in batches of subjects; returns how many rows there are."""
    from .models.due import DueRow
    from .selectors.schedules import reporting_awards, reporting_projects

    DueRow.objects.all().delete()
    total = 0
    for queryset in (reporting_awards(), reporting_projects()):
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            is_award = queryset.model._meta.model_name == "award"
            rows = _rows(
                queryset.filter(pk__in=chunk) if is_award else reporting_awards().none(),
                queryset.filter(pk__in=chunk) if not is_award else reporting_projects().none(),
            )
            DueRow.objects.bulk_create(rows, batch_size=1000)
            total += len(rows)
    return total


def _snapshot() -> Counter:
    from .models.due import DueRow

    fields = [f.attname for f in DueRow._meta.concrete_fields if f.attname != "id"]
    return Counter(DueRow.objects.values_list(*fields).order_by().iterator(chunk_size=5000))


def recount() -> int:
    """Work every due row and the tally out again from the schedules, updates and work; returns how many
    rows (and tally rows) were wrong or missing, and puts them right."""
    from .models.due import DueTally

    with transaction.atomic():
        kept = _snapshot()
        rebuild()
        counted_rows = _snapshot()
        wrong = sum(1 for key in kept.keys() | counted_rows.keys() if kept.get(key) != counted_rows.get(key))
        tallied = {tuple(r[:-1]): r[-1] for r in DueTally.objects.exclude(periods=0).values_list(*KEY, "periods")}
        with connection.cursor() as cursor:
            cursor.execute(COUNT)
            counted = {tuple(r[:-1]): r[-1] for r in cursor.fetchall()}
        tally_wrong = sum(1 for key in tallied.keys() | counted.keys() if tallied.get(key) != counted.get(key))
        if tally_wrong:
            _count_again()
        return wrong + tally_wrong


def _count_again() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TALLY}")
        cursor.execute(f"INSERT INTO {TALLY} ({_COLUMNS}, periods) {COUNT}")


def install(schema_editor) -> None:
    """Fill the rows, count them, and create the triggers (a migration step)."""
    rebuild()
    _count_again()
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL)
        else:
            for statement in SQLITE:
                cursor.execute(statement)


def uninstall(schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL_DROP)
        else:
            for statement in SQLITE_DROP:
                cursor.execute(statement)
