"""The due tally read by index on PostgreSQL: the tally's triggers rewrite its few rows once per due row
written (a million times in a rebuild at 1,000,000 awards), so its live rows can sit in a hundred
megabytes of pages; the managers' figures must find theirs through the tally's indexes, never by reading
every page (25 ms a dashboard at 1,000,000 awards, under 1 ms by index)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.selectors import due_rows as read
from tests import factories as f
from tests.helpers import force_state

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_a_managers_due_figures_read_the_tally_by_its_indexes_never_every_page(world):
    force_state(f.AwardFactory(programme=world.programme, recipient=world.partner_org), "active")
    force_state(f.ProjectFactory(partnership=world.partnership, lead_organisation=world.partner_org), "in_delivery")
    with CaptureQueriesContext(connection) as ctx:
        counts = read.managed_counts(user=world.manager, today=dt.date.today())
    assert counts["with_partner"] + counts["awaiting_review"] + counts["done"] > 0
    (sql,) = [q["sql"] for q in ctx.captured_queries if "reporting_duetally" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # what the planner does once the table is big
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "Seq Scan on reporting_duetally" not in plan, plan
    assert "duetally_partnership" in plan and "due_tally_one_per_key" in plan, plan
