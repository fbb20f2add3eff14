"""Schedule patterns and the youth labour rules on a calendar made of plain entries."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from trellis.rules import labour
from trellis.rules.eligibility import OpportunityFacts, StudentFacts
from trellis.rules.schedules import SchedulePattern, Shift, plan_pattern, totals
from trellis.rules.weekdays import monday_of

D, T = dt.date, dt.time


@dataclass(frozen=True)
class Entry:
    date: dt.date
    is_school_day: bool
    is_holiday: bool = False
    is_early_release: bool = False
    early_release_time: dt.time | None = None


class Calendar:
    """School every weekday except `closed` (marked no-school) and `early` (early release)."""

    def __init__(self, closed=(), early=None):
        self.closed, self.early, self.memo = set(closed), early or {}, {}

    def load(self, start, end):
        return self

    def entries(self, start, end):
        day, out = start, []
        while day <= end:
            weekday = day.weekday() < 5
            out.append(
                Entry(
                    day,
                    is_school_day=weekday and day not in self.closed,
                    is_holiday=day in self.closed,
                    is_early_release=day in self.early,
                    early_release_time=self.early.get(day),
                )
            )
            day += dt.timedelta(days=1)
        return out

    def is_school_day(self, day):
        return day.weekday() < 5 and day not in self.closed

    def is_school_week(self, day):
        monday = monday_of(day)
        return any(self.is_school_day(monday + dt.timedelta(days=i)) for i in range(5))


FRIDAYS = SchedulePattern("weekly", 0b0010000, T(13, 0), T(16, 0))


def test_a_weekly_pattern_skips_closed_days_and_ends_at_dismissal_on_early_release():
    calendar = Calendar(closed={D(2027, 1, 15)}, early={D(2027, 1, 22): T(14, 0)})
    planned = plan_pattern(FRIDAYS, D(2027, 1, 8), D(2027, 1, 29), calendar)
    assert [p.date for p in planned] == [D(2027, 1, 8), D(2027, 1, 22), D(2027, 1, 29)]
    early = planned[1]
    assert (early.end, early.hours, early.is_early_release) == (T(14, 0), Decimal("1.00"), True)
    assert early.note == "Early release at 14:00"
    assert totals([p.hours for p in planned], Decimal(10)).shortfall == Decimal(3)


def test_a_block_runs_every_pattern_day_and_stops_at_its_target_hours():
    block = SchedulePattern("block", 0b0011111, T(9, 0), T(15, 0), target_hours=Decimal(14))
    planned = plan_pattern(block, D(2027, 6, 14), D(2027, 6, 30), Calendar())
    assert [p.hours for p in planned] == [Decimal(6), Decimal(6), Decimal(2)]
    assert planned[-1].end == T(11, 0) and "target hours reached" in planned[-1].note


def test_a_pattern_without_times_or_days_plans_nothing():
    assert (
        plan_pattern(
            SchedulePattern("weekly", 0, T(9), T(10)), D(2027, 1, 1), D(2027, 2, 1), Calendar()
        )
        == []
    )
    assert (
        plan_pattern(
            SchedulePattern("weekly", 1, None, None), D(2027, 1, 1), D(2027, 2, 1), Calendar()
        )
        == []
    )


def test_a_fourteen_year_old_may_work_three_hours_on_a_school_day_and_no_more():
    fourteen = StudentFacts(grade=9, birth_date=D(2012, 5, 1))
    tuesday = D(2027, 1, 19)
    assert labour.check_schedule(fourteen, [Shift(tuesday, T(15), T(18))], Calendar()) == []
    broken = labour.check_schedule(fourteen, [Shift(tuesday, T(15), T(18, 1))], Calendar())
    assert [v.rule_code for v in broken] == ["daily_hours_school_day"]
    seventeen = StudentFacts(grade=11, birth_date=D(2009, 5, 1))
    assert labour.check_schedule(seventeen, [Shift(tuesday, T(8), T(18))], Calendar()) == []


def test_eligible_for_opportunity_reads_plain_facts_and_remembers_by_band_profile():
    internship = OpportunityFacts(
        status="published",
        min_grade=9,
        min_age=14,
        is_hazardous=False,
        weekdays=0b0010000,
        start_date=D(2027, 1, 8),
        end_date=D(2027, 1, 29),
        pk=1,
        schedule_kind="weekly",
        start_time=T(8, 0),
        end_time=T(16, 0),
    )
    calendar = Calendar()
    fourteen = StudentFacts(grade=9, birth_date=D(2012, 5, 1))
    assert labour.eligible_for_opportunity(fourteen, internship, calendar) == (
        False,
        "daily_hours_school_day",
    )
    other_fourteen = StudentFacts(grade=9, birth_date=D(2012, 7, 1))
    assert labour.eligible_for_opportunity(other_fourteen, internship, calendar) == (
        False,
        "daily_hours_school_day",
    )
    assert any(key[0] == "eligible" for key in calendar.memo)
    adult = StudentFacts(grade=12, birth_date=D(2008, 1, 1))
    assert labour.eligible_for_opportunity(adult, internship, calendar) == (True, None)
