"""Time a OneRoster 1.2 bulk import of a 100,000-student district and print seconds and peak memory.

    .venv/bin/python benchmarks/roster_bench.py                 # SQLite, 100,000 students
    .venv/bin/python benchmarks/roster_bench.py --postgres      # and PostgreSQL (trellis_roster_bench)
    .venv/bin/python benchmarks/roster_bench.py --students 10000

The ZIP is generated first (not timed): orgs (district, 24 schools, departments), a school year
and two terms, 100,000 students, 1.5 guardians each, 6,000 staff, roles.csv, demographics,
courses, classes and six enrollments per student. Each case runs in its own process on a new
database (a temporary SQLite file, or trellis_roster_bench on postgres://postgres@127.0.0.1:5432):
the first import, then the same file again (which must change nothing). Peak memory is the
process's maximum resident set, printed before and after each import, so what the import adds
on top of Django is visible.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/trellis_roster_bench"
SCHOOLS = 24
STAFF = 6000
GIVEN = ["Ava", "Ben", "Cora", "Dev", "Eli", "Fay", "Gus", "Hana", "Ian", "Joy", "Kai", "Lia", "Max", "Noa"]
FAMILY = ["Lopez", "Kim", "Nguyen", "Smith", "Garcia", "Patel", "Okafor", "Silva", "Cohen", "Ito", "Berg"]


def _writer(z, name):
    handle = io.TextIOWrapper(z.open(f"{name}.csv", "w"), encoding="utf-8", newline="")
    return handle, csv.writer(handle, lineterminator="\r\n")


def write_zip(path: Path, students: int, seed: int = 2026) -> dict:
    """Stream a real-shaped 1.2 bulk ZIP to `path`; returns the row counts per file."""
    rng = random.Random(seed)
    counts = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        manifest = [["propertyName", "value"], ["manifest.version", "1.0"], ["oneroster.version", "1.2"]]
        for name in ("orgs", "academicSessions", "users", "roles", "demographics", "courses", "classes", "enrollments"):
            manifest.append([f"file.{name}", "bulk"])
        z.writestr("manifest.csv", "\r\n".join(",".join(r) for r in manifest))

        handle, w = _writer(z, "orgs")
        w.writerow(["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"])
        w.writerow(["d", "", "", "Bench Unified", "district", "BU", ""])
        for s in range(SCHOOLS):
            kind = "Middle School" if s % 3 == 0 else "High School"
            w.writerow([f"sch{s}", "", "", f"School {s} {kind}", "school", f"S{s:03d}", "d"])
            w.writerow([f"dep{s}", "", "", f"School {s} Science", "department", "", f"sch{s}"])
        handle.close()
        counts["orgs"] = 1 + 2 * SCHOOLS

        handle, w = _writer(z, "academicSessions")
        w.writerow(["sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"])
        w.writerow(["sy", "", "", "2025–26", "schoolYear", "2025-08-15", "2026-06-10", "", "2026"])
        w.writerow(["fall", "", "", "Fall 2025", "semester", "2025-08-15", "2025-12-19", "sy", "2026"])
        w.writerow(["spring", "", "", "Spring 2026", "semester", "2026-01-05", "2026-06-10", "sy", "2026"])
        handle.close()

        uh, users = _writer(z, "users")
        users.writerow(["sourcedId", "status", "dateLastModified", "enabledUser", "username", "userIds", "givenName",
                        "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades",
                        "password", "userMasterIdentifier", "resourceSourcedIds", "preferredGivenName",
                        "preferredMiddleName", "preferredFamilyName", "primaryOrgSourcedId", "pronouns"])
        # zipfile writes one member at a time: roles and demographics go to side files first.
        side = tempfile.TemporaryDirectory(prefix="roster-side-")
        rh = open(f"{side.name}/roles.csv", "w", encoding="utf-8", newline="")  # noqa: SIM115
        roles = csv.writer(rh, lineterminator="\r\n")
        roles.writerow(["sourcedId", "status", "dateLastModified", "userSourcedId", "roleType", "role", "beginDate",
                        "endDate", "orgSourcedId", "userProfileSourcedId"])
        dh = open(f"{side.name}/demographics.csv", "w", encoding="utf-8", newline="")  # noqa: SIM115
        demo = csv.writer(dh, lineterminator="\r\n")
        demo.writerow(["sourcedId", "status", "dateLastModified", "birthDate", "sex", "americanIndianOrAlaskaNative",
                       "asian", "blackOrAfricanAmerican", "nativeHawaiianOrOtherPacificIslander", "white",
                       "demographicRaceTwoOrMoreRaces", "hispanicOrLatinoEthnicity"])
        guardians = 0
        for n in range(students):
            school = n % SCHOOLS
            grade = 6 + n % 7 if school % 3 == 0 else 9 + n % 4
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            agents = [f"g{n}a"] + ([f"g{n}b"] if n % 2 == 0 else [])
            users.writerow([f"s{n}", "", "", "true", f"s{n}", f"{{SIS:{n}}}", given, family, "", f"{100000 + n}",
                            f"s{n}@students.bench.example.org", "", "", ",".join(agents), f"{grade:02d}", "", "", "",
                            "", "", "", f"sch{school}", ""])
            roles.writerow([f"r{n}", "", "", f"s{n}", "primary", "student", "", "", f"sch{school}", ""])
            demo.writerow([f"s{n}", "", "", f"{2026 - grade - 6}-0{1 + n % 9}-1{n % 9}", rng.choice(["male", "female"]),
                           "false", "false", "false", "false", "true", "false", rng.choice(["true", "false"])])
            for agent in agents:
                users.writerow([agent, "", "", "true", agent, "", rng.choice(GIVEN), family, "", "",
                                f"{agent}@family.example.com", "", "", f"s{n}", "", "", "", "", "", "", "", "", ""])
                roles.writerow([f"r{agent}", "", "", agent, "primary", "parent", "", "", f"sch{school}", ""])
                guardians += 1
        for n in range(STAFF):
            role = "counselor" if n % 20 == 0 else "teacher"
            users.writerow([f"t{n}", "", "", "true", f"t{n}", "", rng.choice(GIVEN), rng.choice(FAMILY), "", f"T{n}",
                            f"t{n}@bench.example.org", "", "", "", "", "", "", "", "", "", "", f"dep{n % SCHOOLS}", ""])
            roles.writerow([f"rt{n}", "", "", f"t{n}", "primary", role, "", "", f"dep{n % SCHOOLS}", ""])
        for h in (uh, rh, dh):
            h.close()
        z.write(f"{side.name}/roles.csv", "roles.csv")
        z.write(f"{side.name}/demographics.csv", "demographics.csv")
        side.cleanup()
        counts["users"] = students + guardians + STAFF

        handle, w = _writer(z, "courses")
        w.writerow(["sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title", "courseCode", "grades", "orgSourcedId"])
        for c in range(200):
            w.writerow([f"c{c}", "", "", "sy", f"Course {c}", f"C{c}", "09", f"sch{c % SCHOOLS}"])
        handle.close()
        classes = max(1, students // 25)
        handle, w = _writer(z, "classes")
        w.writerow(["sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId", "classCode",
                    "classType", "location", "schoolSourcedId", "termSourcedIds"])
        for c in range(classes):
            w.writerow([f"k{c}", "", "", f"Class {c}", "09", f"c{c % 200}", f"K{c}", "scheduled", "", f"sch{c % SCHOOLS}", "fall,spring"])
        handle.close()
        handle, w = _writer(z, "enrollments")
        w.writerow(["sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId", "userSourcedId",
                    "role", "primary", "beginDate", "endDate"])
        enrollments = 0
        for n in range(students):
            for k in range(6):
                w.writerow([f"e{n}-{k}", "", "", f"k{(n + k * 7) % classes}", f"sch{n % SCHOOLS}", f"s{n}", "student",
                            "false", "", ""])
                enrollments += 1
        handle.close()
        counts["enrollments"] = enrollments
    return counts


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(zip_path: str) -> None:
    """Runs inside the subprocess, with DATABASE_URL pointing at an empty database."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trellis.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    call_command("migrate", verbosity=0)
    from trellis.districts.models import District
    from trellis.rostering.services import import_file

    district = District.objects.create(name="Bench Unified", slug="bench", state="CA")
    results = []
    with tempfile.TemporaryDirectory(prefix="roster-media-") as media, override_settings(MEDIA_ROOT=media):
        for label in ("first import", "same file again"):
            before = _rss_mb()
            wall, cpu = time.perf_counter(), time.process_time()
            roster_import, _ = import_file(district=district, path=zip_path)
            results.append({
                "label": label,
                "seconds": time.perf_counter() - wall,
                "cpu_seconds": time.process_time() - cpu,
                "rss_before_mb": before,
                "rss_peak_mb": _rss_mb(),
                "status": roster_import.status,
                "counts": roster_import.counts,
                "error": roster_import.error,
            })
    print(json.dumps(results))


def create_postgres_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS trellis_roster_bench WITH (FORCE)")
        conn.execute("CREATE DATABASE trellis_roster_bench")


def run_case(backend: str, zip_path: Path) -> list:
    env = dict(os.environ, TRELLIS_DEMO="1")
    with tempfile.TemporaryDirectory(prefix="roster-bench-") as tmp:
        if backend == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            create_postgres_database()
            env["DATABASE_URL"] = PG_URL
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(zip_path)], env=env, cwd=ROOT,
            capture_output=True, text=True, check=False,
        )
        if out.returncode != 0:
            raise SystemExit(f"{backend}: failed\n{out.stdout}\n{out.stderr}")
        return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--postgres", action="store_true", help="Also run on PostgreSQL (trellis_roster_bench).")
    parser.add_argument("--child", metavar="ZIP", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    with tempfile.TemporaryDirectory(prefix="roster-zip-") as tmp:
        zip_path = Path(tmp) / "bench-roster.zip"
        started = time.perf_counter()
        rows = write_zip(zip_path, args.students)
        print(
            f"Generated {zip_path.stat().st_size / 1e6:.1f} MB ZIP in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{k} {v:,}" for k, v in rows.items())
        )
        for backend in ["sqlite"] + (["postgres"] if args.postgres else []):
            load = os.getloadavg()[0]
            for r in run_case(backend, zip_path):
                students = r["counts"].get("students", {})
                print(
                    f"{backend}, {args.students:,} students, {r['label']}: {r['seconds']:.1f} s wall, "
                    f"{r['cpu_seconds']:.1f} s CPU, peak RSS {r['rss_peak_mb']:.0f} MB "
                    f"(was {r['rss_before_mb']:.0f} MB before) — {r['status']}, students {students} "
                    f"(load average before: {load:.1f})"
                )
                if r["error"]:
                    print(f"  error: {r['error']}")


if __name__ == "__main__":
    main()
