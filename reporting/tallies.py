"""The triggers that keep `ReachTally`: awards per programme, stage, archived-or-not and the recipient's
local authority, with the money awarded — what `/reach/` reads instead of every award.

The same design as grants/tallies.py (the awards' stage tallies): every write path (services, imports in
bulk, the admin, loaders) moves the tally in its own transaction. Two things move a row: an award written
(inserted, deleted, or its programme, stage, archive, amount awarded or recipient changed) and an
organisation moving to another local authority (its awards move with it).

PostgreSQL: statement-level triggers with transition tables, one grouped upsert per statement, in key order
(no deadlock between two transactions moving the same keys). SQLite: row-level triggers.

A tally is only written while its programme exists, and a programme's tallies go with it: emptying the
tables in any order (a flush) leaves none behind.
"""

from decimal import Decimal

TABLE = "reporting_reachtally"
COLUMNS = "programme_id, state, archived, local_authority_id, awards, awarded"
KEY = "programme_id, state, archived, local_authority_id"
UPSERT = f"""ON CONFLICT ({KEY}) DO UPDATE SET awards = {TABLE}.awards + excluded.awards,
                                                 awarded = {TABLE}.awarded + excluded.awarded"""
LIVE_PROGRAMME = "EXISTS (SELECT 1 FROM grants_fundingprogramme p WHERE p.id = d.programme_id)"


def _award_rows(table: str, sign: str) -> str:
    return f"""SELECT a.programme_id, a.state, a.archived_at IS NOT NULL AS archived,
                      COALESCE(o.local_authority_id, 0) AS local_authority_id,
                      {sign}1 AS awards, {sign}COALESCE(a.amount_awarded, 0) AS awarded
               FROM {table} a LEFT JOIN partnerships_organisation o ON o.id = a.recipient_id"""


def _org_rows(orgs: str, sign: str) -> str:
    """The awards of organisations that moved, at the authority in `orgs` (old or new)."""
    return f"""SELECT a.programme_id, a.state, a.archived_at IS NOT NULL AS archived,
                      COALESCE({orgs}.local_authority_id, 0) AS local_authority_id,
                      {sign}1 AS awards, {sign}COALESCE(a.amount_awarded, 0) AS awarded
               FROM moved JOIN {orgs} ON {orgs}.id = moved.id JOIN grants_award a ON a.recipient_id = moved.id"""


def _upsert(rows: str) -> str:
    return f"""INSERT INTO {TABLE} ({COLUMNS})
      SELECT programme_id, state, archived, local_authority_id, sum(awards), sum(awarded)
      FROM ({rows}) AS d WHERE {LIVE_PROGRAMME}
      GROUP BY 1, 2, 3, 4 HAVING sum(awards) <> 0 OR sum(awarded) <> 0 ORDER BY 1, 2, 3, 4
      {UPSERT};"""


POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION reporting_reach_tally_awards() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_upsert(_award_rows("new_rows", ""))}
  ELSIF TG_OP = 'DELETE' THEN
    {_upsert(_award_rows("old_rows", "-"))}
  ELSE
    {_upsert(_award_rows("new_rows", "") + " UNION ALL " + _award_rows("old_rows", "-"))}
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER reporting_reach_tally_insert AFTER INSERT ON grants_award
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_reach_tally_awards();
CREATE TRIGGER reporting_reach_tally_update AFTER UPDATE ON grants_award
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION reporting_reach_tally_awards();
CREATE TRIGGER reporting_reach_tally_delete AFTER DELETE ON grants_award
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_reach_tally_awards();

CREATE OR REPLACE FUNCTION reporting_reach_tally_orgs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH moved AS (
    SELECT n.id FROM new_orgs n JOIN old_orgs o ON o.id = n.id
    WHERE n.local_authority_id IS DISTINCT FROM o.local_authority_id
  )
  {_upsert(_org_rows("new_orgs", "") + " UNION ALL " + _org_rows("old_orgs", "-"))}
  RETURN NULL;
END $$;
CREATE TRIGGER reporting_reach_tally_orgs AFTER UPDATE ON partnerships_organisation
  REFERENCING OLD TABLE AS old_orgs NEW TABLE AS new_orgs FOR EACH STATEMENT
  EXECUTE FUNCTION reporting_reach_tally_orgs();

CREATE OR REPLACE FUNCTION reporting_reach_tally_cleanup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM {TABLE} WHERE programme_id IN (SELECT id FROM old_rows);
  RETURN NULL;
END $$;
CREATE TRIGGER reporting_reach_tally_cleanup AFTER DELETE ON grants_fundingprogramme
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_reach_tally_cleanup();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS reporting_reach_tally_insert ON grants_award;
DROP TRIGGER IF EXISTS reporting_reach_tally_update ON grants_award;
DROP TRIGGER IF EXISTS reporting_reach_tally_delete ON grants_award;
DROP TRIGGER IF EXISTS reporting_reach_tally_orgs ON partnerships_organisation;
DROP TRIGGER IF EXISTS reporting_reach_tally_cleanup ON grants_fundingprogramme;
DROP FUNCTION IF EXISTS reporting_reach_tally_awards();
DROP FUNCTION IF EXISTS reporting_reach_tally_orgs();
DROP FUNCTION IF EXISTS reporting_reach_tally_cleanup();
"""


def _sqlite_award(row: str, sign: str) -> str:
    return f"""INSERT INTO {TABLE} ({COLUMNS})
        SELECT {row}.programme_id, {row}.state, {row}.archived_at IS NOT NULL,
               COALESCE((SELECT local_authority_id FROM partnerships_organisation WHERE id = {row}.recipient_id), 0),
               {sign}1, {sign}COALESCE({row}.amount_awarded, 0)
        WHERE EXISTS (SELECT 1 FROM grants_fundingprogramme WHERE id = {row}.programme_id)
        {UPSERT};"""


def _sqlite_org(row: str, sign: str) -> str:
    return f"""INSERT INTO {TABLE} ({COLUMNS})
        SELECT a.programme_id, a.state, a.archived_at IS NOT NULL, COALESCE({row}.local_authority_id, 0),
               {sign}count(*), {sign}COALESCE(sum(a.amount_awarded), 0)
        FROM grants_award a
        WHERE a.recipient_id = {row}.id
          AND EXISTS (SELECT 1 FROM grants_fundingprogramme WHERE id = a.programme_id)
        GROUP BY a.programme_id, a.state, a.archived_at IS NOT NULL
        {UPSERT};"""


SQLITE = [
    f"CREATE TRIGGER reporting_reach_tally_insert AFTER INSERT ON grants_award BEGIN {_sqlite_award('NEW', '')} END;",
    f"CREATE TRIGGER reporting_reach_tally_delete AFTER DELETE ON grants_award BEGIN {_sqlite_award('OLD', '-')} END;",
    "CREATE TRIGGER reporting_reach_tally_update AFTER UPDATE OF programme_id, state, archived_at, amount_awarded, "
    f"recipient_id ON grants_award BEGIN {_sqlite_award('OLD', '-')} {_sqlite_award('NEW', '')} END;",
    "CREATE TRIGGER reporting_reach_tally_orgs AFTER UPDATE OF local_authority_id ON partnerships_organisation "
    "WHEN OLD.local_authority_id IS NOT NEW.local_authority_id "
    f"BEGIN {_sqlite_org('OLD', '-')} {_sqlite_org('NEW', '')} END;",
    "CREATE TRIGGER reporting_reach_tally_cleanup AFTER DELETE ON grants_fundingprogramme "
    f"BEGIN DELETE FROM {TABLE} WHERE programme_id = OLD.id; END;",
]
TRIGGERS = ("insert", "update", "delete", "orgs", "cleanup")
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS reporting_reach_tally_{name};" for name in TRIGGERS]

RECOUNT = f"""INSERT INTO {TABLE} ({COLUMNS})
    SELECT a.programme_id, a.state, a.archived_at IS NOT NULL, COALESCE(o.local_authority_id, 0), count(*),
           COALESCE(sum(a.amount_awarded), 0)
    FROM grants_award a LEFT JOIN partnerships_organisation o ON o.id = a.recipient_id
    GROUP BY 1, 2, 3, 4"""


def install(schema_editor) -> None:
    """Create the triggers and count what is already there (a migration step)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
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


def recount() -> int:
    """Work the reach tallies out again from the awards; returns how many rows were wrong or missing (and
    puts them right)."""
    from django.db import connection, transaction

    from .models import ReachTally

    def figures(rows):
        return {(p, s, bool(a), la): (n, Decimal(m)) for p, s, a, la, n, m in rows if n}

    with transaction.atomic():
        kept = figures(
            ReachTally.objects.select_for_update().values_list(
                "programme_id", "state", "archived", "local_authority_id", "awards", "awarded"
            )
        )
        with connection.cursor() as cursor:
            cursor.execute(RECOUNT.split("\n", 1)[1])
            counted = figures(cursor.fetchall())
        wrong = sum(1 for key in kept.keys() | counted.keys() if kept.get(key) != counted.get(key))
        if wrong:
            ReachTally.objects.all().delete()
            with connection.cursor() as cursor:
                cursor.execute(RECOUNT)
        return wrong
