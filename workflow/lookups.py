"""Conditions on a subquery or a list of values written so PostgreSQL reads what a page needs, not every
row the subquery can give, and receives many values as one parameter. Other databases keep the plain form.

- `in_subquery`: `column = ANY(ARRAY(subquery))`, a condition it can answer from the column's index (a
  bitmap per condition, OR-ed), where `column IN (subquery)` inside an OR becomes a hashed subplan tested
  against every row of the table, which reads every page of it, dead ones too (a tally table rewritten by
  triggers a million times holds a few live rows in 100 MB).
- `in_values`: `column = ANY(%s)` with the values as one array parameter, where `column IN (%s, %s, …)`
  sends one parameter a value, which the driver parses placeholder by placeholder (10,000 ids: about
  50 ms before the database sees the statement) and SQLite caps by how the library was built (32,766
  upstream, 250,000 in Debian's; Django assumes 999); `key_chunks` slices values by Django's figure.
- `ProbedExists`: a correlated EXISTS that stays one probe per row read. Inside an OR, PostgreSQL may
  turn an EXISTS into a hashed `IN` of every row its subquery can give, built before the first row is
  returned, and does so whenever that hash fits in `work_mem`: the state-change history at 100,000
  awards hashed all 100,000 visible award ids (60-80 ms) to show fifty rows, where probing took 5-9 ms
  (a million ids do not fit, so that size already probed). `OFFSET 0` in the subquery is the planner's
  documented fence: a subquery with an OFFSET is never simplified into that hashed form."""

from collections.abc import Collection, Iterator, Sequence

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db import connections, router
from django.db.models import BooleanField, CharField, Exists, F, Func, Model, Q, QuerySet, TextField, Value


class EqualsAny(Func):
    """`column = ANY(array)`, the array an `ARRAY(subquery)` or one array parameter."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()
    conditional = True


def in_subquery(field: str, subquery: QuerySet) -> Q:
    """Rows whose `field` is one of the values `subquery` selects (one column), as an indexable condition."""
    if connections[router.db_for_read(subquery.model)].vendor == "postgresql":
        return Q(EqualsAny(F(field), ArraySubquery(subquery.order_by())))
    return Q(**{f"{field}__in": subquery})


def in_values(model: type[Model], field: str, values: Collection) -> Q:
    """Rows of `model` whose `field` is one of `values`: on PostgreSQL one array parameter however many
    values (elsewhere `__in`: chunk `values` with `key_chunks`). A foreign key named by its column
    (`award_id`) takes the related keys; named as the relation (`award`) it keeps `__in`, whose values may be
    objects."""
    target = model._meta.get_field(field)
    plain = not target.is_relation or field == target.attname
    if connections[router.db_for_read(model)].vendor == "postgresql" and plain:
        column = target.target_field if target.is_relation else target
        # As text, not varchar(n): a cast to varchar(n) cuts a longer value to n characters, which would
        # then match the record holding those n (an import's over-long key matching an existing award).
        base = TextField() if isinstance(column, CharField) else column
        return Q(EqualsAny(F(field), Value(list(values), output_field=ArrayField(base))))
    return Q(**{f"{field}__in": values})


def key_chunks(model: type[Model], values: Sequence) -> Iterator[Sequence]:
    """`values` in slices one statement can carry: all at once where the database has no parameter limit
    (PostgreSQL, with `in_values`), else its limit less a margin for the statement's other parameters
    (SQLite: Django's 999, so 899; an `IN` past the library's own cap, 32,766 upstream, is refused)."""
    limit = connections[router.db_for_read(model)].features.max_query_params
    size = max(1, len(values) if limit is None else limit - 100)
    for start in range(0, len(values), size):
        yield values[start : start + size]


class ProbedExists(Exists):
    """EXISTS(subquery) that PostgreSQL evaluates row by row (see the module's note)."""

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = self.as_sql(compiler, connection, **extra_context)
        if not (sql.endswith(")") and "EXISTS(" in sql):
            return sql, params  # a subquery that can match nothing is written as a constant, not a subquery
        return f"{sql[:-1]} OFFSET 0)", params  # EXISTS(SELECT … LIMIT 1) -> EXISTS(SELECT … LIMIT 1 OFFSET 0)
