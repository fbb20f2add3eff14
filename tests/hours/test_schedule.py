"""Sessions from the opportunity's pattern and the district calendar; the schedule service
and the placement schedule page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories as f
from tests.districts.helpers import imported
from trellis.core.models import AuditEvent
from trellis.hours import schedule as schedule_module
from trellis.hours.models import Session
from trellis.hours.schedule import (
    ScheduleRefused,
    calendar_for,
    generate_sessions,
    plan_sessions,
    save_placement_schedule,
)
from trellis.placements.models import Placement
from trellis.rules.schedules import SchedulePattern, plan_pattern, totals

D, T = dt.date, dt.time
BEFORE_SPRING = D(2027, 1, 1)  # "today" for the services: the spring term is all ahead


@pytest.fixture
def world(personas):
    imported(personas)
    return personas


def fridays(placement):
    return plan_sessions(placement, calendar_for(placement))


# --- planning (pure) --------------------------------------------------------------------------


def test_friday_internship_skips_spring_break_and_ends_at_dismissal_on_early_release(world):
    planned = fridays(world.placement_a)  # Alder student, Fridays 8:00–14:30, 22 Jan – 28 May 2027
    dates = [p.date for p in planned]
    assert len(planned) == 18  # 19 Fridays less spring break
    assert D(2027, 4, 2) not in dates
    exam_day = next(p for p in planned if p.date == D(2027, 2, 5))  # Alder early release
    assert (exam_day.end, exam_day.hours, exam_day.is_early_release) == (
        T(12, 30),
        Decimal("4.50"),
        True,
    )
    assert exam_day.note == "Early release at 12:30"
    assert all(p.hours == Decimal("6.50") for p in planned if p.date != D(2027, 2, 5))


def test_the_same_pattern_follows_each_school_calendar(world):
    birch = fridays(world.placement_b)  # Birch has no early release on 5 Feb
    assert next(p for p in birch if p.date == D(2027, 2, 5)).hours == Decimal("6.50")
    autumn = SchedulePattern("weekly", 16, T(8, 0), T(14, 30))
    calendar = calendar_for(world.placement_b)
    dates = [p.date for p in plan_pattern(autumn, D(2026, 9, 1), D(2026, 12, 31), calendar)]
    for closed in (
        D(2026, 10, 23),
        D(2026, 11, 27),
        D(2026, 12, 25),
    ):  # Birch conferences, Thanksgiving, winter break
        assert closed not in dates
    alder = [
        p.date
        for p in plan_pattern(
            autumn, D(2026, 9, 1), D(2026, 12, 31), calendar_for(world.placement_a)
        )
    ]
    assert D(2026, 10, 23) in alder


def test_weekly_pattern_skips_monday_holidays(world):
    mondays = SchedulePattern("weekly", 1, T(15, 0), T(17, 0))
    dates = [
        p.date
        for p in plan_pattern(
            mondays, D(2026, 9, 1), D(2027, 1, 31), calendar_for(world.placement_a)
        )
    ]
    assert (
        D(2026, 9, 7) not in dates and D(2027, 1, 18) not in dates and D(2026, 10, 12) not in dates
    )
    assert D(2026, 9, 14) in dates


def test_early_release_shortening_can_be_switched_off(world):
    wednesdays = SchedulePattern("weekly", 4, T(9, 0), T(14, 0), shorten_on_early_release=False)
    planned = plan_pattern(
        wednesdays, D(2026, 10, 1), D(2026, 10, 31), calendar_for(world.placement_a)
    )
    third = next(p for p in planned if p.date == D(2026, 10, 21))
    assert third.end == T(14, 0) and not third.is_early_release


def test_a_session_that_would_start_after_dismissal_is_dropped(world):
    afternoons = SchedulePattern("weekly", 4, T(13, 0), T(15, 0))
    planned = plan_pattern(
        afternoons, D(2026, 10, 1), D(2026, 10, 31), calendar_for(world.placement_a)
    )
    assert D(2026, 10, 21) not in [p.date for p in planned]
    assert len(planned) == 3


def test_summer_block_skips_holidays_and_stops_at_the_target(world):
    block = SchedulePattern("block", 0b11111, T(8, 0), T(14, 30), target_hours=Decimal(100))
    planned = plan_pattern(block, D(2027, 6, 14), D(2027, 8, 6), calendar_for(world.placement_a))
    dates = [p.date for p in planned]
    assert (
        D(2027, 6, 18) not in dates and D(2027, 7, 5) not in dates
    )  # Juneteenth, Independence Day
    assert len(planned) == 16
    assert planned[-1].date == D(2027, 7, 7)
    assert (planned[-1].end, planned[-1].hours) == (T(10, 30), Decimal("2.50"))
    assert sum(p.hours for p in planned) == Decimal(100)


def test_a_weekly_pattern_has_no_sessions_in_summer_but_a_block_does(world):
    weekly = SchedulePattern("weekly", 0b11111, T(8, 0), T(12, 0))
    calendar = calendar_for(world.placement_a)
    assert plan_pattern(weekly, D(2027, 7, 12), D(2027, 7, 16), calendar) == []
    block = SchedulePattern("block", 0b11111, T(8, 0), T(12, 0))
    assert len(plan_pattern(block, D(2027, 7, 12), D(2027, 7, 16), calendar)) == 5


def test_totals_say_how_far_short_of_the_target(world):
    block = SchedulePattern("block", 0b11111, T(8, 0), T(14, 30), target_hours=Decimal(100))
    planned = plan_pattern(block, D(2027, 6, 14), D(2027, 6, 25), calendar_for(world.placement_a))
    summary = totals([p.hours for p in planned], Decimal(100))
    assert summary.planned_hours == Decimal("58.50") and summary.reachable is False
    assert summary.shortfall == Decimal("41.50")
    assert totals([Decimal(60)], Decimal(50)).reachable is True
    assert totals([Decimal(60)], None).reachable is None


def test_no_times_or_no_days_plan_nothing(world):
    calendar = calendar_for(world.placement_a)
    assert (
        plan_pattern(
            SchedulePattern("weekly", 16, None, None), D(2027, 1, 1), D(2027, 2, 1), calendar
        )
        == []
    )
    assert (
        plan_pattern(
            SchedulePattern("weekly", 0, T(8, 0), T(9, 0)), D(2027, 1, 1), D(2027, 2, 1), calendar
        )
        == []
    )


# --- the service ------------------------------------------------------------------------------


def test_generate_sessions_writes_the_plan_and_an_audit_event(world):
    result = generate_sessions(
        placement=world.placement_a, actor=world.coordinator_a, today=BEFORE_SPRING
    )
    assert (result.created, result.removed, result.kept) == (18, 0, 0)
    assert result.planned_hours == Decimal("115.00")  # 17 × 6.5 + 4.5
    sessions = list(world.placement_a.sessions.all())
    assert len(sessions) == 18 and sessions[2].is_early_release
    event = AuditEvent.objects.get(action="placement.sessions_generated")
    assert event.actor == world.coordinator_a and event.data["created"] == 18


def test_regenerating_replaces_future_unlogged_sessions_and_keeps_past_and_logged_ones(world):
    generate_sessions(placement=world.placement_a, actor=None, today=BEFORE_SPRING)
    logged = world.placement_a.sessions.get(date=D(2027, 3, 12))
    f.HourLogFactory(placement=world.placement_a, session=logged, date=logged.date)
    opportunity = world.placement_a.opportunity
    opportunity.weekdays = 8  # Thursdays now
    opportunity.save()
    result = generate_sessions(placement=world.placement_a, actor=None, today=D(2027, 3, 1))
    dates = set(world.placement_a.sessions.values_list("date", flat=True))
    assert D(2027, 2, 26) in dates  # past Friday kept
    assert D(2027, 3, 12) in dates  # logged Friday kept
    assert D(2027, 3, 19) not in dates  # future Friday replaced
    assert D(2027, 3, 18) in dates  # Thursdays planned from today on
    assert result.kept == 6 + 1 and result.removed == 11  # 6 past Fridays + 1 logged
    assert (
        world.placement_a.sessions.count()
        == Session.objects.filter(placement=world.placement_a).count()
    )


def test_generating_twice_does_not_duplicate(world):
    generate_sessions(placement=world.placement_a, actor=None, today=BEFORE_SPRING)
    result = generate_sessions(placement=world.placement_a, actor=None, today=BEFORE_SPRING)
    assert (result.created, result.removed) == (18, 18)
    assert world.placement_a.sessions.count() == 18


def freshman_placement(world, opportunity=None):
    freshman = f.StudentFactory(
        school=world.school_a, grade=9, graduation_year=2030, birth_date=D(2012, 5, 1)
    )
    return f.PlacementFactory(student=freshman, opportunity=opportunity or world.opportunity_p)


def test_a_14_year_old_cannot_be_scheduled_for_six_and_a_half_hours_on_school_days(world):
    placement = freshman_placement(world)
    with pytest.raises(ScheduleRefused) as refused:
        generate_sessions(placement=placement, actor=None, today=BEFORE_SPRING)
    assert refused.value.violations[0].rule_code == "daily_hours_school_day"
    assert (
        "Hours on a school day" in refused.value.reason
        and "daily_hours_school_day" in refused.value.reason
    )
    assert not placement.sessions.exists()
    assert not AuditEvent.objects.filter(action="placement.sessions_generated").exists()


def test_a_14_year_old_may_take_the_summer_block(world):
    summer = f.OpportunityFactory(
        partner=world.department,
        schedule_kind="block",
        weekdays=0b11111,
        start_time=T(8, 0),
        end_time=T(14, 30),
        start_date=D(2027, 6, 14),
        end_date=D(2027, 8, 6),
        target_hours=Decimal(100),
    )
    placement = freshman_placement(world, summer)
    result = generate_sessions(placement=placement, actor=None, today=BEFORE_SPRING)
    assert result.created == 16 and result.planned_hours == Decimal(100)


def test_only_sessions_from_today_are_checked(world):
    placement = freshman_placement(world)
    Session.objects.create(
        placement=placement,
        date=D(2027, 1, 22),
        start_time=T(8, 0),
        end_time=T(14, 30),
        planned_hours=Decimal("6.5"),
    )
    placement.opportunity.start_time, placement.opportunity.end_time = T(15, 0), T(18, 0)
    placement.opportunity.save()
    result = generate_sessions(placement=placement, actor=None, today=D(2027, 1, 25))
    # 17 Fridays ahead, less 5 Feb: Alder lets out at 12:30, before a 15:00 session would start.
    assert result.kept == 1 and result.created == 16


def test_closed_placements_and_patterns_without_times_are_refused(world):
    placement = world.placement_a
    placement.opportunity.start_time = None
    placement.opportunity.save()
    with pytest.raises(ScheduleRefused, match="start and end times"):
        generate_sessions(placement=placement, actor=None, today=BEFORE_SPRING)
    placement.status = Placement.Status.COMPLETED
    with pytest.raises(ScheduleRefused, match="completed placement"):
        generate_sessions(placement=placement, actor=None, today=BEFORE_SPRING)


def test_saving_a_schedule_updates_the_pattern_and_dates_and_audits(world):
    pattern = SchedulePattern("weekly", 2 | 8, T(13, 0), T(16, 0), target_hours=Decimal(60))
    result = save_placement_schedule(
        placement=world.placement_a,
        actor=world.coordinator_a,
        pattern=pattern,
        start_date=D(2027, 2, 1),
        end_date=D(2027, 4, 30),
        today=BEFORE_SPRING,
    )
    opportunity = world.placement_a.opportunity
    opportunity.refresh_from_db()
    assert (opportunity.weekdays, opportunity.start_time, opportunity.target_hours) == (
        10,
        T(13, 0),
        Decimal(60),
    )
    assert world.placement_a.sessions.first().date == D(2027, 2, 2)
    assert result.created == 24  # 26 Tue/Thu in Feb–Apr, less spring break (30 Mar, 1 Apr)
    assert AuditEvent.objects.filter(action="placement.schedule_saved").exists()


def test_a_refused_schedule_changes_nothing(world):
    placement = freshman_placement(world)
    pattern = SchedulePattern("weekly", 16, T(8, 0), T(16, 0))
    with pytest.raises(ScheduleRefused):
        save_placement_schedule(
            placement=placement,
            actor=None,
            pattern=pattern,
            start_date=D(2027, 2, 1),
            end_date=D(2027, 3, 1),
            today=BEFORE_SPRING,
        )
    placement.refresh_from_db()
    placement.opportunity.refresh_from_db()
    assert placement.opportunity.end_time == T(14, 30)
    assert placement.start_date == D(2027, 1, 22)


# --- the placement schedule page --------------------------------------------------------------


@pytest.fixture
def fixed_today(monkeypatch):
    monkeypatch.setattr(schedule_module, "district_today", lambda district: BEFORE_SPRING)


def page(placement):
    return reverse("schedules:placement", args=[placement.pk])


FORM = {
    "schedule_kind": "weekly",
    "weekdays": ["4"],
    "start_time": "08:00",
    "end_time": "14:30",
    "start_date": "2027-01-22",
    "end_date": "2027-05-28",
    "target_hours": "100",
    "shorten_on_early_release": "on",
}


def test_schedule_page_permissions_per_persona(client, world):
    url = page(world.placement_a)
    for name in ("district_admin", "coordinator_district", "coordinator_a", "counselor_a"):
        client.force_login(getattr(world, name))
        assert client.get(url).status_code == 200, name
    for name in (
        "coordinator_b",
        "mentor_p",
        "partner_admin_p",
        "student_a_user",
        "guardian_a",
        "other_coordinator",
    ):
        client.force_login(getattr(world, name))
        assert client.get(url).status_code == 404, name
        assert client.post(url, FORM).status_code == 404, name
    client.force_login(world.counselor_a)  # reads, but may not change
    assert "Set the schedule" not in client.get(url).content.decode()
    assert client.post(url, FORM).status_code == 404
    assert not world.placement_a.sessions.exists()


def test_coordinator_saves_a_friday_schedule_and_sees_the_sessions_and_shortfall(
    client, world, fixed_today
):
    client.force_login(world.coordinator_a)
    response = client.post(page(world.placement_a), FORM | {"target_hours": "130"})
    assert response.status_code == 302
    html = client.get(page(world.placement_a)).content.decode()
    assert "<dd>115 h</dd>" in html and "short by 15 h" in html
    assert "Early release at 12:30" in html
    assert world.placement_a.sessions.count() == 18


def test_coordinator_sees_the_rule_named_when_a_schedule_is_refused(client, world, fixed_today):
    placement = freshman_placement(world)
    client.force_login(world.coordinator_district)
    response = client.post(page(placement), FORM)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hours on a school day" in html and "daily_hours_school_day" in html
    assert not placement.sessions.exists()


def test_schedule_form_validates_times_and_days(client, world):
    client.force_login(world.coordinator_a)
    bad = FORM | {"end_time": "07:00", "weekdays": []}
    html = client.post(page(world.placement_a), bad).content.decode()
    assert "The end time must be after the start time" in html and "This field is required" in html


def test_schedule_page_query_count_does_not_grow_with_sessions(
    client, world, django_assert_max_num_queries
):
    generate_sessions(placement=world.placement_a, actor=None, today=BEFORE_SPRING)
    client.force_login(world.coordinator_a)
    client.get(page(world.placement_a))
    with django_assert_max_num_queries(12):
        response = client.get(page(world.placement_a))
    assert response.status_code == 200 and response.content.decode().count("<time datetime=") == 18
