"""PostgreSQL plans a statement once per connection (config/settings.py: server-side binding and
prepared statements), and DATABASE_PREPARED_STATEMENTS=0 turns that off for a pooler that cannot keep
them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from grants.models import Award
from reporting.selectors import due_rows
from tests import factories as f

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "from django.conf import settings; print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"


def _options(**env) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", f"import json, django; django.setup(); {SETTINGS}"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_postgresql_prepares_statements_unless_told_not_to():
    url = "postgres://postgres@127.0.0.1:5432/exchange"
    on = _options(DATABASE_URL=url)
    assert on["server_side_binding"] is True and on["prepare_threshold"] == 5
    off = _options(DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="0")
    assert "server_side_binding" not in off and "prepare_threshold" not in off
    assert off["options"] == on["options"] == "-c jit=off"
    sqlite = _options(DATABASE_URL="sqlite:////tmp/exchange-settings-check.sqlite3")
    assert "server_side_binding" not in sqlite


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.postgres
def test_a_page_query_asked_again_is_planned_once(world):
    """The due rows the inbox reads (a nine-table join that took longer to plan than to run) become a
    prepared statement of the connection after five runs, with the day and the scope as parameters."""
    award = f.AwardFactory(programme=world.programme, recipient=world.partner_org)
    assert award.pk and Award.objects.filter(pk=award.pk).exists()
    today = award.created_at.date()
    mine = "LIMIT 37"  # a limit no other test asks for: the connection's statements outlive a test

    def ask():
        due_rows.managed_periods(user=world.manager, today=today, urgency="overdue", limit=37)

    for _ in range(4):
        ask()
    assert not [s for s in _prepared() if mine in s]
    ask()
    ask()
    joined = [s for s in _prepared() if mine in s]
    assert joined and "reporting_duerow" in joined[0] and "LEFT OUTER JOIN" in joined[0] and "$1" in joined[0]
