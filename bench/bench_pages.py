"""Web pages at two data sizes: time and queries per page for 1,000 and 10,000 awards.

Builds the data with bench.scale in a throwaway test database (SQLite in memory by default; PostgreSQL's
test_<name> when DATABASE_URL points there), signs in the scale data's manager, partner and funder, and
renders each main page through Django's test client. Reference, measured in the same run: /healthz (the
middleware and a response, no data). Aims: the same number of queries at both sizes; each page within
a few hundred milliseconds at 10,000 awards.
"""

import statistics
import time

SIZES = (1000, 10000)
PAGES = [
    ("manager", "/"),
    ("manager", "/awards/"),
    ("manager", "/awards/?state=active&q=Award%201"),
    ("manager", "/projects/"),
    ("manager", "/payments/?when=overdue"),
    ("manager", "/programmes/"),
    ("manager", "/reach/"),
    ("partner", "/"),
    ("funder", "/"),
]


def _time(client, url, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def _count(connection, client, url) -> int:
    executed = []
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: executed.append(sql) or execute(sql, params, many, context)
    ):
        client.get(url)
    return len(executed)


def main():
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment, teardown_test_environment

    from bench.scale import populate

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    results = {}
    try:
        for size in SIZES:
            call_command("flush", interactive=False, verbosity=0)
            start = time.perf_counter()
            populate(size)
            print(f"built {size} awards in {time.perf_counter() - start:.1f} s on {connection.vendor}")
            clients = {}
            for role in ("manager", "partner", "funder"):
                clients[role] = Client()
                clients[role].force_login(get_user_model().objects.get(username=f"load-{role}"))
                clients[role].get("/")  # warm caches
            reference = _time(clients["manager"], "/healthz")
            for role, url in PAGES:
                results[(role, url, size)] = (
                    _time(clients[role], url),
                    _count(connection, clients[role], url),
                    reference,
                )
        print(f"{'page':48} " + "  ".join(f"{f'{s} awards':>22}" for s in SIZES))
        for role, url in PAGES:
            cells = []
            for size in SIZES:
                seconds, queries, reference = results[(role, url, size)]
                cells.append(f"{seconds * 1000:7.1f} ms {queries:3d} q {seconds / reference:5.0f}x")
            print(f"{role + ' ' + url:48} " + "  ".join(f"{c:>22}" for c in cells))
        for size in SIZES:
            print(f"reference /healthz at {size}: {results[(PAGES[0][0], PAGES[0][1], size)][2] * 1000:.2f} ms")
        same = all(results[(r, u, SIZES[0])][1] == results[(r, u, SIZES[-1])][1] for r, u in PAGES)
        print(f"same number of queries at both sizes: {same}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
