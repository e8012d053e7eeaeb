"""Load: gunicorn on PostgreSQL with 10,000 and 100,000 awards, a realistic request mix from
concurrent clients (locust, headless), printing throughput, median and 95th percentile and errors.

The 100,000-award figures are printed beside the 10,000-award ones (aim: within twice).
Needs PostgreSQL on 127.0.0.1:5432 and `pip install -r requirements-dev.txt` (make setup does).
Sizes and duration: LOAD_SIZES=10000,100000 LOAD_SECONDS=30 LOAD_USERS=20.
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


def _run(args, env, **kw):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, **kw)


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


def measure(n_awards: int, seconds: int, users: int, port: int) -> dict:
    db = f"exchange_load_{n_awards}"
    _fresh_database(db)
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{db}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "AXES_ENABLED": "0",
        "LOG_LEVEL": "WARNING",
        "API_WRITE_RATE": "1000000/minute",
        "API_AUTH_RATE": "1000000/minute",
    }
    _run([PY, "manage.py", "migrate", "-v0"], env)
    t0 = time.perf_counter()
    fixture = _run([PY, "-m", "bench.scale", str(n_awards)], env, capture_output=True, text=True).stdout
    print(f"  {n_awards:,} awards loaded in {time.perf_counter() - t0:.1f} s", flush=True)
    work = Path(tempfile.mkdtemp(prefix="exchange-load-"))
    (work / "fixture.json").write_text(fixture)
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
                str(work / "stats"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            {**env, "LOAD_FIXTURE": str(work / "fixture.json")},
            capture_output=True,
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    rows = {}
    with open(work / "stats_stats.csv") as f:
        for row in csv.DictReader(f):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "median_ms": float(row["Median Response Time"]),
                "p95_ms": float(row["95%"]),
                "rps": float(row["Requests/s"]),
            }
    return rows


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
    results = {n: measure(n, seconds, users, 8700 + i) for i, n in enumerate(sizes)}
    base = sizes[0]
    print(f"  {users} concurrent clients, {seconds} s each; times in ms")
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
    print(
        f"  aim: median API list under 50 ms at {base:,} awards -> {api_list.get('median_ms', 'n/a')} ms; "
        f"no errors; {sizes[-1]:,} within 2x of {base:,}"
    )
