"""The one eligibility rule set: who may be placed at, rank, or apply to an opportunity.

Each rule is decided here once, over plain facts (`StudentFacts`, `OpportunityFacts`, built from
ORM rows by thin adapters beside the models, or from `.values()` rows by `from_row`). The four
ways in ask the same rules, each for what it may know and in the words its reader needs:

- `for_round(student, opportunity)`: ranking a match round and running it (the student's words);
- `for_browse(...)`: the student's browse and their direct application (the round's rules, plus
  a full, ended, already applied or already placed opportunity, and the youth labour hour rules
  on the opportunity's own schedule);
- `for_placement(...)`: a coordinator or partner proposing a placement (the staff's words).

A round cannot know of a student-learner agreement, so it keeps minors out of hazardous work; a
coordinator can still place a student-learner directly (the agreement is checked when sessions
are scheduled).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from trellis.rules import labour
from trellis.rules.ages import age_on
from trellis.rules.weekdays import WEEKDAY_SHORT, describe_weekdays, weekdays_in

PUBLISHED = "published"  # opportunities.models.Opportunity.Status.PUBLISHED
VIRTUAL_KIND = "virtual"  # opportunities.models.OpportunityKind.VIRTUAL
NO_TRANSPORTATION = "none"  # students.models.Transportation.NONE
EVERY_DAY = 0b1111111
# An application in one of these states still stands: the student cannot apply again. Each
# value is also the word the browse page uses ("your application is submitted"): the labels of
# placements.models.Application.Status, lower-cased (tests/rules/test_values.py holds them equal).
STANDING_APPLICATION_STATUSES = ("submitted", "interview", "accepted", "declined")
DECLINED = "declined"
EARTH_RADIUS_MILES = 3958.8

RULE_LABELS = {
    "closed": "No longer offered",
    "grade": "Grade",
    "age": "Age on the start date",
    "hazardous": "Hazardous work (under 18)",
    "weekdays": "Days available",
    "distance": "Distance without transportation",
}
BROWSE_LABELS = {
    **RULE_LABELS,
    "closed": "Not open",
    "ended": "Dates",
    "full": "Seats",
    "applied": "Your application",
    "placed": "Your placement",
    "labour": "Youth labour rules",
}
# Schedule checks the round's rules already make (age, grade and hazard are theirs).
_LABOUR_CODES_ALREADY_SHOWN = {"minimum_age", "minimum_grade", "hazardous_occupation"}


@dataclass(frozen=True, slots=True)
class StudentFacts:
    """What the rules read about a student."""

    grade: int
    birth_date: dt.date
    availability: int = EVERY_DAY
    transportation: str = ""
    max_travel_miles: int = 0
    home_latitude: float | None = None
    home_longitude: float | None = None
    is_active: bool = True
    district_id: int | None = None
    name: str = ""

    @classmethod
    def from_row(cls, row: dict) -> StudentFacts:
        """From a `.values()` row (the match round's STUDENT_FIELDS)."""
        return cls(
            grade=row["grade"],
            birth_date=row["birth_date"],
            availability=row["availability"],
            transportation=row["transportation"],
            max_travel_miles=row["max_travel_miles"],
            home_latitude=row["home_latitude"],
            home_longitude=row["home_longitude"],
            is_active=row.get("is_active", True),
            district_id=row.get("district_id"),
        )

    @property
    def needs_transportation(self) -> bool:
        return self.transportation == NO_TRANSPORTATION


@dataclass(frozen=True, slots=True)
class OpportunityFacts:
    """What the rules read about an opportunity (schedule fields for the labour hour rules)."""

    status: str
    min_grade: int
    min_age: int
    is_hazardous: bool
    weekdays: int
    start_date: dt.date
    end_date: dt.date | None = None
    hazardous_orders: str = ""
    is_virtual: bool = False
    latitude: float | None = None
    longitude: float | None = None
    title: str = ""
    status_label: str = ""
    district_id: int | None = None
    pk: int | None = None
    updated_at: object = None
    schedule_kind: str = ""
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    shorten_on_early_release: bool = True
    target_hours: object = None

    @classmethod
    def from_row(cls, row: dict) -> OpportunityFacts:
        """From a `.values()` row (the match round's OPPORTUNITY_FIELDS)."""
        return cls(
            status=row["status"],
            min_grade=row["min_grade"],
            min_age=row["min_age"],
            is_hazardous=row["is_hazardous"],
            hazardous_orders=row.get("hazardous_orders") or "",
            weekdays=row["weekdays"],
            start_date=row["start_date"],
            end_date=row.get("end_date"),
            is_virtual=row["kind"] == VIRTUAL_KIND or bool(row.get("worksite__is_virtual")),
            latitude=row.get("worksite__latitude"),
            longitude=row.get("worksite__longitude"),
            title=row.get("title", ""),
            pk=row.get("id"),
        )

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED


@dataclass(frozen=True, slots=True)
class Standing:
    """The student's own standing at one opportunity, for the browse page and applying."""

    seats: int
    seats_taken: int
    placed_here: bool = False
    application_status: str | None = None


def haversine_miles(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


def _long_date(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


# --- The rules, each decided once ----------------------------------------------------------


def _band(age: int):
    return labour.band_for(age)


def _hazard_refused(band, age: int, student_learner_agreement: bool) -> bool:
    return bool(labour.hazard_refusal(band, age, student_learner_agreement))


def age_and_hazard(
    student: StudentFacts, opp: OpportunityFacts, *, student_learner_agreement: bool = False
) -> list[tuple[str, str]]:
    """The youth-labour part, on the start date: the minimum working age and the opportunity's
    own, and hazardous occupations."""
    age = age_on(student.birth_date, opp.start_date)
    band = _band(age)
    hazard = (
        opp.is_hazardous and band.allowed and _hazard_refused(band, age, student_learner_agreement)
    )
    if band.allowed and age >= opp.min_age and not hazard:
        return []  # the common case, kept cheap: a round checks every ranked pair
    out = []
    start = _long_date(opp.start_date)
    if not band.allowed:
        out.append(
            (
                "age",
                f"Federal law does not allow work before age {labour.MINIMUM_WORKING_AGE}; you will be {age} on the start date ({start}).",
            )
        )
    elif age < opp.min_age:
        out.append(
            (
                "age",
                f"You must be at least {opp.min_age} on the start date ({start}); you will be {age}.",
            )
        )
    if hazard:
        orders = f" ({opp.hazardous_orders})" if opp.hazardous_orders else ""
        out.append(
            (
                "hazardous",
                f"This is hazardous work{orders}: students under 18 cannot be placed in it through a round "
                f"(you will be {age} on the start date). Ask your coordinator about a student-learner agreement.",
            )
        )
    return out


def missing_weekdays(student: StudentFacts, opp: OpportunityFacts) -> int:
    """The opportunity's days the student is not available on (a bitmask; 0 when none)."""
    return opp.weekdays & ~student.availability


def miles_too_far(student: StudentFacts, opp: OpportunityFacts) -> float | None:
    """The distance home–worksite when it is beyond a student without transportation's limit."""
    if not student.needs_transportation or opp.is_virtual:
        return None
    coords = (student.home_latitude, student.home_longitude, opp.latitude, opp.longitude)
    # Unknown coordinates cannot be checked; a missing address must not silently exclude anyone.
    if None in coords:
        return None
    miles = haversine_miles(*coords)
    return miles if miles > student.max_travel_miles else None


def has_ended(opp: OpportunityFacts, today: dt.date) -> bool:
    return opp.end_date is not None and opp.end_date < today


# --- Ranking and running a match round ------------------------------------------------------


def for_round(student: StudentFacts, opp: OpportunityFacts) -> list[tuple[str, str]]:
    """Every hard rule the student fails for the opportunity, as (rule, plain sentence); [] if eligible."""
    out = []
    if opp.status != PUBLISHED:
        out.append(("closed", "The partner no longer offers this opportunity."))
    if student.grade < opp.min_grade:
        out.append(
            (
                "grade",
                f"Open to grade {opp.min_grade} and up; you are in grade {student.grade}.",
            )
        )
    out += age_and_hazard(student, opp)
    missing = missing_weekdays(student, opp)
    if missing:
        days = ", ".join(WEEKDAY_SHORT[d] for d in weekdays_in(missing))
        out.append(
            (
                "weekdays",
                f"It meets on {describe_weekdays(opp.weekdays)}; you are not available on {days}.",
            )
        )
    miles = miles_too_far(student, opp)
    if miles is not None:
        out.append(
            (
                "distance",
                f"The worksite is {miles:.1f} miles from home; without transportation the limit "
                f"is {student.max_travel_miles} miles.",
            )
        )
    return out


# --- Browsing and applying --------------------------------------------------------------------


def schedule_reason(student, opp, calendar, span=None) -> str | None:
    """The youth labour hour rules on the opportunity's own schedule (only ages that have them).

    `student` has `birth_date` and `grade`; `opp` an opportunity's fields; `calendar` is loaded
    for `span` (a whole page's dates) so a page loads it once.
    """
    ages = {age_on(student.birth_date, opp.start_date), age_on(student.birth_date, opp.end_date)}
    bands = []
    for age in ages:
        try:
            bands.append(labour.band_for(age))
        except LookupError:
            return None
    if not any(band.allowed and band.limits_hours for band in bands):
        return None
    calendar.load(*(span or (opp.start_date, opp.end_date)))
    ok, code = labour.eligible_for_opportunity(student, opp, calendar)
    if ok or code in _LABOUR_CODES_ALREADY_SHOWN:
        return None
    return (
        f"Its schedule breaks a youth labour rule for students your age "
        f"({labour.RULE_NAMES.get(code, code).lower()})."
    )


def for_browse(
    student: StudentFacts,
    opp: OpportunityFacts,
    standing: Standing,
    *,
    today: dt.date,
    schedule=None,
) -> list[dict]:
    """Every reason the student cannot apply, as {code, label, text}; [] when they can.

    `schedule` is called (with no argument) for the youth labour reason only when no stronger
    reason already closes the opportunity, so the calendar is read only when it matters.
    """
    rules = for_round(student, opp)
    if has_ended(opp, today):
        rules.append(("ended", f"It ended on {opp.end_date:%B} {opp.end_date.day}."))
    if standing.placed_here:
        rules.append(("placed", "You already have a placement here."))
    status = standing.application_status
    if status in STANDING_APPLICATION_STATUSES:
        if status == DECLINED:
            rules.append(("applied", "The partner declined your application."))
        else:
            rules.append(
                (
                    "applied",
                    f"You have already applied (your application is {status}).",
                )
            )
    if standing.seats_taken >= standing.seats and not standing.placed_here:
        seats = "The only seat is" if standing.seats == 1 else f"All {standing.seats} seats are"
        rules.append(("full", f"{seats} taken."))
    if schedule is not None and not any(
        code in ("age", "hazardous", "closed", "ended") for code, _ in rules
    ):
        text = schedule()
        if text:
            rules.append(("labour", text))
    return [
        {"code": code, "label": BROWSE_LABELS.get(code, code), "text": text} for code, text in rules
    ]


# --- Proposing a placement (coordinator, partner accepting an application) ------------------


def for_placement(student: StudentFacts, opp: OpportunityFacts, *, today: dt.date) -> list[str]:
    """Why a student cannot be placed at an opportunity (empty when they can), for staff.

    The age is counted on the day the placement would start: the opportunity's first day, or
    today when it has already begun.
    """
    if student.district_id != opp.district_id:
        return ["The opportunity belongs to another district."]
    problems = []
    if not student.is_active:
        problems.append(f"{student.name} is no longer an active student.")
    if opp.status != PUBLISHED:
        problems.append(f"“{opp.title}” is not open ({opp.status_label.lower()}).")
    if has_ended(opp, today):
        problems.append(f"“{opp.title}” ended on {opp.end_date:%B %-d, %Y}.")
    if student.grade < opp.min_grade:
        problems.append(f"“{opp.title}” is for grade {opp.min_grade} and up.")
    if age_on(student.birth_date, placement_start(opp, today)) < opp.min_age:
        problems.append(f"“{opp.title}” needs students aged {opp.min_age} or older.")
    return problems


def placement_start(opp, today: dt.date) -> dt.date:
    """A placement starts on the opportunity's first day, or today when that has passed."""
    return max(opp.start_date, today)
