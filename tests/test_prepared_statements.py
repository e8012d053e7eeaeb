"""Prepared statements on PostgreSQL (config/settings.py): off unless DATABASE_PREPARED_STATEMENTS=1
(at a million awards the generic plans they lead to cannot see how rare a value is), and when on, a
statement asked again is planned once by the server."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
OPTIONS = "from django.conf import settings; print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
# Asked six times on one connection, then what that connection holds prepared; a limit no other code asks.
ASK_AGAIN = """
from django.db import connection
from grants.models import Award
for _ in range(6):
    list(Award.objects.filter(state="active").order_by("pk").values_list("pk", flat=True)[:37])
with connection.cursor() as cursor:
    cursor.execute("SELECT statement FROM pg_prepared_statements")
    print(json.dumps([row[0] for row in cursor.fetchall()]))
"""


def _run(code: str, **env) -> object:
    done = subprocess.run(
        [sys.executable, "-c", f"import json, django; django.setup()\n{code}"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_prepared_statements_are_off_unless_asked_for():
    url = "postgres://postgres@127.0.0.1:5432/exchange"
    off = _run(OPTIONS, DATABASE_URL=url)
    assert "server_side_binding" not in off and "prepare_threshold" not in off and off["options"] == "-c jit=off"
    on = _run(OPTIONS, DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="1")
    assert on["server_side_binding"] is True and on["prepare_threshold"] == 5
    sqlite = _run(
        OPTIONS, DATABASE_URL="sqlite:////tmp/exchange-settings-check.sqlite3", DATABASE_PREPARED_STATEMENTS="1"
    )
    assert "server_side_binding" not in sqlite


@pytest.mark.postgres
@pytest.mark.django_db
def test_when_asked_for_a_query_asked_again_is_planned_once():
    """Against this test run's own PostgreSQL database, in a process of its own (the setting is read when
    a connection opens): with the setting, the query is a prepared statement with `$1` for the state
    after its fifth run; without it, nothing is prepared."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    prepared = _run(ASK_AGAIN, DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="1")
    mine = [s for s in prepared if "LIMIT 37" in s]
    assert mine and '"grants_award"."state" = $1' in mine[0], prepared
    assert not [s for s in _run(ASK_AGAIN, DATABASE_URL=url) if "LIMIT 37" in s]
