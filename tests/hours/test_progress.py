"""Progress toward target hours (projected completion) and credits from approved hours."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template

from tests.hours.hours_helpers import MONDAY, current, log
from trellis.hours.models import HourLog
from trellis.hours.progress import credit_summary, credits_for_hours, project_completion

D = Decimal
FIRST = dt.date(2026, 9, 7)


def test_fewer_than_two_weeks_of_logs_is_not_enough_data():
    progress = project_completion(
        approved_hours=D(20),
        target_hours=D(100),
        first_log_date=FIRST,
        as_of=FIRST + dt.timedelta(days=13),
    )
    assert progress.state == "not_enough_data"
    assert progress.percent == 20
    assert progress.projected_date is None


def test_projection_follows_the_approved_pace_since_the_first_log():
    # 30 h in 3 weeks = 10 h/week; 70 h to go = 7 more weeks.
    as_of = FIRST + dt.timedelta(weeks=3)
    progress = project_completion(
        approved_hours=D(30),
        target_hours=D(100),
        first_log_date=FIRST,
        as_of=as_of,
        placement_end=dt.date(2027, 6, 1),
    )
    assert progress.state == "projected"
    assert progress.pace_per_week == D("10.0")
    assert progress.projected_date == as_of + dt.timedelta(weeks=7)
    assert progress.remaining_hours == D(70)
    assert not progress.ends_after_placement


def test_projection_past_the_placement_end_is_marked():
    as_of = FIRST + dt.timedelta(weeks=4)
    progress = project_completion(
        approved_hours=D(8),
        target_hours=D(100),
        first_log_date=FIRST,
        as_of=as_of,
        placement_end=dt.date(2026, 12, 18),
    )
    assert progress.state == "projected" and progress.ends_after_placement


@pytest.mark.parametrize(
    "approved, target, state",
    [(D(120), D(100), "reached"), (D(0), D(100), "no_pace"), (D(10), None, "no_target")],
)
def test_other_progress_states(approved, target, state):
    progress = project_completion(
        approved_hours=approved,
        target_hours=target,
        first_log_date=FIRST,
        as_of=FIRST + dt.timedelta(weeks=5),
    )
    assert progress.state == state
    if state == "reached":
        assert progress.percent == 100 and progress.remaining_hours == 0


@pytest.mark.parametrize(
    "approved, expected",
    [
        (D(0), D(0)),
        (D(59.99), D(0)),
        (D(60), D("0.5")),
        (D(119), D("0.5")),
        (D(120), D(1)),
        (D(130), D(1)),
        (D(180), D("1.5")),
    ],
)
def test_credits_are_floored_to_the_district_increment(approved, expected):
    assert credits_for_hours(approved, D(120), D("0.5")) == expected


def test_a_whole_credit_increment_and_a_280_hour_rule():
    assert credits_for_hours(D(279), D(280), D(1)) == 0
    assert credits_for_hours(D(560), D(280), D(1)) == 2
    assert credits_for_hours(D(140), D(280), D("0.5")) == D("0.5")


def test_credit_summary_counts_approved_hours_of_every_placement(personas):
    current(personas.placement_a)
    log(personas.placement_a, start=(8, 0), end=(20, 0), status=HourLog.Status.APPROVED)  # 12 h
    for i in range(1, 5):  # 4 × 12 h = 48 h more: 60 h approved
        log(
            personas.placement_a,
            day=MONDAY + dt.timedelta(days=i),
            start=(8, 0),
            end=(20, 0),
            status=HourLog.Status.APPROVED,
        )
    log(personas.placement_a, day=MONDAY + dt.timedelta(days=6), status=HourLog.Status.SUBMITTED)
    summary = credit_summary(personas.student_a)
    assert summary.approved_hours == D(60)
    assert summary.credits == D("0.5")
    assert summary.hours_per_increment == D(60)
    assert summary.next_increment_at == D(120) and summary.hours_to_next == D(60)


def test_credit_summary_block_renders_for_a_student_page(personas):
    html = Template("{% load hours_tags %}{% credit_summary_block student %}").render(
        Context({"student": personas.student_a})
    )
    assert "Credit from work-based learning" in html
    assert "Credits earned" in html


def test_credit_summary_include_renders_from_context(personas):
    html = Template('{% include "hours/_credit_summary.html" %}').render(
        Context({"credit_summary": credit_summary(personas.student_a)})
    )
    assert "<h2" in html and "120 h = 1 credit" in html
