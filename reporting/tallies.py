"""The triggers that keep reporting's tallies, what the dashboards and `/reach/` read instead of every row:

- `ReachTally` (reach): awards per programme, stage, archived-or-not and the recipient's local authority,
  with the money awarded;
- `ProjectTally` (projects): projects per partnership, stage, archived-or-not and the lead organisation's
  local authority, with the settings and children they reach.

The same design as grants/tallies.py (the awards' stage tallies): every write path (services, imports in
bulk, the admin, loaders) moves the tally in its own transaction. Two things move a row: the counted row
written (inserted, deleted, or one of its watched columns changed) and an organisation moving to another
local authority (the rows it receives or leads move with it).

PostgreSQL: statement-level triggers with transition tables, one grouped upsert per statement, in key order
(no deadlock between two transactions moving the same keys). SQLite: row-level triggers.

A tally is only written while its owner (programme, partnership) exists, and an owner's tallies go with it:
emptying the tables in any order (a flush) leaves none behind.
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Tally:
    prefix: str  # trigger and function names
    table: str
    owner: str  # the owner's column, in the counted table and the tally
    owner_table: str
    source: str  # the counted table
    org: str  # the counted row's organisation column (whose local authority it is counted under)
    measures: dict[str, str]  # tally column -> expression over the counted row `a`
    watched: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.owner}, state, archived, local_authority_id"

    @property
    def columns(self) -> str:
        return f"{self.key}, {', '.join(self.measures)}"

    def _upsert_tail(self) -> str:
        sets = ", ".join(f"{m} = {self.table}.{m} + excluded.{m}" for m in self.measures)
        return f"ON CONFLICT ({self.key}) DO UPDATE SET {sets}"

    def _measures(self, sign: str, row: str = "a", total: bool = False) -> str:
        return ", ".join(
            f"{sign}{'sum' if total else ''}({expr.format(a=row)}) AS {name}" for name, expr in self.measures.items()
        )

    def _exists_owner(self, ref: str) -> str:
        return f"EXISTS (SELECT 1 FROM {self.owner_table} p WHERE p.id = {ref})"

    # PostgreSQL ------------------------------------------------------------------------------------

    def _rows(self, rows: str, sign: str) -> str:
        return f"""SELECT a.{self.owner}, a.state, a.archived_at IS NOT NULL AS archived,
                          COALESCE(o.local_authority_id, 0) AS local_authority_id, {self._measures(sign)}
                   FROM {rows} a LEFT JOIN partnerships_organisation o ON o.id = a.{self.org}"""

    def _moved_rows(self, orgs: str, sign: str) -> str:
        return f"""SELECT a.{self.owner}, a.state, a.archived_at IS NOT NULL AS archived,
                          COALESCE({orgs}.local_authority_id, 0) AS local_authority_id, {self._measures(sign)}
                   FROM moved JOIN {orgs} ON {orgs}.id = moved.id JOIN {self.source} a ON a.{self.org} = moved.id"""

    def _upsert(self, rows: str) -> str:
        names = list(self.measures)
        return f"""INSERT INTO {self.table} ({self.columns})
          SELECT {self.key}, {", ".join(f"sum({m})" for m in names)}
          FROM ({rows}) AS d WHERE {self._exists_owner("d." + self.owner)}
          GROUP BY 1, 2, 3, 4 HAVING {" OR ".join(f"sum({m}) <> 0" for m in names)} ORDER BY 1, 2, 3, 4
          {self._upsert_tail()};"""

    def postgresql(self) -> str:
        p = self.prefix
        return f"""
CREATE OR REPLACE FUNCTION {p}_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {self._upsert(self._rows("new_rows", ""))}
  ELSIF TG_OP = 'DELETE' THEN
    {self._upsert(self._rows("old_rows", "-"))}
  ELSE
    {self._upsert(self._rows("new_rows", "") + " UNION ALL " + self._rows("old_rows", "-"))}
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER {p}_insert AFTER INSERT ON {self.source}
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {p}_rows();
CREATE TRIGGER {p}_update AFTER UPDATE ON {self.source}
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {p}_rows();
CREATE TRIGGER {p}_delete AFTER DELETE ON {self.source}
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {p}_rows();

CREATE OR REPLACE FUNCTION {p}_orgs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH moved AS (
    SELECT n.id FROM new_orgs n JOIN old_orgs o ON o.id = n.id
    WHERE n.local_authority_id IS DISTINCT FROM o.local_authority_id
  )
  {self._upsert(self._moved_rows("new_orgs", "") + " UNION ALL " + self._moved_rows("old_orgs", "-"))}
  RETURN NULL;
END $$;
CREATE TRIGGER {p}_orgs AFTER UPDATE ON partnerships_organisation
  REFERENCING OLD TABLE AS old_orgs NEW TABLE AS new_orgs FOR EACH STATEMENT EXECUTE FUNCTION {p}_orgs();

CREATE OR REPLACE FUNCTION {p}_cleanup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM {self.table} WHERE {self.owner} IN (SELECT id FROM old_rows);
  RETURN NULL;
END $$;
CREATE TRIGGER {p}_cleanup AFTER DELETE ON {self.owner_table}
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {p}_cleanup();
"""

    def postgresql_drop(self) -> str:
        p = self.prefix
        on = {"insert": self.source, "update": self.source, "delete": self.source}
        on |= {"orgs": "partnerships_organisation", "cleanup": self.owner_table}
        triggers = "".join(f"DROP TRIGGER IF EXISTS {p}_{name} ON {table};\n" for name, table in on.items())
        functions = "".join(f"DROP FUNCTION IF EXISTS {p}_{name}();\n" for name in ("rows", "orgs", "cleanup"))
        return triggers + functions

    # SQLite ----------------------------------------------------------------------------------------

    def _sqlite_row(self, row: str, sign: str) -> str:
        return f"""INSERT INTO {self.table} ({self.columns})
            SELECT {row}.{self.owner}, {row}.state, {row}.archived_at IS NOT NULL,
                   COALESCE((SELECT local_authority_id FROM partnerships_organisation WHERE id = {row}.{self.org}), 0),
                   {self._measures(sign, row)}
            WHERE {self._exists_owner(f"{row}.{self.owner}")}
            {self._upsert_tail()};"""

    def _sqlite_moved(self, row: str, sign: str) -> str:
        return f"""INSERT INTO {self.table} ({self.columns})
            SELECT a.{self.owner}, a.state, a.archived_at IS NOT NULL, COALESCE({row}.local_authority_id, 0),
                   {self._measures(sign, total=True)}
            FROM {self.source} a
            WHERE a.{self.org} = {row}.id AND {self._exists_owner("a." + self.owner)}
            GROUP BY a.{self.owner}, a.state, a.archived_at IS NOT NULL
            {self._upsert_tail()};"""

    def sqlite(self) -> list[str]:
        p, watched = self.prefix, ", ".join(self.watched)
        return [
            f"CREATE TRIGGER {p}_insert AFTER INSERT ON {self.source} BEGIN {self._sqlite_row('NEW', '')} END;",
            f"CREATE TRIGGER {p}_delete AFTER DELETE ON {self.source} BEGIN {self._sqlite_row('OLD', '-')} END;",
            f"CREATE TRIGGER {p}_update AFTER UPDATE OF {watched} ON {self.source} "
            f"BEGIN {self._sqlite_row('OLD', '-')} {self._sqlite_row('NEW', '')} END;",
            f"CREATE TRIGGER {p}_orgs AFTER UPDATE OF local_authority_id ON partnerships_organisation "
            "WHEN OLD.local_authority_id IS NOT NEW.local_authority_id "
            f"BEGIN {self._sqlite_moved('OLD', '-')} {self._sqlite_moved('NEW', '')} END;",
            f"CREATE TRIGGER {p}_cleanup AFTER DELETE ON {self.owner_table} "
            f"BEGIN DELETE FROM {self.table} WHERE {self.owner} = OLD.id; END;",
        ]

    def sqlite_drop(self) -> list[str]:
        return [
            f"DROP TRIGGER IF EXISTS {self.prefix}_{name};"
            for name in ("insert", "update", "delete", "orgs", "cleanup")
        ]

    # Counting from scratch -------------------------------------------------------------------------

    def count_sql(self) -> str:
        return f"""SELECT a.{self.owner}, a.state, a.archived_at IS NOT NULL, COALESCE(o.local_authority_id, 0),
                          {self._measures("", total=True)}
                   FROM {self.source} a LEFT JOIN partnerships_organisation o ON o.id = a.{self.org}
                   GROUP BY 1, 2, 3, 4"""


TALLIES = {
    "reach": Tally(
        prefix="reporting_reach_tally",
        table="reporting_reachtally",
        owner="programme_id",
        owner_table="grants_fundingprogramme",
        source="grants_award",
        org="recipient_id",
        measures={"awards": "1", "awarded": "COALESCE({a}.amount_awarded, 0)"},
        watched=("programme_id", "state", "archived_at", "amount_awarded", "recipient_id"),
    ),
    "projects": Tally(
        prefix="reporting_project_tally",
        table="reporting_projecttally",
        owner="partnership_id",
        owner_table="partnerships_partnership",
        source="partnerships_project",
        org="lead_organisation_id",
        measures={"projects": "1", "settings": "{a}.settings_reached", "children": "{a}.children_reached"},
        watched=(
            "partnership_id",
            "state",
            "archived_at",
            "lead_organisation_id",
            "settings_reached",
            "children_reached",
        ),
    ),
}


# Payments by programme, stage and due date ----------------------------------------------------------
# Counted under their award's programme: a payment written moves its row, and so does an award moving to
# another programme (its payments move with it).

PAYMENTS = "reporting_paymenttally"
PAYMENT_COLUMNS = "programme_id, state, due_on, payments, amount"
PAYMENT_UPSERT = f"""ON CONFLICT (programme_id, state, due_on) DO UPDATE SET
    payments = {PAYMENTS}.payments + excluded.payments, amount = {PAYMENTS}.amount + excluded.amount"""
LIVE = "EXISTS (SELECT 1 FROM grants_fundingprogramme f WHERE f.id = d.programme_id)"


def _payment_upsert(rows: str) -> str:
    return f"""INSERT INTO {PAYMENTS} ({PAYMENT_COLUMNS})
      SELECT programme_id, state, due_on, sum(payments), sum(amount) FROM ({rows}) AS d WHERE {LIVE}
      GROUP BY 1, 2, 3 HAVING sum(payments) <> 0 OR sum(amount) <> 0 ORDER BY 1, 2, 3
      {PAYMENT_UPSERT};"""


def _payment_rows(rows: str, sign: str, programme: str = "aw.programme_id") -> str:
    return f"""SELECT {programme} AS programme_id, p.state, p.due_on, {sign}1 AS payments, {sign}p.amount AS amount
               FROM {rows} p JOIN grants_award aw ON aw.id = p.award_id"""


def _moved_payment_rows(awards: str, sign: str) -> str:
    return f"""SELECT {awards}.programme_id, p.state, p.due_on, {sign}1 AS payments, {sign}p.amount AS amount
               FROM moved JOIN {awards} ON {awards}.id = moved.id JOIN grants_payment p ON p.award_id = moved.id"""


PAYMENTS_POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION reporting_payment_tally_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_payment_upsert(_payment_rows("new_rows", ""))}
  ELSIF TG_OP = 'DELETE' THEN
    {_payment_upsert(_payment_rows("old_rows", "-"))}
  ELSE
    {_payment_upsert(_payment_rows("new_rows", "") + " UNION ALL " + _payment_rows("old_rows", "-"))}
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER reporting_payment_tally_insert AFTER INSERT ON grants_payment
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_payment_tally_rows();
CREATE TRIGGER reporting_payment_tally_update AFTER UPDATE ON grants_payment
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION reporting_payment_tally_rows();
CREATE TRIGGER reporting_payment_tally_delete AFTER DELETE ON grants_payment
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_payment_tally_rows();

CREATE OR REPLACE FUNCTION reporting_payment_tally_awards() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH moved AS (
    SELECT n.id FROM new_awards n JOIN old_awards o ON o.id = n.id WHERE n.programme_id <> o.programme_id
  )
  {_payment_upsert(_moved_payment_rows("new_awards", "") + " UNION ALL " + _moved_payment_rows("old_awards", "-"))}
  RETURN NULL;
END $$;
CREATE TRIGGER reporting_payment_tally_awards AFTER UPDATE ON grants_award
  REFERENCING OLD TABLE AS old_awards NEW TABLE AS new_awards FOR EACH STATEMENT
  EXECUTE FUNCTION reporting_payment_tally_awards();

CREATE OR REPLACE FUNCTION reporting_payment_tally_cleanup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM {PAYMENTS} WHERE programme_id IN (SELECT id FROM old_rows);
  RETURN NULL;
END $$;
CREATE TRIGGER reporting_payment_tally_cleanup AFTER DELETE ON grants_fundingprogramme
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reporting_payment_tally_cleanup();
"""
PAYMENT_TRIGGERS = {
    "insert": "grants_payment",
    "update": "grants_payment",
    "delete": "grants_payment",
    "awards": "grants_award",
    "cleanup": "grants_fundingprogramme",
}
PAYMENTS_POSTGRESQL_DROP = "".join(
    f"DROP TRIGGER IF EXISTS reporting_payment_tally_{name} ON {table};\n" for name, table in PAYMENT_TRIGGERS.items()
) + "".join(f"DROP FUNCTION IF EXISTS reporting_payment_tally_{name}();\n" for name in ("rows", "awards", "cleanup"))


def _sqlite_payment(row: str, sign: str) -> str:
    return f"""INSERT INTO {PAYMENTS} ({PAYMENT_COLUMNS})
        SELECT d.programme_id, {row}.state, {row}.due_on, {sign}1, {sign}{row}.amount
        FROM (SELECT programme_id FROM grants_award WHERE id = {row}.award_id) AS d WHERE {LIVE}
        {PAYMENT_UPSERT};"""


def _sqlite_moved_payments(row: str, sign: str) -> str:
    return f"""INSERT INTO {PAYMENTS} ({PAYMENT_COLUMNS})
        SELECT {row}.programme_id, p.state, p.due_on, {sign}count(*), {sign}sum(p.amount)
        FROM grants_payment p
        WHERE p.award_id = {row}.id AND EXISTS (SELECT 1 FROM grants_fundingprogramme WHERE id = {row}.programme_id)
        GROUP BY p.state, p.due_on
        {PAYMENT_UPSERT};"""


PAYMENTS_SQLITE = [
    "CREATE TRIGGER reporting_payment_tally_insert AFTER INSERT ON grants_payment "
    f"BEGIN {_sqlite_payment('NEW', '')} END;",
    "CREATE TRIGGER reporting_payment_tally_delete AFTER DELETE ON grants_payment "
    f"BEGIN {_sqlite_payment('OLD', '-')} END;",
    "CREATE TRIGGER reporting_payment_tally_update AFTER UPDATE OF award_id, state, due_on, amount ON grants_payment "
    f"BEGIN {_sqlite_payment('OLD', '-')} {_sqlite_payment('NEW', '')} END;",
    "CREATE TRIGGER reporting_payment_tally_awards AFTER UPDATE OF programme_id ON grants_award "
    "WHEN OLD.programme_id IS NOT NEW.programme_id "
    f"BEGIN {_sqlite_moved_payments('OLD', '-')} {_sqlite_moved_payments('NEW', '')} END;",
    "CREATE TRIGGER reporting_payment_tally_cleanup AFTER DELETE ON grants_fundingprogramme "
    f"BEGIN DELETE FROM {PAYMENTS} WHERE programme_id = OLD.id; END;",
]
PAYMENTS_SQLITE_DROP = [f"DROP TRIGGER IF EXISTS reporting_payment_tally_{name};" for name in PAYMENT_TRIGGERS]
PAYMENTS_COUNT = """SELECT aw.programme_id, p.state, p.due_on, count(*), sum(p.amount)
    FROM grants_payment p JOIN grants_award aw ON aw.id = p.award_id GROUP BY 1, 2, 3"""


@dataclass(frozen=True)
class Installed:
    """What installing, dropping and recounting one tally needs."""

    table: str
    keys: int  # how many of the columns make the key (the rest are figures)
    columns: str
    count_sql: str
    postgresql: str
    postgresql_drop: str
    sqlite: list[str]
    sqlite_drop: list[str]


def _installed(name: str) -> Installed:
    if name == "payments":
        return Installed(
            PAYMENTS,
            3,
            PAYMENT_COLUMNS,
            PAYMENTS_COUNT,
            PAYMENTS_POSTGRESQL,
            PAYMENTS_POSTGRESQL_DROP,
            PAYMENTS_SQLITE,
            PAYMENTS_SQLITE_DROP,
        )
    t = TALLIES[name]
    return Installed(
        t.table, 4, t.columns, t.count_sql(), t.postgresql(), t.postgresql_drop(), t.sqlite(), t.sqlite_drop()
    )


def install(schema_editor, name: str = "reach") -> None:
    """Create one tally's triggers and count what is already there (a migration step)."""
    tally = _installed(name)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {tally.table}")
        cursor.execute(f"INSERT INTO {tally.table} ({tally.columns}) {tally.count_sql}")
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(tally.postgresql)
        else:
            for statement in tally.sqlite:
                cursor.execute(statement)


def uninstall(schema_editor, name: str = "reach") -> None:
    tally = _installed(name)
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(tally.postgresql_drop)
        else:
            for statement in tally.sqlite_drop:
                cursor.execute(statement)


def recount(name: str = "reach") -> int:
    """Work one tally out again from the rows it counts; returns how many of its rows were wrong or missing
    (and puts them right)."""
    from django.db import connection, transaction

    tally = _installed(name)
    keys = tally.keys

    def figures(rows):
        return {tuple(row[:keys]): tuple(Decimal(m) for m in row[keys:]) for row in rows if row[keys]}

    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT {tally.columns} FROM {tally.table}{lock}")
        kept = figures(cursor.fetchall())
        cursor.execute(tally.count_sql)
        counted = figures(cursor.fetchall())
        wrong = sum(1 for key in kept.keys() | counted.keys() if kept.get(key) != counted.get(key))
        if wrong:
            cursor.execute(f"DELETE FROM {tally.table}")
            cursor.execute(f"INSERT INTO {tally.table} ({tally.columns}) {tally.count_sql}")
        return wrong
