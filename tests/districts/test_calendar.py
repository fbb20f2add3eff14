"""DistrictCalendar: what kind of day a date is, per school, from one query."""

import datetime as dt

from tests.districts.helpers import imported
from trellis.districts.calendar import DistrictCalendar
from trellis.districts.models import DayType
from trellis.districts.services import set_calendar_day


def test_unmarked_weekday_in_the_school_year_is_a_school_day(personas):
    imported(personas)
    cal = DistrictCalendar(personas.district)
    assert cal.day_type(dt.date(2026, 11, 17)) == DayType.SCHOOL_DAY
    assert cal.is_school_day(dt.date(2026, 11, 17))


def test_weekends_and_dates_outside_the_school_year_are_not_school_days(personas):
    imported(personas)
    cal = DistrictCalendar(personas.district)
    assert cal.day_type(dt.date(2026, 11, 21)) == DayType.NO_SCHOOL  # Saturday
    assert not cal.is_school_day(dt.date(2027, 7, 14))  # summer Wednesday
    assert not cal.is_school_day(dt.date(2026, 8, 21))  # Friday before the year starts
    assert not cal.entry(dt.date(2027, 7, 14)).is_holiday  # not marked: not a holiday


def test_marked_days_come_from_the_calendar(personas):
    imported(personas)
    cal = DistrictCalendar(personas.district)
    assert cal.entry(dt.date(2026, 9, 7)).is_holiday
    early = cal.entry(dt.date(2026, 10, 21))
    assert early.day_type == DayType.EARLY_RELEASE and early.is_school_day
    assert early.early_release_time == dt.time(12, 30)


def test_a_school_row_overrides_the_district_for_that_school_only(personas):
    imported(personas)
    conferences = dt.date(2026, 10, 23)
    assert (
        DistrictCalendar(personas.district, school=personas.school_b).day_type(conferences)
        == DayType.NO_SCHOOL
    )
    assert (
        DistrictCalendar(personas.district, school=personas.school_a).day_type(conferences)
        == DayType.SCHOOL_DAY
    )
    assert DistrictCalendar(personas.district).day_type(conferences) == DayType.SCHOOL_DAY
    set_calendar_day(
        district=personas.district,
        date=dt.date(2026, 9, 7),
        actor=None,
        school=personas.school_a,
        day_type=DayType.SCHOOL_DAY,
        label="Alder opens on Labor Day",
    )
    assert DistrictCalendar(personas.district, school=personas.school_a).is_school_day(
        dt.date(2026, 9, 7)
    )
    assert not DistrictCalendar(personas.district, school=personas.school_b).is_school_day(
        dt.date(2026, 9, 7)
    )


def test_a_week_with_any_school_weekday_is_a_school_week(personas):
    imported(personas)
    cal = DistrictCalendar(personas.district)
    assert cal.is_school_week(
        dt.date(2026, 11, 27)
    )  # Thanksgiving week: Mon and Tue are school days
    assert cal.is_school_week(
        dt.date(2026, 12, 26)
    )  # Mon 21 Dec is the last school day before the break
    assert not cal.is_school_week(dt.date(2026, 12, 30))  # 28 Dec – 1 Jan: all break
    assert not cal.is_school_week(dt.date(2027, 7, 7))  # summer
    assert not cal.is_school_week(dt.date(2027, 3, 31))  # spring break


def test_a_loaded_range_costs_one_query_and_then_none(personas, django_assert_num_queries):
    imported(personas)
    cal = DistrictCalendar(personas.district, school=personas.school_b)
    with django_assert_num_queries(1):
        cal.load(dt.date(2026, 8, 1), dt.date(2027, 8, 31))
    cal.in_school_year(dt.date(2026, 9, 1))  # the school years: one more query, once
    with django_assert_num_queries(0):
        types = [e.day_type for e in cal.entries(dt.date(2026, 8, 1), dt.date(2027, 8, 31))]
        weeks = [cal.is_school_week(dt.date(2026, 9, 7) + dt.timedelta(weeks=i)) for i in range(40)]
    assert types.count(DayType.EARLY_RELEASE) == 9 and len(weeks) == 40


def test_a_date_outside_the_loaded_range_loads_its_month(personas, django_assert_max_num_queries):
    imported(personas)
    cal = DistrictCalendar(personas.district)
    with django_assert_max_num_queries(2):
        days = [cal.day_type(dt.date(2027, 1, 1) + dt.timedelta(days=i)) for i in range(31)]
    assert days[17] == DayType.NO_SCHOOL  # MLK


def test_a_calendar_of_days_in_hand_answers_by_the_same_rules_without_a_query(
    db, django_assert_num_queries
):
    year = (dt.date(2026, 8, 24), dt.date(2027, 8, 6))
    days = [
        (dt.date(2026, 11, 26), DayType.NO_SCHOOL, "Thanksgiving", None),
        (dt.date(2026, 10, 16), DayType.EARLY_RELEASE, "Conferences", dt.time(12, 30)),
    ]
    with django_assert_num_queries(0):
        cal = DistrictCalendar.from_days(days, [year])
        assert cal.entry(dt.date(2026, 11, 26)).is_holiday
        assert cal.entry(dt.date(2026, 10, 16)).early_release_time == dt.time(12, 30)
        assert cal.is_school_day(dt.date(2026, 11, 24))  # an unmarked weekday in the year
        assert not cal.is_school_day(dt.date(2026, 11, 28))  # Saturday
        assert not cal.is_school_day(dt.date(2026, 8, 14))  # before the school year
        assert len(cal.entries(dt.date(2026, 9, 1), dt.date(2026, 9, 30))) == 30
