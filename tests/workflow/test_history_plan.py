"""The state-change and money histories find each row's subject by a probe per row read
(workflow.lookups.ProbedExists), never by hashing every id the person may see before the first row."""

import pytest
from django.db import connection

from grants.models import Award
from tests import factories as f
from tests.helpers import force_state
from workflow.selectors import money_change_list, transition_list
from workflow.services import log_transition


def _active(world, programme, recipient) -> Award:
    award = force_state(f.AwardFactory(programme=programme, recipient=recipient), Award.State.ACTIVE)
    log_transition(award, name="start", source="approved", actor=world.manager)
    return award


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
def test_the_history_probes_each_rows_subject_and_hashes_no_visible_ids(world):
    for _ in range(3):
        _active(world, world.programme, world.partner_org)
    for listing in (transition_list, money_change_list):
        rows = listing(user=world.manager).order_by("-at", "-id")[:50]
        plan = _plan(rows)
        # The log table's own filter: each type's subject looked for by a (per-row) SubPlan, none hashed
        # (subqueries inside a subject's own scope may hash their few rows).
        (own,) = [line for line in plan.splitlines() if "Filter: (((content_type_id" in line]
        assert "SubPlan" in own and "hashed" not in own, plan
    assert len(transition_list(user=world.manager)) == 3


def test_the_history_shows_the_same_rows_with_the_probe(world):
    """On every database: what a manager, a partner and a funder see of the history is what they may see."""
    award = _active(world, world.programme, world.partner_org)
    other = _active(world, world.programme_b, world.partner_org_b)
    for person, sees in (
        (world.manager, award),
        (world.partner, award),
        (world.funder, award),
        (world.manager_b, other),
    ):
        ids = set(transition_list(user=person).filter(content_type__model="award").values_list("object_id", flat=True))
        assert ids == {sees.pk}, person
