"""Read the district calendar: what kind of day a date is, for one school or the whole district.

Schedules and youth labour rules ask about many dates at once, so a `DistrictCalendar` loads
the marked days of a date range in one query and answers from memory afterwards. The rules:
a `CalendarDay` row for the school wins over the district-wide row; without a row, a weekday
inside a school year is a school day, and weekends and dates outside every school year are not.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from trellis.districts.models import CalendarDay, DayType, SchoolYear
from trellis.rules.weekdays import monday_of

SCHOOL_DAY_TYPES = frozenset({DayType.SCHOOL_DAY, DayType.EARLY_RELEASE})


@dataclass(frozen=True)
class CalendarEntry:
    """What the calendar says about one date; `explicit` is True when a CalendarDay row says it."""

    date: dt.date
    day_type: str
    label: str = ""
    early_release_time: dt.time | None = None
    explicit: bool = False

    @property
    def is_school_day(self) -> bool:
        return self.day_type in SCHOOL_DAY_TYPES

    @property
    def day_type_label(self) -> str:
        return DayType(self.day_type).label

    @property
    def is_early_release(self) -> bool:
        return self.day_type == DayType.EARLY_RELEASE

    @property
    def is_holiday(self) -> bool:
        """A day the calendar marks closed (not merely a weekend or a summer day)."""
        return self.explicit and self.day_type == DayType.NO_SCHOOL


def district_today(district) -> dt.date:
    """Today in the district's own time zone (a late-evening change belongs to the local day)."""
    return timezone.localtime(timezone.now(), ZoneInfo(district.timezone)).date()


class DistrictCalendar:
    """The calendar of one district, seen from one school (or district-wide when school is None)."""

    def __init__(self, district, school=None):
        self.district = district
        self.school = school
        self._rows: dict[dt.date, CalendarEntry] = {}
        self._loaded: list[tuple[dt.date, dt.date]] = []
        self._years: list[tuple[dt.date, dt.date]] | None = None
        self._entries: dict[dt.date, CalendarEntry] = {}  # answers given, once loaded
        self.memo: dict = {}  # callers may cache derived values (e.g. an opportunity's shifts)

    @classmethod
    def from_days(cls, days, school_years, *, district=None, school=None) -> "DistrictCalendar":
        """A calendar of marked days already in hand, which never queries: for a caller that
        writes the calendar itself (the demo generator) and must plan with the same rules.

        `days` are (date, day_type, label, early_release_time); `school_years` (start, end).
        """
        calendar = cls(district, school)
        for date, day_type, label, early in days:
            calendar._rows[date] = CalendarEntry(date, day_type, label, early, explicit=True)
        calendar._loaded.append((dt.date.min, dt.date.max))
        calendar._years = list(school_years)
        return calendar

    def load(self, start: dt.date, end: dt.date) -> "DistrictCalendar":
        """Fetch the marked days of [start, end] in one query; later look-ups in it hit memory."""
        if start > end or self._covers(start, end):
            return self
        school_q = Q(school__isnull=True)
        if self.school is not None:
            school_q |= Q(school=self.school)
        rows = CalendarDay.objects.filter(
            school_q, district=self.district, date__gte=start, date__lte=end
        ).values_list("date", "school_id", "day_type", "label", "early_release_time")
        chosen: dict[dt.date, tuple] = {}
        for date, school_id, day_type, label, early in rows:
            # A school's own row overrides the district-wide one for that date.
            if date not in chosen or school_id is not None:
                chosen[date] = (day_type, label, early)
        for date, (day_type, label, early) in chosen.items():
            self._rows[date] = CalendarEntry(date, day_type, label, early, explicit=True)
        self._loaded.append((start, end))
        return self

    def _covers(self, start, end) -> bool:
        return any(a <= start and end <= b for a, b in self._loaded)

    def _school_years(self):
        if self._years is None:
            self._years = list(
                SchoolYear.objects.filter(district=self.district).values_list(
                    "start_date", "end_date"
                )
            )
        return self._years

    def in_school_year(self, day: dt.date) -> bool:
        return any(start <= day <= end for start, end in self._school_years())

    def entry(self, day: dt.date) -> CalendarEntry:
        known = self._entries.get(day)
        if known is not None:
            return known  # labour checks ask about the same days again and again
        if not self._covers(day, day):
            # A miss loads the surrounding weeks, so scanning forward day by day stays cheap.
            first = day.replace(day=1)
            self.load(
                monday_of(first), monday_of(first + dt.timedelta(days=40)) + dt.timedelta(days=6)
            )
        entry = self._rows.get(day)
        if entry is None:
            school = day.weekday() < 5 and self.in_school_year(day)
            entry = CalendarEntry(day, DayType.SCHOOL_DAY if school else DayType.NO_SCHOOL)
        self._entries[day] = entry
        return entry

    def day_type(self, day: dt.date) -> str:
        return self.entry(day).day_type

    def is_school_day(self, day: dt.date) -> bool:
        return self.entry(day).is_school_day

    def is_school_week(self, day: dt.date) -> bool:
        """A week (Monday–Sunday) is a school week when any of its Monday–Friday is a school day."""
        monday = monday_of(day)
        return any(self.is_school_day(monday + dt.timedelta(days=i)) for i in range(5))

    def entries(self, start: dt.date, end: dt.date) -> list[CalendarEntry]:
        """Every date of [start, end], loaded with one query."""
        self.load(start, end)
        return [self.entry(start + dt.timedelta(days=i)) for i in range((end - start).days + 1)]
