"""Load: gunicorn on PostgreSQL with 10,000 and 100,000 awards, a realistic request mix from
concurrent clients (locust, headless), printing throughput, median and 95th percentile and errors.

The larger size's figures are printed beside the 10,000-award ones (aim: throughput and medians within
1.5×, no errors). The sizes take turns in rounds (LOAD_ROUNDS, 2), so a busy spell of a shared machine
slows every size alike. Needs PostgreSQL on 127.0.0.1:5432 and `pip install -r requirements-dev.txt`
(make setup does). Sizes and duration: LOAD_SIZES=10000,100000 LOAD_SECONDS=30 (per size, over all
rounds) LOAD_USERS=20. LOAD_REUSE=1 measures the databases `python -m bench scale` kept (SCALE_KEEP=1)
instead of building: `SCALE_KEEP=1 SCALE_SIZES=10000,1000000 python -m bench scale`, then
`LOAD_REUSE=1 LOAD_SIZES=10000,1000000 python -m bench load`.
"""

import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("LOAD_PG", "postgres://postgres@127.0.0.1:5432")
PY = sys.executable


def _run(args, env, check=True, **kw):
    return subprocess.run(args, cwd=ROOT, env=env, check=check, **kw)


def _fresh_database(name: str):
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _wait_healthy(url: str, seconds: int = 60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not become healthy")


def _env(db: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"{PG}/{db}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "AXES_ENABLED": "0",
        "LOG_LEVEL": "WARNING",
        "API_WRITE_RATE": "1000000/minute",
        "API_AUTH_RATE": "1000000/minute",
    }


def prepare(n_awards: int) -> tuple[str, Path]:
    """The database for one size and the fixture (logins, ids) locust reads: a fresh one built by
    bench.scale, or with LOAD_REUSE=1 the database bench_scale kept (SCALE_KEEP=1: bench_perf_10k,
    bench_perf_1m…), so a million awards need not be built again."""
    work = Path(tempfile.mkdtemp(prefix="exchange-load-"))
    reused = _kept_database(n_awards) if os.environ.get("LOAD_REUSE") else None
    if reused:
        db = reused
        fixture = _run([PY, "-m", "bench.bench_load", "--fixture"], _env(db), capture_output=True, text=True).stdout
        print(f"  {n_awards:,} awards: reusing {db}", flush=True)
    else:
        db = f"exchange_load_{n_awards}"
        _fresh_database(db)
        env = _env(db)
        _run([PY, "manage.py", "migrate", "-v0"], env)
        t0 = time.perf_counter()
        fixture = _run([PY, "-m", "bench.scale", str(n_awards)], env, capture_output=True, text=True).stdout
        print(f"  {n_awards:,} awards loaded in {time.perf_counter() - t0:.1f} s", flush=True)
    (work / "fixture.json").write_text(fixture.strip().splitlines()[-1])
    return db, work


def _kept_database(n_awards: int) -> str | None:
    """The database `bench scale` kept for this size, named as it names them."""
    from bench import bench_scale

    name = f"{bench_scale.PREFIX}_{bench_scale._label(n_awards)}"
    return name if bench_scale._exists(name) else None


def fixture_here() -> dict:
    """In a child on a kept database: what locust needs, read from it (the load-manager of bench.scale_sql)."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from rest_framework.authtoken.models import Token

    from grants.models import Award

    manager = get_user_model().objects.get(username="load-manager")
    session = SessionStore()
    session["_auth_user_id"] = str(manager.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = manager.get_session_auth_hash()
    session.create()
    ids = Award.objects.order_by().values_list("pk", flat=True)
    top = Award.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return {
        "manager_token": Token.objects.get_or_create(user=manager)[0].key,
        "manager_session": session.session_key,
        "award_ids": list(ids.filter(pk__in=range(1, top + 1, max(1, top // 500)))),
        "submitted_ids": list(ids.filter(state="submitted")[:5000]),
    }


def measure(db: str, work: Path, seconds: int, users: int, port: int, round_: int, rounds: int = 1) -> dict:
    env = _env(db)
    stats = work / f"stats{round_}"
    workers = str(int(os.environ.get("LOAD_WORKERS", "4")))
    server = subprocess.Popen(
        [PY, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", workers, "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/healthz")
        _run(
            [
                PY,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "-u",
                str(users),
                "-r",
                str(users),
                "-t",
                f"{seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(stats),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            {**env, "LOAD_FIXTURE": str(work / "fixture.json"), "LOAD_ROUND": str(round_), "LOAD_ROUNDS": str(rounds)},
            capture_output=True,
            check=False,  # locust exits 1 when a request failed: the failures are counted and printed below
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    rows = {}
    with open(f"{stats}_stats.csv") as f:
        for row in csv.DictReader(f):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "median_ms": float(row["Median Response Time"]),
                "p95_ms": float(row["95%"]),
                "rps": float(row["Requests/s"]),
            }
    return rows


def _combine(rounds: list[dict]) -> dict:
    """Rounds of one size as one figure: medians and 95th percentiles the median of the rounds', requests
    and errors added up, throughput the mean."""
    import statistics

    combined = {}
    for name in rounds[0]:
        present = [r[name] for r in rounds if name in r]
        combined[name] = {
            "requests": sum(r["requests"] for r in present),
            "failures": sum(r["failures"] for r in present),
            "median_ms": statistics.median(r["median_ms"] for r in present),
            "p95_ms": statistics.median(r["p95_ms"] for r in present),
            "rps": statistics.mean(r["rps"] for r in present),
        }
    return combined


def main():
    try:
        import locust  # noqa: F401
        import psycopg

        psycopg.connect(f"{PG}/postgres", connect_timeout=3).close()
    except Exception as problem:  # noqa: BLE001
        print(f"  skipped: needs locust (requirements-dev.txt) and PostgreSQL at {PG} ({problem})")
        return
    sizes = [int(s) for s in os.environ.get("LOAD_SIZES", "10000,100000").split(",")]
    seconds = int(os.environ.get("LOAD_SECONDS", "30"))
    users = int(os.environ.get("LOAD_USERS", "20"))
    rounds = int(os.environ.get("LOAD_ROUNDS", "2"))
    prepared = {n: prepare(n) for n in sizes}
    # The sizes take turns, round after round (10k, 1M, 10k, 1M…): a busy spell slows both alike.
    measured: dict[int, list] = {n: [] for n in sizes}
    for r in range(rounds):
        for i, n in enumerate(sizes):
            measured[n].append(measure(*prepared[n], seconds // rounds, users, 8700 + i, r, rounds))
    results = {n: _combine(measured[n]) for n in sizes}
    base = sizes[0]
    print(f"  {users} concurrent clients, {seconds} s a size in {rounds} interleaved rounds; times in ms")
    print(f"  {'request':32} " + " ".join(f"{f'{n:,} med/p95':>20}" for n in sizes) + "   ratio(med)  errors")
    for name in results[base]:
        cells = []
        for n in sizes:
            r = results[n].get(name, {"median_ms": float("nan"), "p95_ms": float("nan")})
            cells.append(f"{r['median_ms']:>9.0f}/{r['p95_ms']:<9.0f} ")
        last = results[sizes[-1]].get(name, {}).get("median_ms", float("nan"))
        ratio = last / results[base][name]["median_ms"] if results[base][name]["median_ms"] else float("nan")
        errors = sum(results[n].get(name, {}).get("failures", 0) for n in sizes)
        print(f"  {name:32} " + " ".join(cells) + f"  {ratio:>6.2f}x  {errors:>6}")
    for n in sizes:
        total = results[n].get("Aggregated", {})
        ref = results[n].get("reference: health check", {})
        api = results[n].get("api: award list", {})
        print(
            f"  {n:,} awards: throughput {total.get('rps', 0):.1f} req/s; API list median {api.get('median_ms')} ms "
            f"= {api.get('median_ms', 0) / max(ref.get('median_ms', 1), 1):.1f}x the health-check reference "
            f"({ref.get('median_ms')} ms) in the same run"
        )
    api_list = results[base].get("api: award list", {})
    top = sizes[-1]
    ratio = results[base]["Aggregated"]["rps"] / max(results[top]["Aggregated"]["rps"], 0.001)
    print(
        f"  aim: median API list under 50 ms at {base:,} awards -> {api_list.get('median_ms', 'n/a')} ms; "
        f"no errors; {top:,} within 1.5x of {base:,} -> throughput {ratio:.2f}x lower"
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["--fixture"]:
        import json

        print(json.dumps(fixture_here()))
    else:
        main()
