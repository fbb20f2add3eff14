"""Time the calendar import pipeline and the youth labour checks (not a test: run it by hand).

    .venv/bin/python benchmarks/labour_bench.py [--students 2000] [--opportunities 200]

No database: the fixture ICS is parsed and expanded with unsaved mappings and schools, and the
labour rules run against an in-memory calendar (2026–27 school year, weekdays). Prints the
best of --repeat runs: parse + expand of the fixture, `check_schedule` on a school year of
Fridays, and `eligible_for_opportunity` over every student × opportunity pair (the matching
adapter's worst case; each opportunity's shifts are planned once and memoised on the calendar).
"""

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trellis.settings")
os.environ.setdefault("TRELLIS_DEMO", "1")

import django  # noqa: E402

django.setup()

from trellis.districts.calendar import CalendarEntry  # noqa: E402
from trellis.districts.ics import parse_calendar, plan_days  # noqa: E402
from trellis.districts.models import DayType, DayTypeMapping, School  # noqa: E402
from trellis.opportunities.models import Opportunity  # noqa: E402
from trellis.rules.labour import Shift, check_schedule, eligible_for_opportunity  # noqa: E402
from trellis.rules.weekdays import monday_of  # noqa: E402
from trellis.students.models import Student  # noqa: E402

FIXTURE = ROOT / "tests" / "districts" / "fixtures" / "maple_valley_2026_27.ics"
YEAR_START, YEAR_END = dt.date(2026, 8, 24), dt.date(2027, 6, 11)


class MemoryCalendar:
    """Weekdays of the school year are school days; what DistrictCalendar answers, from memory."""

    def __init__(self):
        self.memo = {}

    def load(self, start, end):
        return self

    def entry(self, day):
        # Like DistrictCalendar after load(): a dictionary look-up per date.
        found = self.memo.get(day)
        if found is None:
            school = day.weekday() < 5 and YEAR_START <= day <= YEAR_END
            found = self.memo[day] = CalendarEntry(
                day, DayType.SCHOOL_DAY if school else DayType.NO_SCHOOL
            )
        return found

    def entries(self, start, end):
        return [self.entry(start + dt.timedelta(days=i)) for i in range((end - start).days + 1)]

    def is_school_day(self, day):
        return self.entry(day).is_school_day

    def is_school_week(self, day):
        monday = monday_of(day)
        return any(self.is_school_day(monday + dt.timedelta(days=i)) for i in range(5))


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--opportunities", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    ics = FIXTURE.read_bytes()
    mappings = [
        DayTypeMapping(match_field="category", pattern="No School", day_type=DayType.NO_SCHOOL),
        DayTypeMapping(match_field="category", pattern="Holiday", day_type=DayType.NO_SCHOOL),
        DayTypeMapping(
            match_field="category", pattern="Early Release", day_type=DayType.EARLY_RELEASE
        ),
    ]
    schools = [
        School(pk=1, name="Alder High", slug="alder"),
        School(pk=2, name="Birch High", slug="birch"),
    ]
    tz = ZoneInfo("America/New_York")

    def import_pipeline():
        return plan_days(parse_calendar(ics), mappings=mappings, schools=schools, tz=tz)

    days = len(import_pipeline().days)
    print(
        f"parse + expand fixture ICS ({len(ics)} bytes, {days} days): {best(import_pipeline, args.repeat) * 1000:.1f} ms"
    )

    student = Student(birth_date=dt.date(2012, 5, 1), grade=9)
    fridays = [
        Shift(dt.date(2026, 8, 28) + dt.timedelta(weeks=i), dt.time(15, 0), dt.time(18, 0))
        for i in range(40)
    ]
    check_time = best(lambda: check_schedule(student, fridays, MemoryCalendar()), args.repeat)
    print(f"check_schedule, 40 shifts: {check_time * 1e6:.0f} µs")

    students = [
        Student(birth_date=dt.date(2008 + i % 5, 1 + i % 12, 1 + i % 28), grade=9 + i % 4)
        for i in range(args.students)
    ]
    opportunities = [
        Opportunity(
            pk=i + 1,
            weekdays=1 << (i % 5),
            start_time=dt.time(8 + i % 8, 0),
            end_time=dt.time(11 + i % 8, 0),
            start_date=dt.date(2027, 1, 19),
            end_date=dt.date(2027, 5, 28),
            schedule_kind="weekly",
            min_grade=9,
            min_age=14,
            is_hazardous=i % 20 == 0,
        )
        for i in range(args.opportunities)
    ]

    def all_pairs():
        calendar = MemoryCalendar()
        return sum(
            eligible_for_opportunity(s, o, calendar)[0] for s in students for o in opportunities
        )

    pairs = args.students * args.opportunities
    elapsed = best(all_pairs, args.repeat)
    print(
        f"eligible_for_opportunity, {pairs:,} pairs: {elapsed:.2f} s ({elapsed / pairs * 1e6:.1f} µs/pair, "
        f"{all_pairs():,} eligible)"
    )


if __name__ == "__main__":
    main()
