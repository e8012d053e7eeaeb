"""The same speed at any size: every main page and API list at 10,000, 100,000 and 1,000,000 awards on
PostgreSQL, each beside a reference measured in the same run, with the ratio to its 10,000-award figure.

For each size: a fresh database `bench_perf_<size>` (copied from a migrated template), filled by
bench.scale_sql (INSERT … SELECT generate_series; prints how long). Then one process (bench/settings.py:
a database alias per size) signs in the manager, partner and funder and times every URL in-process
(Django's test client: middleware, views, templates, serializers; no network), the sizes taking turns
request by request so a busy machine slows them alike; median of SCALE_REPEAT runs after a warm-up,
and its queries counted. References in the same process: `/healthz` for pages, and for the API award list the same
page of rows and fields read with `values()` and written as JSON with the same capped count
(bench/urls.py) — the floor a hand-written endpoint would reach.

    python -m bench scale                         # 10k, 100k, 1M (1M: ~3 min to build, disk ~1.5 GB)
    SCALE_SIZES=10000,100000 python -m bench scale
    SCALE_KEEP=1 …      keep the databases afterwards (SCALE_REUSE=1 measures a kept one without rebuilding)

Aims (issue 15): at 10,000 every page ≤ 100 ms and the API award list ≤ 50 ms and within 2× its
reference; at 100,000 and 1,000,000 every URL within 1.5× of its 10,000 figure with the same queries.
"""

import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("SCALE_PG", "postgres://postgres@127.0.0.1:5432")
PREFIX = os.environ.get("SCALE_DB_PREFIX", "bench_perf")
PY = sys.executable

PAGES = [
    ("manager", "/"),
    ("manager", "/awards/"),
    ("manager", "/awards/?state=active&q=Award%201"),  # broad: 1 in 9 awards match, 100× more at 1M
    ("manager", "/awards/?q=4242"),  # narrower: 1 match at 10k, about 400 at 1M
    ("manager", "/awards/?page=300"),
    ("manager", "/projects/"),
    ("manager", "/payments/"),
    ("manager", "/payments/?when=overdue"),
    ("manager", "/programmes/"),
    ("manager", "/reach/"),
    ("manager", "/inbox/"),
    ("manager", "/updates/"),
    ("manager", "/updates/overdue/"),
    ("manager", "/updates/overdue/?show=awaiting_review"),
    ("partner", "/"),
    ("partner", "/awards/"),
    ("partner", "/inbox/"),
    ("funder", "/"),
    ("funder", "/awards/"),
]
APIS = [
    ("manager", "/api/v1/awards/"),
    ("manager", "/api/v1/awards/?state=active"),
    ("manager", "/api/v1/awards/?state=active&ordering=-amount_awarded"),  # an offered order (grants 0018)
    ("manager", "/api/v1/payments/?ordering=-paid_on"),
    ("manager", "/api/v1/projects/"),
    ("manager", "/api/v1/programmes/"),
    ("manager", "/api/v1/payments/"),
    ("manager", "/api/v1/updates/"),
    ("manager", "/api/v1/transitions/"),
    ("manager", "/api/v1/inbox/"),
    ("funder", "/api/v1/awards/"),
]
REFERENCES = [("manager", "/healthz"), ("manager", "/bench/awards-reference/")]


def _label(size: int) -> str:
    return f"{size // 1_000_000}m" if size % 1_000_000 == 0 else f"{size // 1000}k"


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def _env(db: str, **extra) -> dict:
    return {**os.environ, "DATABASE_URL": f"{PG}/{db}", "DJANGO_SETTINGS_MODULE": "config.settings", **extra}


def _build(size: int) -> str:
    db = f"{PREFIX}_{_label(size)}"
    if os.environ.get("SCALE_REUSE") and _exists(db):
        print(f"  reusing {db}", flush=True)
        return db
    template = f"{PREFIX}_template"
    _admin(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{template}"')
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=_env(template), check=True)
    _admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{db}" TEMPLATE "{template}"')
    _admin(f'DROP DATABASE "{template}"')
    start = time.perf_counter()
    _run([PY, "-m", "bench.scale_sql", str(size)], env=_env(db))
    print(f"  built {size:,} awards in {time.perf_counter() - start:.0f} s ({db})", flush=True)
    return db


def _measure(dbs: list[str]) -> dict:
    env = _env(dbs[0], DJANGO_SETTINGS_MODULE="bench.settings", SCALE_DATABASES=",".join(dbs))
    out = _run([PY, "-m", "bench.bench_scale", "--measure"], env=env)
    return json.loads(out.strip().splitlines()[-1])


def _run(args: list[str], env: dict) -> str:
    """A child's output; when it fails, what it wrote to stderr is printed before the error (not swallowed)."""
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        print(done.stderr[-5000:], file=sys.stderr, flush=True)
        done.check_returncode()
    return done.stdout


def measure_here() -> dict:
    """In the child process (bench.settings): {alias: {url: [median seconds, queries]}}, the sizes
    measured in turn for every request."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.test import Client
    from django.test.utils import setup_test_environment
    from rest_framework.authtoken.models import Token

    from bench.settings import MeasuredSize

    setup_test_environment()
    repeat = int(os.environ.get("SCALE_REPEAT", "7"))
    # Requests before the timed ones: a statement is prepared on its fifth run on a connection
    # (config/settings.py), as a web process's long-lived connection has long done.
    warm_up = int(os.environ.get("SCALE_WARM_UP", "5"))
    aliases = list(settings.DATABASES)
    clients = {}
    for alias in aliases:
        MeasuredSize.alias = alias
        for role in ("manager", "partner", "funder"):
            user = get_user_model().objects.get(username=f"load-{role}")
            token = Token.objects.get_or_create(user=user)[0].key
            web, api = Client(), Client(HTTP_AUTHORIZATION=f"Token {token}")
            web.force_login(user)
            clients[alias, role] = (web, api)
    results = {alias: {} for alias in aliases}
    for role, url in PAGES + APIS + REFERENCES:
        key, side = f"{role} {url}", 1 if "/api/" in url or "reference" in url else 0
        times = {alias: [] for alias in aliases}
        for alias in aliases:
            MeasuredSize.alias = alias
            for _ in range(warm_up):
                response = clients[alias, role][side].get(url)
            assert response.status_code == 200, (alias, url, response.status_code)
        for _ in range(repeat):
            for alias in aliases:
                MeasuredSize.alias = alias
                start = time.perf_counter()
                clients[alias, role][side].get(url)
                times[alias].append(time.perf_counter() - start)
        for alias in aliases:
            MeasuredSize.alias = alias
            executed = []
            with contextlib.ExitStack() as stack:  # every connection: /healthz asks `default` directly
                for conn in connections.all():
                    stack.enter_context(
                        conn.execute_wrapper(
                            lambda ex, sql, params, many, ctx, executed=executed: (
                                executed.append(sql) or ex(sql, params, many, ctx)
                            )
                        )
                    )
                clients[alias, role][side].get(url)
            results[alias][key] = [statistics.median(times[alias]), len(executed)]
    return list(results.values())


def _table(sizes: list[int], results: dict[int, dict]) -> None:
    base = sizes[0]
    head = f"{'URL':52}" + "".join(f"{f'{s:,} awards':>26}" for s in sizes)
    print(head)
    print(f"{'':52}" + "".join(f"{'median  queries  × ' + _label(base):>26}" for _ in sizes))
    for role, url in PAGES + APIS + REFERENCES:
        key = f"{role} {url}"
        cells = []
        for size in sizes:
            seconds, queries = results[size][key]
            ratio = seconds / results[base][key][0]
            cells.append(f"{seconds * 1000:8.1f} ms {queries:4d} q {ratio:5.2f}×")
        print(f"{key[:52]:52}" + "".join(f"{c:>26}" for c in cells))
    for size in sizes:
        api, ref = results[size]["manager /api/v1/awards/"][0], results[size]["manager /bench/awards-reference/"][0]
        print(f"{size:>9,} awards: API award list {api * 1000:.1f} ms = {api / ref:.2f}× its values()+JSON reference")
    worst = (
        max(
            (results[s][k][0] / results[base][k][0], k, s)
            for s in sizes[1:]
            for k in results[base]
            if "healthz" not in k
        )
        if len(sizes) > 1
        else None
    )
    if worst:
        print(f"largest ratio to the {_label(base)} figure: {worst[0]:.2f}× ({worst[1]} at {worst[2]:,})")
    same = all(results[s][k][1] == results[base][k][1] for s in sizes for k in results[base])
    print(f"same number of queries at every size: {same}")


def main():
    sizes = [int(s) for s in os.environ.get("SCALE_SIZES", "10000,100000,1000000").split(",")]
    dbs = []
    try:
        for size in sizes:
            dbs.append(_build(size))
        start = time.perf_counter()
        measured = _measure(dbs)
        print(f"  measured in {time.perf_counter() - start:.0f} s", flush=True)
    finally:
        if not os.environ.get("SCALE_KEEP"):
            for db in dbs:
                _admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    _table(sizes, dict(zip(sizes, measured, strict=True)))


if __name__ == "__main__":
    if "--measure" in sys.argv:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        print(json.dumps(measure_here()))
    else:
        main()
