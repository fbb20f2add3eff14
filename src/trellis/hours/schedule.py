"""Sessions from an opportunity's pattern and the district calendar.

`plan_sessions` is pure (it reads only the objects and calendar it is given); `generate_sessions`
and `save_placement_schedule` are the services that write, refusing a schedule that breaks a
youth labour rule. A weekly (school-year) pattern follows the school calendar: it skips
weekdays without school and days the calendar marks closed. A block (e.g. a summer
internship) runs every pattern day except the days the calendar marks closed, and stops at
its target hours. On early-release days a session ends at the dismissal time when the
opportunity says so.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count

from trellis.core.models import AuditAction, AuditEvent, weekdays_in
from trellis.districts.calendar import DistrictCalendar, district_today
from trellis.districts.models import DayType
from trellis.hours.labour import Shift, Violation, check_schedule
from trellis.hours.models import Session

SCHEDULE_KIND_WEEKLY = "weekly"
SCHEDULE_KIND_BLOCK = "block"
CENT = Decimal("0.01")


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


@dataclass(frozen=True)
class GenerateResult:
    created: int
    removed: int
    kept: int
    planned_hours: Decimal


class ScheduleRefused(Exception):
    """The schedule is not saved; `violations` (youth labour rules) or `reason` say why."""

    def __init__(self, reason: str = "", *, violations: list[Violation] | None = None):
        self.violations = violations or []
        if not reason and self.violations:
            first = self.violations[0]
            more = len(self.violations) - 1
            reason = f"Refused by the youth labour rule “{first.rule_name}” ({first.rule_code}): {first.message}"
            if more:
                reason += f" ({more} more problem{'s' if more != 1 else ''})"
        self.reason = reason
        super().__init__(reason)


def _hours_between(start: dt.time, end: dt.time) -> Decimal:
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
        if entry.day_type == DayType.EARLY_RELEASE and pattern.shorten_on_early_release:
            early = True
            if entry.early_release_time:
                end = min(end, entry.early_release_time)
                note = f"Early release at {entry.early_release_time:%H:%M}"
            else:
                note = "Early release (dismissal time not set)"
            if end <= start:
                continue
        hours = _hours_between(start, end)
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


def calendar_for(placement) -> DistrictCalendar:
    """The calendar the student's school follows, loaded for the placement's dates."""
    calendar = DistrictCalendar(placement.district, school=placement.student.school)
    return calendar.load(
        placement.start_date - dt.timedelta(days=7), placement.end_date + dt.timedelta(days=7)
    )


def plan_sessions(placement, calendar) -> list[PlannedSession]:
    """The sessions the opportunity's pattern gives over the placement's dates (writes nothing)."""
    pattern = SchedulePattern.from_opportunity(placement.opportunity)
    return plan_pattern(pattern, placement.start_date, placement.end_date, calendar)


def totals(hours, target_hours) -> ScheduleTotals:
    hours = list(hours)
    return ScheduleTotals(len(hours), sum(hours, Decimal(0)), target_hours)


@transaction.atomic
def generate_sessions(*, placement, actor, today: dt.date | None = None) -> GenerateResult:
    """Replace the placement's future, unlogged sessions with freshly planned ones.

    Sessions before today and sessions with hours logged are history and stay. Refuses
    (ScheduleRefused, nothing written) when a session from today on breaks a youth labour
    rule for the student at their age on that date.
    """
    from trellis.placements.models import Placement

    # One generation at a time per placement: two at once would collide on the unique start.
    Placement.objects.select_for_update().filter(pk=placement.pk).first()
    if placement.status not in Placement.OPEN_STATUSES:
        raise ScheduleRefused(
            f"A {placement.get_status_display().lower()} placement gets no new sessions."
        )
    opportunity = placement.opportunity
    pattern = SchedulePattern.from_opportunity(opportunity)
    if not pattern.has_times:
        raise ScheduleRefused(
            "Set the opportunity's start and end times before generating sessions."
        )
    if not pattern.weekdays:
        raise ScheduleRefused("Choose at least one weekday for the schedule.")
    today = today or district_today(placement.district)
    calendar = calendar_for(placement)
    planned = plan_sessions(placement, calendar)

    existing = list(placement.sessions.annotate(logs=Count("hour_logs")))
    kept = [s for s in existing if s.date < today or s.logs]
    replaceable = [s.pk for s in existing if s.date >= today and not s.logs]
    kept_dates = {s.date for s in kept}
    new = [p for p in planned if p.date >= today and p.date not in kept_dates]

    shifts = [Shift(s.date, s.start_time, s.end_time) for s in kept] + [p.as_shift() for p in new]
    violations = [
        v
        for v in check_schedule(
            placement.student,
            shifts,
            calendar,
            hazardous=opportunity.is_hazardous,
            student_learner_agreement=placement.student_learner_agreement_on_file,
        )
        if v.date >= today
    ]
    if violations:
        raise ScheduleRefused(violations=violations)

    Session.objects.filter(pk__in=replaceable).delete()
    Session.objects.bulk_create(
        [
            Session(
                placement=placement,
                date=p.date,
                start_time=p.start,
                end_time=p.end,
                planned_hours=p.hours,
                is_early_release=p.is_early_release,
                note=p.note[:200],
            )
            for p in new
        ]
    )
    planned_hours = sum((s.planned_hours for s in kept), Decimal(0)) + sum(
        (p.hours for p in new), Decimal(0)
    )
    result = GenerateResult(
        created=len(new), removed=len(replaceable), kept=len(kept), planned_hours=planned_hours
    )
    AuditEvent.record(
        actor=actor,
        action=AuditAction.PLACEMENT_SESSIONS_GENERATED,
        target=placement,
        district=placement.district,
        data={
            "created": result.created,
            "removed": result.removed,
            "kept": result.kept,
            "planned_hours": str(planned_hours),
            "from": today.isoformat(),
        },
    )
    return result


@transaction.atomic
def save_placement_schedule(
    *,
    placement,
    actor,
    pattern: SchedulePattern,
    start_date: dt.date,
    end_date: dt.date,
    today: dt.date | None = None,
) -> GenerateResult:
    """Set the opportunity's pattern and the placement's dates, then regenerate its sessions.

    The pattern belongs to the opportunity (its other placements follow it when their sessions
    are next generated). All or nothing: a labour-rule refusal leaves everything as it was.
    """
    if end_date < start_date:
        raise ScheduleRefused("The end date is before the start date.")
    opportunity = placement.opportunity
    before = SchedulePattern.from_opportunity(opportunity)
    opportunity.schedule_kind = pattern.kind
    opportunity.weekdays = pattern.weekdays
    opportunity.start_time = pattern.start_time
    opportunity.end_time = pattern.end_time
    opportunity.shorten_on_early_release = pattern.shorten_on_early_release
    opportunity.target_hours = pattern.target_hours
    opportunity.save(
        update_fields=[
            "schedule_kind",
            "weekdays",
            "start_time",
            "end_time",
            "shorten_on_early_release",
            "target_hours",
            "updated_at",
        ]
    )
    placement.start_date, placement.end_date = start_date, end_date
    placement.save(update_fields=["start_date", "end_date"])
    result = generate_sessions(placement=placement, actor=actor, today=today)
    AuditEvent.record(
        actor=actor,
        action=AuditAction.PLACEMENT_SCHEDULE_SAVED,
        target=placement,
        district=placement.district,
        data={
            "before": _pattern_data(before),
            "after": _pattern_data(pattern),
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat(),
        },
    )
    return result


def _pattern_data(pattern: SchedulePattern) -> dict:
    return {
        "kind": pattern.kind,
        "weekdays": pattern.weekdays,
        "start_time": pattern.start_time.isoformat() if pattern.start_time else "",
        "end_time": pattern.end_time.isoformat() if pattern.end_time else "",
        "shorten_on_early_release": pattern.shorten_on_early_release,
        "target_hours": str(pattern.target_hours) if pattern.target_hours is not None else "",
    }
