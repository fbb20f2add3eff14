"""Schedule patterns: the sessions an opportunity's weekly or block pattern gives on a calendar.

Pure: `plan_pattern` reads only the pattern and the calendar it is given. A calendar is anything
with `entries(start, end)` returning one entry per date with `date`, `is_school_day`,
`is_holiday`, `is_early_release` and `early_release_time` (the district calendar is one). A
weekly (school-year) pattern follows the school calendar: it skips weekdays without school and
days the calendar marks closed. A block (e.g. a summer internship) runs every pattern day except
the days the calendar marks closed, and stops at its target hours. On early-release days a
session ends at the dismissal time when the opportunity says so.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from trellis.rules.weekdays import weekdays_in

SCHEDULE_KIND_WEEKLY = "weekly"
SCHEDULE_KIND_BLOCK = "block"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Shift:
    """One block of work on one day (planned session or logged hours); no overnight shifts."""

    date: dt.date
    start: dt.time
    end: dt.time

    def __post_init__(self):
        if self.end <= self.start:
            raise ValueError(f"A shift on {self.date} must end after it starts.")

    @property
    def seconds(self) -> int:
        end, start = self.end, self.start
        return (
            (end.hour - start.hour) * 3600
            + (end.minute - start.minute) * 60
            + end.second
            - start.second
        )

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.seconds) / 3600).quantize(CENT)


@dataclass(frozen=True)
class SchedulePattern:
    """An opportunity's schedule fields, detached from the model so forms and tests can vary them."""

    kind: str
    weekdays: int
    start_time: dt.time | None
    end_time: dt.time | None
    shorten_on_early_release: bool = True
    target_hours: Decimal | None = None

    @classmethod
    def from_opportunity(cls, opportunity) -> "SchedulePattern":
        """From anything carrying an opportunity's schedule fields (the model, or facts)."""
        return cls(
            kind=opportunity.schedule_kind,
            weekdays=opportunity.weekdays,
            start_time=opportunity.start_time,
            end_time=opportunity.end_time,
            shorten_on_early_release=opportunity.shorten_on_early_release,
            target_hours=opportunity.target_hours,
        )

    @property
    def has_times(self) -> bool:
        return bool(self.start_time and self.end_time and self.end_time > self.start_time)


@dataclass(frozen=True)
class PlannedSession:
    date: dt.date
    start: dt.time
    end: dt.time
    hours: Decimal
    is_early_release: bool = False
    note: str = ""

    def as_shift(self) -> Shift:
        return Shift(self.date, self.start, self.end)


@dataclass(frozen=True)
class ScheduleTotals:
    """Planned hours against the target: reachable before the end date, or short by how much."""

    sessions: int
    planned_hours: Decimal
    target_hours: Decimal | None

    @property
    def reachable(self) -> bool | None:
        return None if self.target_hours is None else self.planned_hours >= self.target_hours

    @property
    def shortfall(self) -> Decimal:
        if self.target_hours is None:
            return Decimal(0)
        return max(Decimal(0), self.target_hours - self.planned_hours)


def totals(hours, target_hours) -> ScheduleTotals:
    hours = list(hours)
    return ScheduleTotals(len(hours), sum(hours, Decimal(0)), target_hours)


def hours_between(start: dt.time, end: dt.time) -> Decimal:
    seconds = (
        dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)
    ).total_seconds()
    return (Decimal(int(seconds)) / 3600).quantize(CENT)


def _add_hours(start: dt.time, hours: Decimal) -> dt.time:
    moment = dt.datetime.combine(dt.date.min, start) + dt.timedelta(seconds=int(hours * 3600))
    return moment.time()


def plan_pattern(
    pattern: SchedulePattern, start_date: dt.date, end_date: dt.date, calendar
) -> list[PlannedSession]:
    """The sessions a pattern gives between two dates (inclusive) on this calendar."""
    if not pattern.has_times or not pattern.weekdays or end_date < start_date:
        return []
    days = set(weekdays_in(pattern.weekdays))
    block = pattern.kind == SCHEDULE_KIND_BLOCK
    target = pattern.target_hours if block else None
    planned: list[PlannedSession] = []
    total = Decimal(0)
    for entry in calendar.entries(start_date, end_date):
        if entry.date.weekday() not in days:
            continue
        if entry.is_holiday:
            continue
        if not block and entry.date.weekday() < 5 and not entry.is_school_day:
            continue  # a school-year pattern does not run on a weekday without school
        start, end, early, note = pattern.start_time, pattern.end_time, False, ""
        if entry.is_early_release and pattern.shorten_on_early_release:
            early = True
            if entry.early_release_time:
                end = min(end, entry.early_release_time)
                note = f"Early release at {entry.early_release_time:%H:%M}"
            else:
                note = "Early release (dismissal time not set)"
            if end <= start:
                continue
        hours = hours_between(start, end)
        if target is not None:
            remaining = target - total
            if remaining <= 0:
                break
            if hours > remaining:
                end, hours = _add_hours(start, remaining), remaining.quantize(CENT)
                note = (note + "; " if note else "") + "Last session: target hours reached"
        planned.append(PlannedSession(entry.date, start, end, hours, early, note))
        total += hours
    return planned
