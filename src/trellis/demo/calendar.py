"""School-year dates for the demo district, computed from rules so every year looks alike.

These are the district's own choices (when school starts, which days are holidays); which
sessions a schedule gives on them is the hours app's rule (`rules.schedules.plan_pattern`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ONE_DAY = dt.timedelta(days=1)
EARLY_RELEASE_TIME = dt.time(12, 30)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th given weekday of a month (n = -1 for the last one)."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = dt.date(year + (month == 12), month % 12 + 1, 1) - ONE_DAY
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def easter(year: int) -> dt.date:
    """Western Easter (the anonymous Gregorian algorithm); spring break follows it."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def weekdays_between(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        if day.weekday() < 5:
            yield day
        day += ONE_DAY


@dataclass
class YearPlan:
    """One school year: its terms and the days the district marks specially."""

    start_year: int
    start: dt.date
    fall_end: dt.date
    spring_start: dt.date
    spring_end: dt.date
    summer_start: dt.date
    summer_end: dt.date
    holidays: list[tuple[dt.date, str]] = field(default_factory=list)
    early_release: list[tuple[dt.date, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.start_year}–{(self.start_year + 1) % 100:02d}"

    @property
    def end(self) -> dt.date:
        return self.summer_end

    @property
    def graduation_year(self) -> int:
        return self.start_year + 1

    @property
    def no_school(self) -> set[dt.date]:
        return {d for d, _ in self.holidays}

    def terms(self):
        y = self.start_year
        return [
            ("fall", f"Fall {y}", self.start, self.fall_end),
            ("spring", f"Spring {y + 1}", self.spring_start, self.spring_end),
            ("summer", f"Summer {y + 1}", self.summer_start, self.summer_end),
        ]

    def summer_internship_dates(self) -> tuple[dt.date, dt.date]:
        """The 100-hour paid internship: from the first Monday of summer to about Aug 1."""
        return self.summer_start, self.summer_start + dt.timedelta(days=48)


def plan_year(y: int) -> YearPlan:
    """School year starting in August of `y`, with the district's usual holidays."""
    aug21 = dt.date(y, 8, 21)
    start = aug21 + dt.timedelta(days=(0 - aug21.weekday()) % 7)
    mlk = nth_weekday(y + 1, 1, 0, 3)
    fall_end = mlk - dt.timedelta(days=3)
    spring_start = mlk + ONE_DAY
    spring_end = nth_weekday(y + 1, 6, 4, 2)
    summer_start = spring_end + dt.timedelta(days=3)
    summer_end = nth_weekday(y + 1, 8, 4, 1)
    thanksgiving = nth_weekday(y, 11, 3, 4)
    spring_break = easter(y + 1) + ONE_DAY

    holidays = [(nth_weekday(y, 9, 0, 1), "Labor Day")]
    holidays += [(thanksgiving + dt.timedelta(days=k), "Thanksgiving break") for k in (-1, 0, 1)]
    holidays += [
        (d, "Winter break") for d in weekdays_between(dt.date(y, 12, 22), dt.date(y + 1, 1, 2))
    ]
    holidays.append((mlk, "Martin Luther King Jr. Day"))
    holidays.append((nth_weekday(y + 1, 2, 0, 3), "Presidents Day"))
    holidays += [(spring_break + dt.timedelta(days=k), "Spring break") for k in range(5)]
    holidays.append((nth_weekday(y + 1, 5, 0, -1), "Memorial Day"))
    holidays.append((independence_day_observed(y + 1), "Independence Day (observed)"))

    early = [
        (nth_weekday(y, 10, 4, 3), "Parent–teacher conferences"),
        (thanksgiving - dt.timedelta(days=2), "Early release before Thanksgiving"),
        (_last_school_day_before(dt.date(y, 12, 22)), "Early release before winter break"),
        (spring_break - dt.timedelta(days=3), "Early release before spring break"),
        (spring_end, "Last day of school"),
    ]
    return YearPlan(
        y, start, fall_end, spring_start, spring_end, summer_start, summer_end, holidays, early
    )


def _last_school_day_before(day: dt.date) -> dt.date:
    day -= ONE_DAY
    while day.weekday() >= 5:
        day -= ONE_DAY
    return day


def independence_day_observed(year: int) -> dt.date:
    """July 4, or the Friday before / Monday after when it falls on a weekend: the summer
    internship does not meet that day."""
    july4 = dt.date(year, 7, 4)
    return july4 + dt.timedelta(days={5: -1, 6: 1}.get(july4.weekday(), 0))
