"""The triggers that keep `AwardTally` (awards per programme, stage and archived-or-not, with their money).

Why triggers and not the services: awards are written by the services, by imports in bulk
(`bulk_create`/`bulk_update`, which no Python hook sees), by the admin and by loaders. A trigger moves
the tally in the same transaction as every one of those writes, and cannot be forgotten by the next
write path. The programme's committed and paid totals stay with the services, which check the budget
before they write; tallies decide nothing, they only count.

PostgreSQL: one statement-level trigger per operation with transition tables, so a bulk insert of
100,000 awards makes one grouped upsert, not 100,000; rows are upserted in key order (two
transactions moving awards between the same stages lock the tally rows in the same order, so they
cannot deadlock), and a change that moves no figure (a title edit) writes nothing. SQLite (tests and
the demo): row-level triggers with the same upsert.
"""

from decimal import Decimal

ZERO = Decimal("0.00")
COLUMNS = "programme_id, state, archived, awards, requested, awarded, awarded_awards"
UPSERT_SET = """awards = grants_awardtally.awards + excluded.awards,
                requested = grants_awardtally.requested + excluded.requested,
                awarded = grants_awardtally.awarded + excluded.awarded,
                awarded_awards = grants_awardtally.awarded_awards + excluded.awarded_awards"""


def _rows(table: str, sign: str) -> str:
    return f"""SELECT programme_id, state, archived_at IS NOT NULL, {sign}1, {sign}amount_requested,
                      {sign}COALESCE(amount_awarded, 0), {sign}(amount_awarded IS NOT NULL)::int FROM {table}"""


POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION grants_award_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO grants_awardtally ({COLUMNS})
      SELECT programme_id, state, archived, sum(awards), sum(requested), sum(awarded), sum(awarded_awards)
      FROM ({_rows("new_rows", "")}) AS d (programme_id, state, archived, awards, requested, awarded, awarded_awards)
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT (programme_id, state, archived) DO UPDATE SET {UPSERT_SET};
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO grants_awardtally ({COLUMNS})
      SELECT programme_id, state, archived, sum(awards), sum(requested), sum(awarded), sum(awarded_awards)
      FROM ({_rows("old_rows", "-")}) AS d (programme_id, state, archived, awards, requested, awarded, awarded_awards)
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT (programme_id, state, archived) DO UPDATE SET {UPSERT_SET};
  ELSE
    INSERT INTO grants_awardtally ({COLUMNS})
      SELECT programme_id, state, archived, sum(awards), sum(requested), sum(awarded), sum(awarded_awards)
      FROM ({_rows("new_rows", "")} UNION ALL {_rows("old_rows", "-")})
           AS d (programme_id, state, archived, awards, requested, awarded, awarded_awards)
      GROUP BY 1, 2, 3
      HAVING sum(awards) <> 0 OR sum(requested) <> 0 OR sum(awarded) <> 0 OR sum(awarded_awards) <> 0
      ORDER BY 1, 2, 3
      ON CONFLICT (programme_id, state, archived) DO UPDATE SET {UPSERT_SET};
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER grants_award_tally_insert AFTER INSERT ON grants_award
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION grants_award_tally();
CREATE TRIGGER grants_award_tally_update AFTER UPDATE ON grants_award
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION grants_award_tally();
CREATE TRIGGER grants_award_tally_delete AFTER DELETE ON grants_award
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION grants_award_tally();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS grants_award_tally_insert ON grants_award;
DROP TRIGGER IF EXISTS grants_award_tally_update ON grants_award;
DROP TRIGGER IF EXISTS grants_award_tally_delete ON grants_award;
DROP FUNCTION IF EXISTS grants_award_tally();
"""


def _sqlite_add(row: str, sign: str) -> str:
    # Only while the programme exists: a flush empties the programme table before the awards, and a tally
    # row for a programme already gone would fail the foreign key at commit.
    return f"""INSERT INTO grants_awardtally ({COLUMNS}) SELECT {row}.programme_id, {row}.state,
               {row}.archived_at IS NOT NULL, {sign}1, {sign}{row}.amount_requested,
               {sign}COALESCE({row}.amount_awarded, 0), {sign}({row}.amount_awarded IS NOT NULL)
               WHERE EXISTS (SELECT 1 FROM grants_fundingprogramme WHERE id = {row}.programme_id)
               ON CONFLICT (programme_id, state, archived) DO UPDATE SET {UPSERT_SET};"""


SQLITE = [
    f"CREATE TRIGGER grants_award_tally_insert AFTER INSERT ON grants_award BEGIN {_sqlite_add('NEW', '')} END;",
    f"CREATE TRIGGER grants_award_tally_delete AFTER DELETE ON grants_award BEGIN {_sqlite_add('OLD', '-')} END;",
    "CREATE TRIGGER grants_award_tally_update AFTER UPDATE OF programme_id, state, archived_at, amount_requested, "
    f"amount_awarded ON grants_award BEGIN {_sqlite_add('OLD', '-')} {_sqlite_add('NEW', '')} END;",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS grants_award_tally_{op};" for op in ("insert", "update", "delete")]

# A programme's tallies go with it. Emptying the tables in the order a flush picks (it changes from run to
# run) can delete the tallies, then the awards (whose trigger writes tallies back, while the programme is
# still there), then the programme: without this, those tallies would fail the foreign key at commit.
PROGRAMME_CLEANUP_POSTGRESQL = """
CREATE OR REPLACE FUNCTION grants_programme_tally_cleanup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM grants_awardtally WHERE programme_id IN (SELECT id FROM old_rows);
  RETURN NULL;
END $$;
CREATE TRIGGER grants_programme_tally_cleanup AFTER DELETE ON grants_fundingprogramme
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION grants_programme_tally_cleanup();
"""
PROGRAMME_CLEANUP_POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS grants_programme_tally_cleanup ON grants_fundingprogramme;
DROP FUNCTION IF EXISTS grants_programme_tally_cleanup();
"""
PROGRAMME_CLEANUP_SQLITE = """CREATE TRIGGER grants_programme_tally_cleanup AFTER DELETE ON grants_fundingprogramme
    BEGIN DELETE FROM grants_awardtally WHERE programme_id = OLD.id; END;"""
PROGRAMME_CLEANUP_SQLITE_DROP = "DROP TRIGGER IF EXISTS grants_programme_tally_cleanup;"

RECOUNT = f"""INSERT INTO grants_awardtally ({COLUMNS})
    SELECT programme_id, state, archived_at IS NOT NULL, count(*), COALESCE(sum(amount_requested), 0),
           COALESCE(sum(amount_awarded), 0), count(amount_awarded)
    FROM grants_award GROUP BY 1, 2, 3"""


def install(schema_editor) -> None:
    """Create the triggers and count what is already there (a migration step)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DELETE FROM grants_awardtally")
        cursor.execute(RECOUNT)
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


def install_programme_cleanup(schema_editor) -> None:
    postgresql = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(PROGRAMME_CLEANUP_POSTGRESQL if postgresql else PROGRAMME_CLEANUP_SQLITE)


def uninstall_programme_cleanup(schema_editor) -> None:
    postgresql = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(PROGRAMME_CLEANUP_POSTGRESQL_DROP if postgresql else PROGRAMME_CLEANUP_SQLITE_DROP)


def recount() -> int:
    """Work the awards' stage tallies out again from the awards themselves (the reconciliation; after a
    restore that bypassed the triggers, say); returns how many tally rows were wrong or missing."""
    from django.db import transaction
    from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum

    from .models import Award, AwardTally

    archived = ExpressionWrapper(Q(archived_at__isnull=False), output_field=BooleanField())
    with transaction.atomic():
        kept = {
            (t.programme_id, t.state, t.archived): (t.awards, t.requested, t.awarded, t.awarded_awards)
            for t in AwardTally.objects.select_for_update()
            if t.awards
        }
        counted = {
            (r["programme_id"], r["state"], bool(r["archived"])): (
                r["n"],
                r["requested"] or ZERO,
                r["awarded"] or ZERO,
                r["awarded_n"],
            )
            for r in Award.objects.order_by()
            .annotate(archived=archived)
            .values("programme_id", "state", "archived")
            .annotate(
                n=Count("pk"),
                requested=Sum("amount_requested"),
                awarded=Sum("amount_awarded"),
                awarded_n=Count("amount_awarded"),
            )
        }
        wrong = sum(1 for key in kept.keys() | counted.keys() if kept.get(key) != counted.get(key))
        if wrong:
            AwardTally.objects.all().delete()
            AwardTally.objects.bulk_create(
                AwardTally(programme_id=p, state=s, archived=a, awards=n, requested=r, awarded=aw, awarded_awards=an)
                for (p, s, a), (n, r, aw, an) in counted.items()
            )
        return wrong
