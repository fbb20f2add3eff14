"""Page speed at district scale: every page as every demo persona, p50/p95 and queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trellis_pages \\
        .venv/bin/python benchmarks/page_speed.py [--students 100000] [--repeat 7]
        [--persona coordinator ...] [--only hours: ...] [--budget-ms 150]

Uses DATABASE_URL (default: the local trellis_page_speed database, created if missing),
migrates it and seeds the demo district with `seed_demo --students N` only when it is missing
or a different size, so a second run reuses the database. Then, for each persona
(`trellis.demo.pages.PERSONAS`), it opens every page of `trellis.demo.pages.pages_for` once to
warm up and --repeat more times through Django's test client (the whole request: middleware,
view, template; no network), and prints p50 and p95 server time, the query count and the
status. Pages over --budget-ms at p95 are listed at the end. Times are wall-clock on a shared
machine, so the load average is printed too; run it when the machine is quiet.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/trellis_page_speed"


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    dbname = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
            print(f"created database {dbname}")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("TRELLIS_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trellis.settings")
    os.environ.setdefault("AXES_ENABLED", "0")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    sys.path.insert(0, str(ROOT / "src"))
    import logging

    import django

    django.setup()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # refused pages are expected


def seed(students: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from trellis.demo.build import DISTRICT_SLUG
    from trellis.students.models import Student

    call_command("migrate", verbosity=0, interactive=False)
    have = Student.objects.filter(district__slug=DISTRICT_SLUG, is_active=True).count()
    if have != students:
        print(f"seeding {students:,} students (found {have:,}) …", flush=True)
        started = time.perf_counter()
        call_command("seed_demo", students=students, reset=have > 0, verbosity=0)
        print(f"seeded in {time.perf_counter() - started:.1f} s", flush=True)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")


def time_page(client, url: str, repeat: int):
    """(p50 ms, p95 ms, queries, status, bytes) of `repeat` warm requests."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()  # a full log (9,000 entries, e.g. after migrate) counts 0
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)  # warm-up, and the query count
    queries = len(captured)  # now: later requests would shift the log it slices
    status, size = response.status_code, len(response.content)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, queries, status, size


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--persona", action="append", help="Only these logins (repeatable).")
    parser.add_argument("--only", action="append", help="Only routes starting with this.")
    parser.add_argument("--budget-ms", type=float, default=150.0)
    parser.add_argument("--all-statuses", action="store_true", help="Also list refused pages.")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if url.startswith("postgres"):
        ensure_database(url)
    setup_django(url)
    seed(args.students)

    from django.test import Client

    from trellis.accounts.models import User
    from trellis.demo.build import DISTRICT_SLUG
    from trellis.demo.pages import PERSONAS, pages_for
    from trellis.districts.models import District
    from trellis.students.models import Student

    district = District.objects.get(slug=DISTRICT_SLUG)
    load = os.getloadavg()
    print(
        f"{district.name}: {Student.objects.filter(district=district).count():,} students "
        f"({Student.objects.count():,} in the database); {os.cpu_count()} CPUs, "
        f"load average {load[0]:.1f}; {args.repeat} warm requests per page"
    )
    over = []
    for username in args.persona or PERSONAS:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        pages = pages_for(user, district)
        if args.only:
            pages = [p for p in pages if any(p.name.startswith(o) for o in args.only)]
        print(f"\nas {username}:")
        print(f"  {'page':<44} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'status':>6} {'KB':>7}")
        for page in pages:
            p50, p95, queries, status, size = time_page(client, page.url, args.repeat)
            if status != 200 and not args.all_statuses:
                continue
            flag = "  <-- over budget" if p95 > args.budget_ms else ""
            if flag:
                over.append((username, page.name, p95))
            print(
                f"  {page.name:<44} {p50:>8.1f} {p95:>8.1f} {queries:>8} {status:>6} {size / 1024:>7.0f}{flag}"
            )
    load = os.getloadavg()
    print(
        f"\npages over {args.budget_ms:.0f} ms at p95: {len(over)}; load average now {load[0]:.1f}"
    )
    for username, name, p95 in sorted(over, key=lambda r: -r[2]):
        print(f"  {p95:>8.1f} ms  {name}  ({username})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
