"""Youth labour rules (FLSA, 29 CFR 570), table-driven: one row per age band.

Every check uses the student's age on the date of each shift, and asks the calendar whether that
day (or its Monday–Sunday week) is a school one. Schedules are refused when a planned session
breaks a rule; logged hours are accepted but flagged with the rule codes.

Pure: a student is anything with `birth_date` (and `grade` for eligibility), an opportunity
anything with its fields (the model, or `eligibility.OpportunityFacts`), and a calendar anything
with `load(start, end)`, `is_school_day(day)`, `is_school_week(monday)`, `entries(start, end)`
and a `memo` dict (the district calendar is one).

Federal rules only: a state's stricter law is an extra table (pass `rules=`), not a code change.
Not modelled: WECEP / work-study variances (§570.36–.37) and "outside school hours" for 14–15
(the calendar knows school days, not bell times).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from trellis.rules.ages import age_on
from trellis.rules.schedules import SchedulePattern, Shift, plan_pattern
from trellis.rules.weekdays import monday_of


class Hazardous:
    """Whether an age band may work in a hazardous occupation (HO)."""

    FORBIDDEN = "forbidden"
    WITH_AGREEMENT = "with_agreement"  # student-learner exemption, §570.50(c)
    ALLOWED = "allowed"


@dataclass(frozen=True)
class AgeBand:
    """The limits for one age band; None means no limit of that kind."""

    label: str
    min_age: int
    max_age: int | None
    allowed: bool = True
    daily_school_day: Decimal | None = None
    daily_non_school_day: Decimal | None = None
    weekly_school_week: Decimal | None = None
    weekly_non_school_week: Decimal | None = None
    earliest_start: dt.time | None = None
    latest_end: dt.time | None = None
    summer_latest_end: dt.time | None = None  # 1 June through Labor Day
    hazardous: str = Hazardous.ALLOWED

    def covers(self, age: int) -> bool:
        return age >= self.min_age and (self.max_age is None or age <= self.max_age)

    @property
    def limits_hours(self) -> bool:
        """Whether any cap on hours or on the time of day applies (none from 16 federally)."""
        return any(
            limit is not None
            for limit in (
                self.daily_school_day,
                self.daily_non_school_day,
                self.weekly_school_week,
                self.weekly_non_school_week,
                self.earliest_start,
                self.latest_end,
            )
        )


FEDERAL_RULES: tuple[AgeBand, ...] = (
    AgeBand("under 14", 0, 13, allowed=False, hazardous=Hazardous.FORBIDDEN),
    AgeBand(
        "14–15",
        14,
        15,
        daily_school_day=Decimal(3),
        daily_non_school_day=Decimal(8),
        weekly_school_week=Decimal(18),
        weekly_non_school_week=Decimal(40),
        earliest_start=dt.time(7, 0),
        latest_end=dt.time(19, 0),
        summer_latest_end=dt.time(21, 0),
        # §570.33–.34: no manufacturing, mining or power machinery, and the student-learner
        # exemption (§570.50(c)) is for 16–17-year-olds only.
        hazardous=Hazardous.FORBIDDEN,
    ),
    AgeBand("16–17", 16, 17, hazardous=Hazardous.WITH_AGREEMENT),
    AgeBand("18 and over", 18, None),
)

MINIMUM_WORKING_AGE = min(band.min_age for band in FEDERAL_RULES if band.allowed)

RULE_CODES = (
    "minimum_age",
    "hazardous_occupation",
    "time_window",
    "summer_time_window",
    "daily_hours_school_day",
    "daily_hours_non_school_day",
    "weekly_hours_school_week",
    "weekly_hours_non_school_week",
    "minimum_grade",
)
RULE_NAMES = {
    "minimum_age": "Minimum age",
    "hazardous_occupation": "Hazardous occupation",
    "time_window": "Hours of the day (7 a.m.–7 p.m.)",
    "summer_time_window": "Hours of the day in summer (7 a.m.–9 p.m.)",
    "daily_hours_school_day": "Hours on a school day",
    "daily_hours_non_school_day": "Hours on a non-school day",
    "weekly_hours_school_week": "Hours in a school week",
    "weekly_hours_non_school_week": "Hours in a non-school week",
    "minimum_grade": "Minimum grade",
}


@dataclass(frozen=True)
class Violation:
    rule_code: str
    message: str
    date: dt.date

    @property
    def rule_name(self) -> str:
        return RULE_NAMES.get(self.rule_code, self.rule_code)


def labor_day(year: int) -> dt.date:
    """US Labor Day: the first Monday of September."""
    first = dt.date(year, 9, 1)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7)


def in_summer_hours_season(day: dt.date) -> bool:
    """1 June through Labor Day, when 14–15-year-olds may work until 9 p.m."""
    return dt.date(day.year, 6, 1) <= day <= labor_day(day.year)


def band_for(age: int, rules=FEDERAL_RULES) -> AgeBand:
    if rules is FEDERAL_RULES and 0 <= age < len(_FEDERAL_BY_AGE):
        return _FEDERAL_BY_AGE[age]  # matching asks this for every student × opportunity
    for band in rules:
        if band.covers(age):
            return band
    raise LookupError(f"No labour rule covers age {age}.")


_FEDERAL_BY_AGE = [next(b for b in FEDERAL_RULES if b.covers(age)) for age in range(100)]


def hazard_refusal(band: AgeBand, age: int, student_learner_agreement: bool) -> str | None:
    """Why this age band may not do hazardous work (None when it may)."""
    if band.hazardous == Hazardous.FORBIDDEN:
        return f"ages {band.label} may not work in a hazardous occupation."
    if band.hazardous == Hazardous.WITH_AGREEMENT and not student_learner_agreement:
        return f"the student is {age}; a hazardous occupation needs a student-learner agreement on file."
    return None


def _fmt_hours(seconds: int) -> str:
    hours = Decimal(seconds) / 3600
    return f"{hours.quantize(Decimal('0.01')).normalize():f} h"


def _fmt_limit(limit: Decimal) -> str:
    return f"{limit.normalize():f} h"


def _day(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def check_schedule(
    student,
    shifts,
    calendar,
    *,
    hazardous: bool = False,
    student_learner_agreement: bool = False,
    rules=FEDERAL_RULES,
) -> list[Violation]:
    """Every rule the shifts break for this student, in date order (empty when all is lawful).

    `calendar` is a DistrictCalendar (ideally for the student's school); its marked days for
    the whole span are loaded in one query.
    """
    shifts = sorted(shifts, key=lambda s: (s.date, s.start))
    if not shifts:
        return []
    calendar.load(monday_of(shifts[0].date), monday_of(shifts[-1].date) + dt.timedelta(days=6))
    violations: list[Violation] = []
    per_day: dict[dt.date, int] = defaultdict(int)
    bands: dict[dt.date, AgeBand] = {}
    ages: dict[dt.date, int] = {}

    for shift in shifts:
        if shift.date not in bands:
            ages[shift.date] = age_on(student.birth_date, shift.date)
            bands[shift.date] = band_for(ages[shift.date], rules)
        band = bands[shift.date]
        per_day[shift.date] += shift.seconds
        if not band.allowed or band.earliest_start is None or band.latest_end is None:
            continue
        summer = band.summer_latest_end is not None and in_summer_hours_season(shift.date)
        latest = band.summer_latest_end if summer else band.latest_end
        if shift.start < band.earliest_start or shift.end > latest:
            season = " from 1 June to Labor Day" if summer else ""
            violations.append(
                Violation(
                    "summer_time_window" if summer else "time_window",
                    f"{_day(shift.date)}: {shift.start:%H:%M}–{shift.end:%H:%M} is outside "
                    f"{band.earliest_start:%H:%M}–{latest:%H:%M}, the hours ages {band.label} "
                    f"may work{season}.",
                    shift.date,
                )
            )

    for day, band in bands.items():
        age = ages[day]
        if not band.allowed:
            minimum = min(b.min_age for b in rules if b.allowed)
            violations.append(
                Violation(
                    "minimum_age",
                    f"{_day(day)}: the student is {age}; the minimum age is {minimum}.",
                    day,
                )
            )
            continue
        message = hazard_refusal(band, age, student_learner_agreement) if hazardous else None
        if message:
            violations.append(Violation("hazardous_occupation", f"{_day(day)}: {message}", day))
        school_day = calendar.is_school_day(day)
        limit = band.daily_school_day if school_day else band.daily_non_school_day
        if limit is not None and per_day[day] > int(limit * 3600):
            kind = "school" if school_day else "non-school"
            violations.append(
                Violation(
                    "daily_hours_school_day" if school_day else "daily_hours_non_school_day",
                    f"{_day(day)}: {_fmt_hours(per_day[day])} on a {kind} day; ages {band.label} "
                    f"may work at most {_fmt_limit(limit)}.",
                    day,
                )
            )

    # Weekly totals, Monday–Sunday, counting only days on which the band applies.
    weeks: dict[tuple[dt.date, AgeBand], list[Shift]] = defaultdict(list)
    for shift in shifts:
        band = bands[shift.date]
        if band.allowed and (
            band.weekly_school_week is not None or band.weekly_non_school_week is not None
        ):
            weeks[(monday_of(shift.date), band)].append(shift)
    for (monday, band), week_shifts in weeks.items():
        school_week = calendar.is_school_week(monday)
        limit = band.weekly_school_week if school_week else band.weekly_non_school_week
        if limit is None:
            continue
        total, crossed = 0, None
        for shift in week_shifts:
            total += shift.seconds
            if crossed is None and total > int(limit * 3600):
                crossed = shift.date
        if crossed is not None:
            kind = "school" if school_week else "non-school"
            violations.append(
                Violation(
                    "weekly_hours_school_week" if school_week else "weekly_hours_non_school_week",
                    f"Week of {_day(monday)}: {_fmt_hours(total)} in a {kind} week; ages {band.label} "
                    f"may work at most {_fmt_limit(limit)}.",
                    crossed,
                )
            )

    order = {code: i for i, code in enumerate(RULE_CODES)}
    violations.sort(key=lambda v: (v.date, order.get(v.rule_code, 99)))
    return violations


def opportunity_shifts(opportunity, calendar) -> list[Shift]:
    """The shifts an opportunity's own pattern plans over its dates (memoised on the calendar)."""
    key = ("opportunity_shifts", opportunity.pk, getattr(opportunity, "updated_at", None))
    if opportunity.pk is None or key not in calendar.memo:
        pattern = SchedulePattern.from_opportunity(opportunity)
        planned = plan_pattern(pattern, opportunity.start_date, opportunity.end_date, calendar)
        shifts = [Shift(p.date, p.start, p.end) for p in planned]
        if opportunity.pk is None:
            return shifts  # an unsaved opportunity has no stable key to remember it by
        calendar.memo[key] = shifts
    return calendar.memo[key]


def _band_profile(student, shifts, rules):
    """(first band, index of the first shift in the next band, last band), or None if it changes twice.

    Ages only grow, so a binary search finds where the band changes.
    """
    first = band_for(age_on(student.birth_date, shifts[0].date), rules)
    last = band_for(age_on(student.birth_date, shifts[-1].date), rules)
    if first is last:
        return (first.label, len(shifts), last.label)
    low, high = 0, len(shifts) - 1  # shifts[high] is in a later band than `first`
    while low + 1 < high:
        middle = (low + high) // 2
        if band_for(age_on(student.birth_date, shifts[middle].date), rules) is first:
            low = middle
        else:
            high = middle
    if band_for(age_on(student.birth_date, shifts[high].date), rules) is not last:
        return None
    return (first.label, high, last.label)


def eligible_for_opportunity(
    student, opportunity, calendar, *, student_learner_agreement: bool = False, rules=FEDERAL_RULES
) -> tuple[bool, str | None]:
    """May this student take this opportunity? (True, None) or (False, the first rule code broken).

    Checks age on the start date (the law's minimum and the opportunity's own), minimum grade,
    hazardous work, and the opportunity's weekly pattern against the hour and time rules.
    """
    age = age_on(student.birth_date, opportunity.start_date)
    band = band_for(age, rules)
    if not band.allowed or age < (opportunity.min_age or 0):
        return False, "minimum_age"
    if student.grade < (opportunity.min_grade or 0):
        return False, "minimum_grade"
    if opportunity.is_hazardous and hazard_refusal(band, age, student_learner_agreement):
        return False, "hazardous_occupation"
    shifts = opportunity_shifts(opportunity, calendar)
    if not shifts:
        return True, None
    # The answer depends on the student only through their age band on each shift's date, so it
    # is memoised per opportunity and band profile (matching asks for every student × opportunity).
    key = _band_profile(student, shifts, rules) if opportunity.pk is not None else None
    if key is not None:
        key = (
            "eligible",
            opportunity.pk,
            getattr(opportunity, "updated_at", None),
            key,
            opportunity.is_hazardous,
            student_learner_agreement,
            id(rules),
        )
        if key in calendar.memo:
            code = calendar.memo[key]
            return code is None, code
    violations = check_schedule(
        student,
        shifts,
        calendar,
        hazardous=opportunity.is_hazardous,
        student_learner_agreement=student_learner_agreement,
        rules=rules,
    )
    code = violations[0].rule_code if violations else None
    if key is not None:
        calendar.memo[key] = code
    return code is None, code
