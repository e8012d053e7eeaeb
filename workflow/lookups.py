"""`column = ANY(ARRAY(subquery))` on PostgreSQL: a condition it can answer from the column's index (a bitmap
per condition, OR-ed), where `column IN (subquery)` inside an OR becomes a hashed subplan tested against
every row of the table, which reads every page of it, dead ones too (a tally table rewritten by triggers a
million times holds a few live rows in 100 MB). Other databases keep the plain subquery."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections, router
from django.db.models import BooleanField, F, Func, Q, QuerySet


class EqualsAny(Func):
    """`column = ANY(ARRAY(subquery))`."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()
    conditional = True


def in_subquery(field: str, subquery: QuerySet) -> Q:
    """Rows whose `field` is one of the values `subquery` selects (one column), as an indexable condition."""
    if connections[router.db_for_read(subquery.model)].vendor == "postgresql":
        return Q(EqualsAny(F(field), ArraySubquery(subquery.order_by())))
    return Q(**{f"{field}__in": subquery})
