"""Prepared statements on PostgreSQL (`DATABASE_PREPARED_STATEMENTS=1`, config/settings.py): every page and
API list of bench_scale read with server-side binding and prepared statements, beside the same request on
the same database without them (the default), the two taking turns request by request in one process.
The reference is the unprepared time; aim: no URL slower.

    python -m bench prepared                      # builds the 10,000-award database (about 15 s)
    SCALE_REUSE=1 python -m bench prepared        # measures the one `bench scale` kept (SCALE_KEEP=1)
    PREPARED_SIZE=1000000 SCALE_REUSE=1 …         # another size
"""

import os
import time

from . import bench_scale as scale


def main():
    size = int(os.environ.get("PREPARED_SIZE", "10000"))
    db = scale._build(size)
    try:
        start = time.perf_counter()
        os.environ["DATABASE_PREPARED_STATEMENTS"] = "1"  # the measuring child's `default`; the other alias not
        prepared, unprepared = scale._measure([db, f"{db}:unprepared"])
        print(f"  measured in {time.perf_counter() - start:.0f} s at {size:,} awards", flush=True)
    finally:
        if not os.environ.get("SCALE_KEEP") and not os.environ.get("SCALE_REUSE"):
            scale._admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    print(f"{'URL':52}{'unprepared':>14}{'prepared':>12}{'×':>8}{'queries':>9}")
    ratios = []
    for role, url in scale.PAGES + scale.APIS:
        key = f"{role} {url}"
        before, after = unprepared[key][0], prepared[key][0]
        ratios.append(after / before)
        print(f"{key[:52]:52}{before * 1000:11.1f} ms{after * 1000:9.1f} ms{after / before:7.2f}×{prepared[key][1]:9d}")
    total_before = sum(unprepared[f"{r} {u}"][0] for r, u in scale.PAGES + scale.APIS)
    total_after = sum(prepared[f"{r} {u}"][0] for r, u in scale.PAGES + scale.APIS)
    print(f"all URLs together: {total_after / total_before:.2f}× the unprepared time; slowest ratio {max(ratios):.2f}×")


if __name__ == "__main__":
    main()
