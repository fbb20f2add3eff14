"""Youth labour rules: one test per rule and per boundary, plus the matching helper."""

import datetime as dt

import pytest

from tests import factories as f
from tests.districts.helpers import imported
from trellis.districts.calendar import DistrictCalendar
from trellis.rules.labour import (
    FEDERAL_RULES,
    Shift,
    band_for,
    check_schedule,
    eligible_for_opportunity,
    labor_day,
)
from trellis.rules.weekdays import monday_of
from trellis.students.models import Student

T = dt.time
D = dt.date
YEAR_START, YEAR_END = D(2026, 8, 24), D(2027, 6, 11)
SCHOOL_DAY = D(2027, 1, 19)  # a Tuesday in term
SATURDAY = D(2027, 1, 23)
SCHOOL_MONDAY = D(2027, 1, 25)
SUMMER_MONDAY = D(2027, 7, 12)


class FakeCalendar:
    """School on weekdays of the 2026–27 year; check_schedule needs only these methods."""

    def __init__(self, no_school=()):
        self.no_school = set(no_school)
        self.memo = {}

    def load(self, start, end):
        return self

    def is_school_day(self, day):
        return day.weekday() < 5 and YEAR_START <= day <= YEAR_END and day not in self.no_school

    def is_school_week(self, day):
        monday = monday_of(day)
        return any(self.is_school_day(monday + dt.timedelta(days=i)) for i in range(5))


def student(born=D(2012, 5, 1)):
    """An unsaved student: 14 during the 2026–27 school year, 15 from 1 May 2027."""
    return Student(birth_date=born, grade=9)


def codes(shifts, who=None, **kwargs):
    return [v.rule_code for v in check_schedule(who or student(), shifts, FakeCalendar(), **kwargs)]


# --- daily hours ------------------------------------------------------------------------------


def test_exactly_three_hours_on_a_school_day_is_allowed():
    assert codes([Shift(SCHOOL_DAY, T(15, 0), T(18, 0))]) == []


def test_three_hours_and_a_minute_on_a_school_day_is_refused():
    violations = check_schedule(student(), [Shift(SCHOOL_DAY, T(15, 0), T(18, 1))], FakeCalendar())
    assert [v.rule_code for v in violations] == ["daily_hours_school_day"]
    assert violations[0].date == SCHOOL_DAY
    assert (
        "3.02 h on a school day" in violations[0].message and "at most 3 h" in violations[0].message
    )


def test_split_shifts_on_one_school_day_are_added_up():
    shifts = [Shift(SCHOOL_DAY, T(7, 0), T(8, 0)), Shift(SCHOOL_DAY, T(15, 0), T(17, 1))]
    assert codes(shifts) == ["daily_hours_school_day"]


def test_a_friday_is_a_school_day_too():
    assert codes([Shift(D(2027, 1, 22), T(8, 0), T(14, 30))]) == ["daily_hours_school_day"]


def test_eight_hours_on_a_non_school_day_is_allowed_and_a_minute_more_is_not():
    assert codes([Shift(SATURDAY, T(8, 0), T(16, 0))]) == []
    assert codes([Shift(SATURDAY, T(8, 0), T(16, 1))]) == ["daily_hours_non_school_day"]


def test_a_holiday_on_a_weekday_counts_as_a_non_school_day():
    calendar = FakeCalendar(no_school={SCHOOL_DAY})
    assert check_schedule(student(), [Shift(SCHOOL_DAY, T(8, 0), T(16, 0))], calendar) == []


# --- weekly hours -----------------------------------------------------------------------------


def school_week_of_18_hours():
    days = [SCHOOL_MONDAY + dt.timedelta(days=i) for i in range(6)]  # Mon–Sat, 3 h each
    return [Shift(day, T(15, 0), T(18, 0)) for day in days]


def test_eighteen_hours_in_a_school_week_is_allowed():
    assert codes(school_week_of_18_hours()) == []


def test_a_minute_over_eighteen_hours_in_a_school_week_is_refused_on_the_day_it_crosses():
    sunday = SCHOOL_MONDAY + dt.timedelta(days=6)
    violations = check_schedule(
        student(), [*school_week_of_18_hours(), Shift(sunday, T(9, 0), T(9, 1))], FakeCalendar()
    )
    assert [(v.rule_code, v.date) for v in violations] == [("weekly_hours_school_week", sunday)]


def test_forty_hours_in_a_non_school_week_is_allowed_and_a_minute_more_is_not():
    week = [Shift(SUMMER_MONDAY + dt.timedelta(days=i), T(8, 0), T(16, 0)) for i in range(5)]
    assert codes(week) == []
    extra = Shift(SUMMER_MONDAY + dt.timedelta(days=5), T(9, 0), T(9, 1))
    assert codes([*week, extra]) == ["weekly_hours_non_school_week"]


def test_a_week_with_one_school_day_is_a_school_week():
    monday = D(2026, 12, 21)  # Mon 21 Dec school, then winter break
    calendar = FakeCalendar(no_school={monday + dt.timedelta(days=i) for i in range(1, 5)})
    shifts = [
        Shift(monday + dt.timedelta(days=i), T(8, 0), T(12, 0)) for i in range(1, 6)
    ]  # Tue–Sat, 20 h
    violations = check_schedule(student(), shifts, calendar)
    assert [v.rule_code for v in violations] == ["weekly_hours_school_week"]


# --- time of day ------------------------------------------------------------------------------


def test_work_may_end_at_7_pm_but_not_a_minute_later_outside_summer():
    assert codes([Shift(SCHOOL_DAY, T(16, 0), T(19, 0))]) == []
    assert codes([Shift(SCHOOL_DAY, T(16, 1), T(19, 1))]) == ["time_window"]


def test_work_may_start_at_7_am_but_not_a_minute_earlier():
    assert codes([Shift(SATURDAY, T(7, 0), T(10, 0))]) == []
    assert codes([Shift(SATURDAY, T(6, 59), T(10, 0))]) == ["time_window"]


def test_until_9_pm_from_1_june():
    assert codes([Shift(D(2027, 6, 1), T(18, 0), T(21, 0))]) == []
    assert codes([Shift(D(2027, 6, 1), T(18, 1), T(21, 1))]) == ["summer_time_window"]
    assert codes([Shift(D(2027, 5, 31), T(18, 0), T(21, 0))]) == ["time_window"]


def test_until_9_pm_on_labor_day_but_not_the_day_after():
    assert labor_day(2027) == D(2027, 9, 6)
    assert codes([Shift(D(2027, 9, 6), T(18, 0), T(21, 0))]) == []
    assert codes([Shift(D(2027, 9, 7), T(18, 0), T(21, 0))]) == ["time_window"]


def test_labor_day_is_the_first_monday_of_september():
    assert [labor_day(y) for y in (2025, 2026, 2027, 2028)] == [
        D(2025, 9, 1),
        D(2026, 9, 7),
        D(2027, 9, 6),
        D(2028, 9, 4),
    ]


# --- age --------------------------------------------------------------------------------------


def test_turning_16_on_the_session_date_lifts_the_limits():
    who = student(born=D(2011, 3, 10))
    long_day = [Shift(D(2027, 3, 10), T(6, 0), T(22, 0))]
    assert codes(long_day, who) == []
    day_before = [Shift(D(2027, 3, 9), T(6, 0), T(22, 0))]
    assert codes(day_before, who) == ["time_window", "daily_hours_school_day"]


def test_weekly_limit_counts_only_the_days_before_the_16th_birthday():
    who = student(born=D(2011, 1, 27))  # 16 on Wednesday 27 Jan 2027
    shifts = [
        Shift(SCHOOL_MONDAY + dt.timedelta(days=i), T(7, 0), T(10, 0)) for i in range(2)
    ]  # 6 h at 15
    shifts += [
        Shift(SCHOOL_MONDAY + dt.timedelta(days=i), T(8, 0), T(18, 0)) for i in range(2, 5)
    ]  # at 16
    assert codes(shifts, who) == []


def test_under_14_is_refused_with_the_minimum_age():
    who = student(born=D(2013, 6, 1))
    violations = check_schedule(who, [Shift(SATURDAY, T(9, 0), T(10, 0))], FakeCalendar())
    assert [v.rule_code for v in violations] == ["minimum_age"]
    assert "minimum age is 14" in violations[0].message


def test_a_14th_birthday_on_the_session_date_is_old_enough():
    who = student(born=D(2013, 1, 23))
    assert codes([Shift(SATURDAY, T(9, 0), T(10, 0))], who) == []
    assert codes([Shift(SATURDAY - dt.timedelta(days=7), T(9, 0), T(10, 0))], who) == [
        "minimum_age"
    ]


def test_adults_have_no_limits():
    assert codes([Shift(SCHOOL_DAY, T(5, 0), T(23, 0))], student(born=D(2008, 1, 1))) == []


# --- hazardous work ---------------------------------------------------------------------------


def test_a_minor_in_a_hazardous_role_needs_a_student_learner_agreement():
    seventeen = student(born=D(2009, 6, 1))
    shift = [Shift(SATURDAY, T(9, 0), T(12, 0))]
    assert codes(shift, seventeen, hazardous=True) == ["hazardous_occupation"]
    assert codes(shift, seventeen, hazardous=True, student_learner_agreement=True) == []


def test_under_16_may_not_do_hazardous_work_even_with_an_agreement():
    shift = [Shift(SATURDAY, T(9, 0), T(12, 0))]
    assert codes(shift, hazardous=True, student_learner_agreement=True) == ["hazardous_occupation"]


def test_18_year_olds_may_do_hazardous_work():
    assert (
        codes([Shift(SATURDAY, T(9, 0), T(12, 0))], student(born=D(2008, 1, 1)), hazardous=True)
        == []
    )


# --- the table and the API shape ---------------------------------------------------------------


def test_the_rules_are_one_table_covering_every_age():
    assert [band_for(age).label for age in (0, 13, 14, 15, 16, 17, 18, 70)] == [
        "under 14",
        "under 14",
        "14–15",
        "14–15",
        "16–17",
        "16–17",
        "18 and over",
        "18 and over",
    ]
    assert len(FEDERAL_RULES) == 4


def test_a_shift_must_end_after_it_starts():
    with pytest.raises(ValueError):
        Shift(SATURDAY, T(10, 0), T(10, 0))


def test_violations_come_in_date_order_and_name_their_rule():
    shifts = [Shift(SATURDAY, T(6, 0), T(16, 0)), Shift(SCHOOL_DAY, T(15, 0), T(19, 30))]
    violations = check_schedule(student(), shifts, FakeCalendar())
    assert [(v.date, v.rule_code) for v in violations] == [
        (SCHOOL_DAY, "time_window"),
        (SCHOOL_DAY, "daily_hours_school_day"),
        (SATURDAY, "time_window"),
        (SATURDAY, "daily_hours_non_school_day"),
    ]
    assert violations[1].rule_name == "Hours on a school day"


def test_with_the_real_district_calendar_a_break_day_allows_eight_hours(personas):
    imported(personas)
    who = student()
    calendar = DistrictCalendar(personas.district, school=personas.school_a)
    assert check_schedule(who, [Shift(D(2026, 11, 25), T(8, 0), T(16, 0))], calendar) == []
    refused = check_schedule(who, [Shift(D(2026, 11, 24), T(8, 0), T(16, 0))], calendar)
    assert [v.rule_code for v in refused] == ["daily_hours_school_day"]


def test_checking_a_whole_year_costs_one_calendar_query(personas, django_assert_max_num_queries):
    imported(personas)
    calendar = DistrictCalendar(personas.district)
    shifts = [Shift(D(2026, 8, 28) + dt.timedelta(weeks=i), T(15, 0), T(18, 0)) for i in range(40)]
    with django_assert_max_num_queries(2):
        assert check_schedule(student(), shifts, calendar) == []


# --- eligibility for matching -----------------------------------------------------------------


@pytest.fixture
def friday_internship(personas):
    imported(personas)
    return f.OpportunityFactory(
        partner=personas.partner_p,
        weekdays=16,
        start_time=T(8, 0),
        end_time=T(14, 30),
        start_date=D(2027, 1, 22),
        end_date=D(2027, 5, 28),
    )


def test_a_senior_is_eligible_for_a_friday_internship(personas, friday_internship):
    calendar = DistrictCalendar(personas.district, school=personas.school_a)
    assert eligible_for_opportunity(personas.student_a, friday_internship, calendar) == (True, None)


def test_a_14_year_old_is_not_eligible_for_a_school_day_internship_of_six_hours(
    personas, friday_internship
):
    freshman = f.StudentFactory(
        school=personas.school_a, grade=9, graduation_year=2030, birth_date=D(2012, 5, 1)
    )
    calendar = DistrictCalendar(personas.district, school=personas.school_a)
    assert eligible_for_opportunity(freshman, friday_internship, calendar) == (
        False,
        "daily_hours_school_day",
    )


def test_eligibility_checks_minimum_age_grade_and_hazard(personas, friday_internship):
    calendar = DistrictCalendar(personas.district)
    senior = personas.student_a  # born 14 Mar 2009: 17 in January 2027
    friday_internship.min_age = 18
    assert eligible_for_opportunity(senior, friday_internship, calendar) == (False, "minimum_age")
    friday_internship.min_age, friday_internship.min_grade = 14, 12
    junior = f.StudentFactory(school=personas.school_a, grade=11, birth_date=D(2009, 1, 1))
    assert eligible_for_opportunity(junior, friday_internship, calendar) == (False, "minimum_grade")
    friday_internship.min_grade, friday_internship.is_hazardous = 9, True
    assert eligible_for_opportunity(senior, friday_internship, calendar) == (
        False,
        "hazardous_occupation",
    )
    assert eligible_for_opportunity(
        senior, friday_internship, calendar, student_learner_agreement=True
    ) == (True, None)
    under_14 = f.StudentFactory(school=personas.school_a, grade=9, birth_date=D(2013, 6, 1))
    assert eligible_for_opportunity(under_14, friday_internship, calendar) == (False, "minimum_age")


def test_eligibility_follows_each_students_birthday_through_the_memo(personas, friday_internship):
    calendar = DistrictCalendar(personas.district, school=personas.school_a)

    def born(day):
        return f.StudentFactory(school=personas.school_a, grade=10, birth_date=day)

    sixteen_in_march, sixteen_in_april = born(D(2011, 3, 1)), born(D(2011, 4, 1))
    sixteen_before_start = born(D(2011, 1, 1))
    assert eligible_for_opportunity(sixteen_in_march, friday_internship, calendar) == (
        False,
        "daily_hours_school_day",
    )
    assert eligible_for_opportunity(sixteen_before_start, friday_internship, calendar) == (
        True,
        None,
    )
    assert eligible_for_opportunity(sixteen_in_april, friday_internship, calendar) == (
        False,
        "daily_hours_school_day",
    )
    memo_size = len(calendar.memo)
    assert (
        eligible_for_opportunity(born(D(2011, 2, 27)), friday_internship, calendar)[0] is False
    )  # same profile as March
    assert len(calendar.memo) == memo_size


def test_only_the_bands_with_caps_say_they_limit_hours():
    assert band_for(14).limits_hours and band_for(15).limits_hours
    assert not band_for(16).limits_hours and not band_for(17).limits_hours
    assert not band_for(18).limits_hours


def test_a_weeks_flags_go_on_the_logs_of_the_day_they_break():
    """The pure part of refresh_labour_flags: plain logs in, each log's flags out."""
    from types import SimpleNamespace

    from trellis.hours.services import week_labour_flags

    student = Student(birth_date=D(2011, 6, 1), grade=10)  # 15 in January 2027
    logs = [
        SimpleNamespace(pk=1, date=SCHOOL_DAY, start_time=T(15, 0), end_time=T(18, 30)),
        SimpleNamespace(pk=2, date=SCHOOL_DAY + dt.timedelta(days=1), start_time=T(15, 0), end_time=T(17, 0)),
    ]
    flags = week_labour_flags(
        student, logs, FakeCalendar(), hazardous=False, student_learner_agreement=False
    )
    assert [f["rule"] for f in flags[0]] == ["daily_hours_school_day"]
    assert flags[0][0]["date"] == SCHOOL_DAY.isoformat()
    assert flags[1] == []
