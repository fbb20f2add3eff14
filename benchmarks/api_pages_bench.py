"""List 10,000 placements through the API page by page and print the time of each page.

    .venv/bin/python benchmarks/api_pages_bench.py                    # SQLite, 100,000 students
    .venv/bin/python benchmarks/api_pages_bench.py --postgres         # PostgreSQL (trellis_bench)
    .venv/bin/python benchmarks/api_pages_bench.py --students 5000 --page-size 100

A fresh database is seeded with the demo district (seed_demo, not timed), a district token
is made, and /api/v1/placements/ is walked with its cursor through Django's test client (no
network) until 10,000 placements are listed. Prints each page's milliseconds and queries,
then the mean, median and slowest page: a cursor page should cost the same at the end of the
list as at its start.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/trellis_bench"


def child(students: int, page_size: int, total: int) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trellis.settings")
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    wall = time.perf_counter()
    call_command("seed_demo", students=students, stdout=StringIO())
    print(f"seeded {students:,} students in {time.perf_counter() - wall:.0f} s")
    out = StringIO()
    call_command("create_api_token", username="admin", name="Benchmark", scopes="read:placements", stdout=out)
    key = out.getvalue().strip()
    client = Client(headers={"Authorization": f"Bearer {key}"})
    url = f"/api/v1/placements/?page_size={page_size}"
    times, listed, page = [], 0, 0
    while url and listed < total:
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            ms = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        listed += len(body["results"])
        page += 1
        times.append(ms)
        print(f"page {page:>3}: {len(body['results']):>4} rows  {ms:7.1f} ms  {len(queries):>2} queries")
        url = body["next"]
    print(
        f"{listed:,} placements in {page} pages of {page_size}: mean {statistics.mean(times):.1f} ms, "
        f"median {statistics.median(times):.1f} ms, slowest {max(times):.1f} ms a page"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--total", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.students, args.page_size, args.total)
        return
    env = dict(os.environ, TRELLIS_DEMO="1", API_TOKEN_RATE="1000000/minute")
    with tempfile.TemporaryDirectory(prefix="api-bench-") as tmp:
        if args.postgres:
            import psycopg

            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
                conn.execute("DROP DATABASE IF EXISTS trellis_bench WITH (FORCE)")
                conn.execute("CREATE DATABASE trellis_bench")
            env["DATABASE_URL"] = PG_URL
        else:
            env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        print(f"{'PostgreSQL' if args.postgres else 'SQLite'}, load average {os.getloadavg()[0]:.1f}")
        subprocess.run(
            [sys.executable, __file__, "--child", "--students", str(args.students),
             "--page-size", str(args.page_size), "--total", str(args.total)],
            env=env, cwd=ROOT, check=True,
        )


if __name__ == "__main__":
    main()
