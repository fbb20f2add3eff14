"""Time the student's browse page and the experience record PDF (not a test: run it by hand).

    .venv/bin/python benchmarks/portal_browse_bench.py [--opportunities 5000] [--repeat 5]

Builds a throw-away SQLite database with one district, a catalog of N published opportunities
(worksites with coordinates, some applications and placements), and two students: a 17-year-old
with transportation and a 14-year-old without (whose page also runs the youth labour hour check
on every opportunity's schedule). Prints the best of --repeat runs for: the count and first page
of the filtered query, a page with its per-row reasons, the "near me" distance filter, and
building + rendering a record of 10 placements as a PDF.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--opportunities", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="portal-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("TRELLIS_DEMO", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "trellis.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import random

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from trellis.accounts.models import Membership, Role, User
    from trellis.districts.models import District, School, SchoolYear
    from trellis.opportunities import search
    from trellis.opportunities.models import CareerCluster, Opportunity
    from trellis.partners.models import Partner, Worksite
    from trellis.placements.models import Application, Evaluation, Placement, Reflection
    from trellis.portals.student.record import build_record, render_pdf
    from trellis.students.models import Student

    rng = random.Random(1)
    district = District.objects.create(name="Bench", slug="bench", state="VA")
    SchoolYear.objects.create(
        district=district,
        name="2026–27",
        start_date=dt.date(2026, 8, 24),
        end_date=dt.date(2027, 6, 11),
    )
    school = School.objects.create(district=district, name="Bench High", slug="bench")
    partners = [
        Partner.objects.create(district=district, name=f"Partner {i}", kind="business")
        for i in range(50)
    ]
    worksites = [
        Worksite.objects.create(
            partner=p,
            name="Site",
            address="1 Main St",
            latitude=38.7 + rng.random() * 0.6,
            longitude=-77.5 + rng.random() * 0.6,
        )
        for p in partners
    ]
    clusters = list(CareerCluster.objects.all())
    Opportunity.objects.bulk_create(
        Opportunity(
            district=district,
            partner=partners[j % 50],
            worksite=worksites[j % 50],
            title=f"Opportunity {j}",
            description="Work with a team on real projects.",
            kind="internship",
            cluster=clusters[j % len(clusters)],
            seats=rng.randint(1, 4),
            start_date=dt.date(2027, 1, 22),
            end_date=dt.date(2027, 5, 28),
            weekdays=1 << rng.randint(0, 4),
            start_time=dt.time(8 + rng.randint(0, 6), 0),
            end_time=dt.time(16, 30),
            min_grade=9,
            min_age=14,
            status=Opportunity.Status.PUBLISHED,
        )
        for j in range(args.opportunities)
    )

    def make_student(username, birth, transportation):
        user = User.objects.create(username=username)
        Membership.objects.create(user=user, district=district, role=Role.STUDENT)
        return Student.objects.create(
            district=district,
            school=school,
            user=user,
            student_number=username,
            first_name=username.title(),
            last_name="Bench",
            grade=10,
            graduation_year=2029,
            birth_date=birth,
            transportation=transportation,
            home_latitude=39.0,
            home_longitude=-77.2,
        )

    older = make_student("older", dt.date(2009, 3, 1), "family")
    younger = make_student("younger", dt.date(2012, 6, 1), "none")
    opportunity_ids = list(Opportunity.objects.values_list("id", flat=True))
    Application.objects.bulk_create(
        Application(student=s, opportunity_id=oid, statement="Hi")
        for s in (older, younger)
        for oid in rng.sample(opportunity_ids, 20)
    )
    for oid in opportunity_ids[:10]:
        placement = Placement.objects.create(
            district=district,
            student=older,
            opportunity_id=oid,
            start_date=dt.date(2027, 1, 22),
            end_date=dt.date(2027, 5, 28),
            status="completed",
        )
        Evaluation.objects.create(placement=placement, kind="final", scores={"attendance": 4})
        Reflection.objects.create(placement=placement, career_fit="for_me", text="Good. " * 40)
    today = dt.date(2026, 11, 1)

    def page(student, filters):
        qs = search.browse(student.user, student, filters)
        count = qs.count()
        rows = list(qs[:50])
        search.attach_reasons(student, rows, today=today)
        return count, rows

    print(f"catalog: {args.opportunities} published opportunities, page of 50")
    for label, student in (("17-year-old", older), ("14-year-old, labour check", younger)):
        for name, filters in (
            ("all", search.BrowseFilters()),
            ("text 'team' + weekday", search.BrowseFilters(q="team", weekday=4)),
            ("near me", search.BrowseFilters(near=True)),
        ):
            with CaptureQueriesContext(connection) as queries:
                count, _ = page(student, filters)
            ms = best(lambda s=student, f=filters: page(s, f), args.repeat)
            print(
                f"  {label:28} {name:24} {ms:8.1f} ms  ({count} matches, "
                f"{len(queries.captured_queries)} queries)"
            )
    rows = list(search.browse(younger.user, younger, search.BrowseFilters())[:50])
    ms = best(lambda: search.attach_reasons(younger, rows, today=today), args.repeat)
    print(f"  reasons only, 50 rows of the 14-year-old's page {ms:8.1f} ms")
    ms = best(lambda: render_pdf(build_record(older)), args.repeat)
    print(f"record of 10 placements: build + PDF {ms:8.1f} ms")


if __name__ == "__main__":
    main()
