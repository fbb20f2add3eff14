"""Time `manage.py seed_demo` on a fresh database and print seconds and row counts.

    .venv/bin/python benchmarks/seed_bench.py                  # SQLite, 100,000 and 1,200 students
    .venv/bin/python benchmarks/seed_bench.py --postgres       # and PostgreSQL (trellis_bench)
    .venv/bin/python benchmarks/seed_bench.py --students 5000

Each case runs in its own process: DATABASE_URL has to be set before django.setup(), and the
database is new for every case (a temporary SQLite file, or trellis_bench dropped and created
again on postgres://postgres@127.0.0.1:5432). Migrations are not timed; the seed is, with its
transaction commit. The load average is printed because other work on a 2-core machine shows
up in wall-clock time but hardly in CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/trellis_bench"
COUNTED = [
    "students.Student",
    "students.GuardianLink",
    "students.StudentInterest",
    "accounts.User",
    "partners.Partner",
    "partners.Mentor",
    "opportunities.Opportunity",
    "placements.Application",
    "placements.Placement",
    "placements.Agreement",
    "placements.Signature",
    "placements.Evaluation",
    "placements.Reflection",
    "placements.RoundRanking",
    "hours.Session",
    "hours.HourLog",
]


def child(students: int, seed: int) -> None:
    """Runs inside the subprocess, with DATABASE_URL already pointing at an empty database."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trellis.settings")
    import django

    django.setup()
    from io import StringIO

    from django.apps import apps
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    wall, cpu = time.perf_counter(), time.process_time()
    out = StringIO()
    call_command("seed_demo", students=students, seed=seed, stdout=out)
    result = {"seconds": time.perf_counter() - wall, "cpu_seconds": time.process_time() - cpu}
    result["summary"] = out.getvalue().splitlines()[0]
    result["rows"] = {label: apps.get_model(label).objects.count() for label in COUNTED}
    print(json.dumps(result))


def create_postgres_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS trellis_bench WITH (FORCE)")
        conn.execute("CREATE DATABASE trellis_bench")


def run_case(backend: str, students: int, seed: int) -> dict:
    env = dict(os.environ, TRELLIS_DEMO="1")
    with tempfile.TemporaryDirectory(prefix="seed-bench-") as tmp:
        if backend == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            create_postgres_database()
            env["DATABASE_URL"] = PG_URL
        load = os.getloadavg()[0]
        out = subprocess.run(
            [sys.executable, __file__, "--child", "--students", str(students), "--seed", str(seed)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            raise SystemExit(f"{backend} {students}: failed\n{out.stdout}\n{out.stderr}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result["load_before"] = load
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, nargs="+", default=[100_000, 1_200])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--postgres", action="store_true", help="Also run on PostgreSQL (trellis_bench)."
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.students[0], args.seed)
        return
    backends = ["sqlite"] + (["postgres"] if args.postgres else [])
    for backend in backends:
        for students in args.students:
            r = run_case(backend, students, args.seed)
            print(
                f"\n{backend}, {students:,} students: {r['seconds']:.1f} s wall, {r['cpu_seconds']:.1f} s CPU "
                f"(load average before: {r['load_before']:.1f})"
            )
            print(f"  {r['summary']}")
            for label, count in r["rows"].items():
                print(f"  {label:<28} {count:>10,}")


if __name__ == "__main__":
    main()
