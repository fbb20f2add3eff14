"""Time the gap analysis and every program report on a 100,000-student district (PostgreSQL).

    .venv/bin/python benchmarks/insights_bench.py [--students 100000] [--repeat 5]

Uses DATABASE_URL (default: the local trellis_insights_bench database, created if missing),
migrates it, seeds the demo district with `seed_demo --students N` when it is missing or a
different size, then renders each insights page through the Django test client as the
district-wide demo coordinator and as the one-school coordinator. Prints the best of
--repeat runs in seconds and the number of queries per page. Target: < 0.5 s each.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/trellis_insights_bench"
TARGET_SECONDS = 0.5


def ensure_database(url: str) -> None:
    """Create the benchmark database on the server if it does not exist yet."""
    import psycopg
    from psycopg import sql

    dbname = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
            print(f"created database {dbname}")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("TRELLIS_DEMO", "1")  # plain HTTP, demo secret key
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trellis.settings")
    os.environ.setdefault("AXES_ENABLED", "0")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def seed(students: int) -> None:
    from django.core.management import call_command

    from trellis.demo.build import DISTRICT_SLUG
    from trellis.students.models import Student

    call_command("migrate", verbosity=0, interactive=False)
    # seed_demo's --students counts enrolled students; past years' graduates come on top.
    have = Student.objects.filter(district__slug=DISTRICT_SLUG, is_active=True).count()
    if have != students:
        print(f"seeding {students:,} students (found {have:,}) …", flush=True)
        started = time.perf_counter()
        call_command("seed_demo", students=students, reset=have > 0, verbosity=0)
        print(f"seeded in {time.perf_counter() - started:.1f} s", flush=True)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def measure(client, url: str, repeat: int) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches (templates, the first query plans)
    best = float("inf")
    status = 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        best = min(best, time.perf_counter() - started)
        status = response.status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return best, len(captured), status


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if url.startswith("postgres"):
        ensure_database(url)
    setup_django(url)
    seed(args.students)

    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from trellis.accounts.models import User
    from trellis.districts.models import SchoolYear, Term
    from trellis.hours.models import HourLog
    from trellis.insights import gaps
    from trellis.insights.reports import REPORTS
    from trellis.insights.scope import get_insights_scope
    from trellis.opportunities.models import CareerCluster, Opportunity
    from trellis.placements.models import Placement
    from trellis.students.models import Student, StudentInterest

    coordinator = User.objects.get(username="coordinator")
    scope = get_insights_scope(coordinator)
    district = scope.district
    students = Student.objects.filter(district=district).count()
    interests = StudentInterest.objects.filter(student__district=district).count()
    print(
        f"\n{district.name}: {students:,} students, {interests:,} interests, "
        f"{Opportunity.objects.filter(district=district).count():,} opportunities, "
        f"{Placement.objects.filter(district=district).count():,} placements, "
        f"{HourLog.objects.filter(placement__district=district).count():,} hour logs"
    )

    # How busy is this machine? Every figure below is wall-clock time, so say so.
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("SELECT count(*), sum(hours) FROM hours_hourlog")
        scan = time.perf_counter() - started
    load = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}; "
        f"a plain scan of every hour log takes {scan:.3f} s"
    )

    # The core on its own (two queries), without the page around it.
    clusters = list(CareerCluster.objects.all())
    terms = list(Term.objects.filter(school_year__district=district).select_related("school_year"))
    term = gaps.resolve_term(terms, None, today=timezone.localdate())
    best = float("inf")
    for _ in range(args.repeat + 1):
        started = time.perf_counter()
        analysis = gaps.analyse_gaps(scope, clusters, term=term)
        best = min(best, time.perf_counter() - started)
    print(
        f"gap analysis core ({term}): {best:.3f} s; unmet demand {float(analysis.totals.unmet):,.1f} "
        f"of {float(analysis.totals.demand):,.1f}"
    )

    year = SchoolYear.objects.filter(
        district=district, start_date__lte=timezone.localdate()
    ).first()
    pages = [
        ("Gap by cluster", reverse("insights:gaps")),
        (
            "Gap drill-down (Healthcare)",
            reverse("insights:gap_cluster", args=["healthcare-human-services"]),
        ),
        ("Gap export (CSV)", reverse("insights:gap_export", args=["csv"])),
    ]
    pages += [
        (
            f"Report: {r.title}",
            reverse("insights:report", args=[r.slug]) + (f"?year={year.pk}" if year else ""),
        )
        for r in REPORTS
    ]
    pages += [
        (
            f"Print: {r.title}",
            reverse("insights:report_print", args=[r.slug]) + (f"?year={year.pk}" if year else ""),
        )
        for r in REPORTS
    ]
    pages += [
        (
            "Participation export (XLSX)",
            reverse("insights:report_export", args=["participation", "by-year", "xlsx"]),
        )
    ]

    worst = 0.0
    for username in ("coordinator", "coordinator.alder"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        print(f"\nas {username}:")
        print(f"  {'page':<44} {'seconds':>8} {'queries':>8}")
        for label, page_url in pages:
            seconds, queries, status = measure(client, page_url, args.repeat)
            worst = max(worst, seconds)
            flag = (
                ""
                if status == 200 and seconds < TARGET_SECONDS
                else "  <-- " + (f"HTTP {status}" if status != 200 else "over target")
            )
            print(f"  {label:<44} {seconds:>8.3f} {queries:>8}{flag}")
        seconds, queries, status = measure(client, reverse("insights:board_report"), 1)
        print(f"  {'Board report (all ten reports, print page)':<44} {seconds:>8.3f} {queries:>8}")
    load = os.getloadavg()
    print(
        f"\nslowest page: {worst:.3f} s (target < {TARGET_SECONDS} s); load average now {load[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
