"""Students log, edit and delete hours; refusals; labour flags; coordinator corrections; the pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests import factories as f
from tests.hours.hours_helpers import MONDAY, current, log, school_year
from trellis.core.models import AuditEvent
from trellis.districts.calendar import district_today
from trellis.hours import services
from trellis.hours.models import HourLog
from trellis.hours.selectors import flagged_logs_for_user
from trellis.placements.models import Placement


@pytest.fixture
def world(personas):
    current(personas.placement_a)
    current(personas.placement_b)
    return personas


def submit(world, placement=None, day=MONDAY, start=(9, 0), end=(12, 30), **kw):
    placement = placement or world.placement_a
    return services.log_hours(
        placement=placement,
        actor=placement.student.user,
        date=day,
        start_time=dt.time(*start),
        end_time=dt.time(*end),
        description=kw.pop("description", "Checked in patients."),
        **kw,
    )


# --- log_hours: happy path and audit ---------------------------------------------------------


def test_student_logs_hours_computed_from_times_and_audited(world):
    entry = submit(world, start=(9, 0), end=(12, 30))
    assert entry.hours == Decimal("3.50")
    assert entry.status == HourLog.Status.SUBMITTED
    assert entry.labour_flags == []
    event = AuditEvent.objects.get(action="hour_log.submitted")
    assert event.actor == world.student_a_user
    assert event.target_id == str(entry.pk)
    assert event.district == world.district
    assert event.data["hours"] == "3.50"


def test_student_logs_a_scheduled_session(world):
    session = f.SessionFactory(placement=world.placement_a, date=MONDAY)
    entry = submit(world, session=session, start=(8, 0), end=(14, 30))
    assert entry.session == session
    assert entry.hours == Decimal("6.50")


# --- log_hours: refusals ---------------------------------------------------------------------


def test_only_the_placement_student_can_log_hours(world):
    with pytest.raises(PermissionDenied):
        services.log_hours(
            placement=world.placement_a,
            actor=world.student_b_user,
            date=MONDAY,
            start_time=dt.time(9),
            end_time=dt.time(10),
            description="x",
        )
    with pytest.raises(PermissionDenied):
        services.log_hours(
            placement=world.placement_a,
            actor=world.coordinator_district,
            date=MONDAY,
            start_time=dt.time(9),
            end_time=dt.time(10),
            description="x",
        )
    assert not HourLog.objects.exists()


@pytest.mark.parametrize("status", [Placement.Status.CONFIRMED, Placement.Status.COMPLETED])
def test_hours_cannot_be_logged_on_a_placement_that_is_not_active(world, status):
    Placement.objects.filter(pk=world.placement_a.pk).update(status=status)
    world.placement_a.refresh_from_db()
    with pytest.raises(ValidationError, match="active placement"):
        submit(world)


@pytest.mark.parametrize(
    "day, message",
    [
        (dt.date(2026, 8, 31), "placement runs"),  # the day before it starts
        (dt.date(2027, 6, 12), "placement runs"),  # the day after it ends
    ],
)
def test_dates_outside_the_placement_are_refused(world, day, message):
    with pytest.raises(ValidationError, match=message):
        submit(world, day=day)


def test_future_dates_are_refused(world):
    tomorrow = district_today(world.district) + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        submit(world, day=tomorrow)
    assert "future" in str(error.value.message_dict["date"])


def test_end_time_must_follow_start_time(world):
    with pytest.raises(ValidationError) as error:
        submit(world, start=(12, 0), end=(9, 0))
    assert "end_time" in error.value.message_dict


def test_overlapping_logs_are_refused(world):
    submit(world, start=(9, 0), end=(12, 0))
    with pytest.raises(ValidationError, match="overlap"):
        submit(world, start=(11, 0), end=(13, 0))
    # Back-to-back is fine.
    assert submit(world, start=(12, 0), end=(13, 0)).hours == Decimal("1.00")


def test_overlap_counts_logs_of_the_students_other_placements(world):
    second = current(
        f.PlacementFactory(
            student=world.student_a, opportunity=f.OpportunityFactory(partner=world.partner_q)
        )
    )
    submit(world, start=(9, 0), end=(12, 0))
    with pytest.raises(ValidationError, match="overlap"):
        submit(world, placement=second, start=(10, 0), end=(11, 0))


def test_a_session_of_another_placement_is_refused(world):
    foreign = f.SessionFactory(placement=world.placement_b, date=MONDAY)
    with pytest.raises(ValidationError) as error:
        submit(world, session=foreign)
    assert "session" in error.value.message_dict


# --- labour rules ----------------------------------------------------------------------------


def make_fifteen(world):
    school_year(world.district)
    student = world.student_a
    student.birth_date = dt.date(2011, 6, 1)  # 15 in October 2026
    student.save(update_fields=["birth_date"])
    world.placement_a.student.refresh_from_db()


def test_breaking_a_labour_rule_saves_the_log_with_flags(world):
    make_fifteen(world)
    entry = submit(world, start=(9, 0), end=(13, 0))  # 4 h on a school day; the limit is 3 h
    entry.refresh_from_db()
    assert [flag["rule"] for flag in entry.labour_flags] == ["daily_hours_school_day"]
    assert entry.labour_flags[0]["date"] == MONDAY.isoformat()
    assert AuditEvent.objects.get(action="hour_log.submitted").data["labour_flags"] == [
        "daily_hours_school_day"
    ]


def test_weekly_limit_is_checked_over_the_students_logs_in_that_week(world):
    make_fifteen(world)
    for offset in range(6):  # Mon–Sat, 3 h each = 18 h: at the limit
        submit(world, day=MONDAY + dt.timedelta(days=offset), start=(15, 0), end=(18, 0))
    assert not HourLog.objects.exclude(labour_flags=[]).exists()
    sunday = submit(world, day=MONDAY + dt.timedelta(days=6), start=(10, 0), end=(11, 0))
    assert [flag["rule"] for flag in sunday.labour_flags] == ["weekly_hours_school_week"]


def test_fixing_the_log_clears_its_flags(world):
    make_fifteen(world)
    entry = submit(world, start=(6, 0), end=(8, 0))  # before 7 a.m.
    assert [flag["rule"] for flag in entry.labour_flags] == ["time_window"]
    services.update_hour_log(
        log=entry,
        actor=world.student_a_user,
        date=MONDAY,
        start_time=dt.time(15),
        end_time=dt.time(17),
        description="Later shift",
    )
    entry.refresh_from_db()
    assert entry.labour_flags == []


def test_lawful_hours_of_a_seventeen_year_old_are_not_flagged(world):
    school_year(world.district)
    entry = submit(world, start=(8, 0), end=(16, 0))  # 8 h: fine at 17
    assert entry.labour_flags == []


def test_coordinators_see_flagged_logs_in_their_scope_only(world):
    make_fifteen(world)
    flagged_entry = submit(world, start=(9, 0), end=(13, 0))
    submit(world, placement=world.placement_b)
    assert list(flagged_logs_for_user(world.coordinator_district)) == [flagged_entry]
    assert list(flagged_logs_for_user(world.coordinator_a)) == [flagged_entry]
    assert list(flagged_logs_for_user(world.coordinator_b)) == []
    assert list(flagged_logs_for_user(world.mentor_p)) == []
    assert list(flagged_logs_for_user(world.other_coordinator)) == []


# --- edits and deletes -----------------------------------------------------------------------


def test_student_edits_a_submitted_log_with_old_and_new_values_audited(world):
    entry = submit(world, start=(9, 0), end=(12, 0))
    services.update_hour_log(
        log=entry,
        actor=world.student_a_user,
        date=MONDAY,
        start_time=dt.time(9),
        end_time=dt.time(11),
        description="Fewer hours",
    )
    entry.refresh_from_db()
    assert entry.hours == Decimal("2.00")
    event = AuditEvent.objects.get(action="hour_log.edited")
    assert event.data["old"]["hours"] == "3.00"
    assert event.data["new"]["hours"] == "2.00"


def test_returned_log_goes_back_to_the_mentor_when_fixed(world):
    entry = log(world.placement_a, status=HourLog.Status.RETURNED, return_comment="Wrong day")
    services.update_hour_log(
        log=entry,
        actor=world.student_a_user,
        date=MONDAY + dt.timedelta(days=1),
        start_time=dt.time(9),
        end_time=dt.time(12),
        description="Right day",
    )
    entry.refresh_from_db()
    assert entry.status == HourLog.Status.SUBMITTED
    assert entry.return_comment == ""
    assert AuditEvent.objects.filter(
        action="hour_log.resubmitted", target_id=str(entry.pk)
    ).exists()


def test_student_cannot_edit_approved_hours(world):
    entry = log(world.placement_a, status=HourLog.Status.APPROVED)
    with pytest.raises(PermissionDenied, match="coordinator"):
        services.update_hour_log(
            log=entry,
            actor=world.student_a_user,
            date=MONDAY,
            start_time=dt.time(9),
            end_time=dt.time(10),
            description="x",
        )


def test_mentor_cannot_edit_a_log(world):
    entry = log(world.placement_a)
    with pytest.raises(PermissionDenied):
        services.update_hour_log(
            log=entry,
            actor=world.mentor_p,
            date=MONDAY,
            start_time=dt.time(9),
            end_time=dt.time(10),
            description="x",
        )


def test_coordinator_corrects_approved_hours_and_the_change_is_audited(world):
    entry = log(world.placement_a, status=HourLog.Status.APPROVED, start=(9, 0), end=(12, 0))
    services.update_hour_log(
        log=entry,
        actor=world.coordinator_a,
        date=MONDAY,
        start_time=dt.time(9),
        end_time=dt.time(11, 15),
        description="Corrected: left early",
        ip_address="10.0.0.9",
    )
    entry.refresh_from_db()
    assert entry.status == HourLog.Status.APPROVED
    assert entry.hours == Decimal("2.25")
    event = AuditEvent.objects.get(action="hour_log.corrected")
    assert event.actor == world.coordinator_a
    assert event.ip_address == "10.0.0.9"
    assert event.data["old"]["end_time"] == "12:00" and event.data["new"]["end_time"] == "11:15"
    assert set(event.data["changed"]) == {"end_time", "hours", "description"}


def test_coordinator_of_another_school_cannot_correct(world):
    entry = log(world.placement_a, status=HourLog.Status.APPROVED)
    with pytest.raises(PermissionDenied):
        services.update_hour_log(
            log=entry,
            actor=world.coordinator_b,
            date=MONDAY,
            start_time=dt.time(9),
            end_time=dt.time(10),
            description="x",
        )


def test_student_deletes_own_submitted_log(world):
    entry = submit(world)
    services.delete_hour_log(log=entry, actor=world.student_a_user)
    assert not HourLog.objects.filter(pk=entry.pk).exists()
    event = AuditEvent.objects.get(action="hour_log.deleted")
    assert event.data["old"]["hours"] == "3.50"


def test_approved_log_cannot_be_deleted_and_others_cannot_delete(world):
    approved = log(world.placement_a, status=HourLog.Status.APPROVED)
    with pytest.raises(PermissionDenied):
        services.delete_hour_log(log=approved, actor=world.student_a_user)
    submitted = log(world.placement_a, day=MONDAY + dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.delete_hour_log(log=submitted, actor=world.coordinator_district)


# --- pages -----------------------------------------------------------------------------------


def test_student_log_hours_page_creates_a_log(client, world):
    client.force_login(world.student_a_user)
    url = reverse("hours:log", args=[world.placement_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "date": "2026-10-05",
            "start_time": "09:00",
            "end_time": "11:00",
            "description": "Filed charts",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("hours:placement", args=[world.placement_a.pk])
    assert HourLog.objects.get().hours == Decimal("2.00")


def test_log_hours_page_shows_service_refusals_on_the_form(client, world):
    log(world.placement_a, start=(9, 0), end=(12, 0))
    client.force_login(world.student_a_user)
    response = client.post(
        reverse("hours:log", args=[world.placement_a.pk]),
        {"date": "2026-10-05", "start_time": "10:00", "end_time": "11:00", "description": "Again"},
    )
    assert response.status_code == 200
    assert "overlap" in response.content.decode()
    assert HourLog.objects.count() == 1


def test_log_hours_page_prefills_a_chosen_session(client, world):
    session = f.SessionFactory(
        placement=world.placement_a, date=MONDAY, start_time=dt.time(8), end_time=dt.time(11)
    )
    client.force_login(world.student_a_user)
    response = client.get(
        reverse("hours:log", args=[world.placement_a.pk]), {"session": session.pk}
    )
    assert response.context["form"].initial["start_time"] == dt.time(8)


@pytest.mark.parametrize(
    "persona",
    [
        "student_b_user",
        "mentor_p",
        "partner_admin_p",
        "coordinator_district",
        "guardian_a",
        "other_coordinator",
    ],
)
def test_only_the_student_reaches_the_log_hours_page(client, world, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("hours:log", args=[world.placement_a.pk])).status_code == 404


@pytest.mark.parametrize(
    "persona, status",
    [
        ("student_a_user", 200),
        ("guardian_a", 200),
        ("mentor_p", 200),
        ("partner_admin_p", 200),
        ("coordinator_a", 200),
        ("coordinator_district", 200),
        ("district_admin", 200),
        ("counselor_a", 200),
        ("student_b_user", 404),
        ("mentor_q", 404),
        ("coordinator_b", 404),
        ("other_coordinator", 404),
    ],
)
def test_placement_hours_page_scope(client, world, persona, status):
    log(world.placement_a)
    client.force_login(getattr(world, persona))
    assert client.get(reverse("hours:placement", args=[world.placement_a.pk])).status_code == status


def test_guardian_reads_hours_without_edit_links(client, world):
    entry = log(world.placement_a)
    client.force_login(world.guardian_a)
    page = client.get(reverse("hours:placement", args=[world.placement_a.pk])).content.decode()
    assert reverse("hours:edit", args=[entry.pk]) not in page
    assert reverse("hours:log", args=[world.placement_a.pk]) not in page
    assert client.get(reverse("hours:edit", args=[entry.pk])).status_code == 404
    assert client.post(reverse("hours:delete", args=[entry.pk])).status_code == 404


def test_placement_hours_page_query_count_does_not_grow(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.student_a_user)
    url = reverse("hours:placement", args=[world.placement_a.pk])
    for offset in range(3):
        log(world.placement_a, day=MONDAY + dt.timedelta(days=offset))
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for offset in range(3, 30):
        log(world.placement_a, day=MONDAY + dt.timedelta(days=offset))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_hours_index_lists_scoped_placements_with_constant_queries(
    client, world, django_assert_max_num_queries
):
    for _ in range(5):
        current(
            f.PlacementFactory(
                student=f.StudentFactory(school=world.school_a), opportunity=world.opportunity_p
            )
        )
    client.force_login(world.coordinator_a)
    with django_assert_max_num_queries(14) as few:
        response = client.get(reverse("hours:index"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 6  # school A only: Ava and five more
    for _ in range(10):
        current(
            f.PlacementFactory(
                student=f.StudentFactory(school=world.school_a), opportunity=world.opportunity_p
            )
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(reverse("hours:index")).context["rows"]) == 16


@pytest.mark.parametrize(
    "persona, count",
    [("student_a_user", 1), ("guardian_a", 1), ("mentor_q", 1), ("other_coordinator", 1)],
)
def test_hours_index_shows_only_own_placements(client, world, persona, count):
    client.force_login(getattr(world, persona))
    rows = client.get(reverse("hours:index")).context["rows"]
    assert len(rows) == count
    expected = {"other_coordinator": world.other_placement, "mentor_q": world.placement_b}.get(
        persona, world.placement_a
    )
    assert rows[0][0] == expected


def test_student_edit_page_refuses_approved_hours_but_coordinator_may(client, world):
    entry = log(world.placement_a, status=HourLog.Status.APPROVED)
    client.force_login(world.student_a_user)
    assert client.get(reverse("hours:edit", args=[entry.pk])).status_code == 403
    client.force_login(world.coordinator_district)
    response = client.post(
        reverse("hours:edit", args=[entry.pk]),
        {
            "date": "2026-10-05",
            "start_time": "09:00",
            "end_time": "10:00",
            "description": "Corrected",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.hours == Decimal("1.00")


@pytest.mark.parametrize(
    "persona", ["mentor_p", "student_b_user", "coordinator_b", "other_coordinator"]
)
def test_edit_and_delete_pages_404_outside_the_owner_and_coordinators(client, world, persona):
    entry = log(world.placement_a)
    client.force_login(getattr(world, persona))
    assert client.get(reverse("hours:edit", args=[entry.pk])).status_code == 404
    assert client.get(reverse("hours:delete", args=[entry.pk])).status_code == 404


def test_student_deletes_a_log_from_the_page(client, world):
    entry = log(world.placement_a)
    client.force_login(world.student_a_user)
    assert client.get(reverse("hours:delete", args=[entry.pk])).status_code == 200
    assert client.post(reverse("hours:delete", args=[entry.pk])).status_code == 302
    assert not HourLog.objects.exists()


@pytest.mark.parametrize(
    "persona, status",
    [
        ("coordinator_a", 200),
        ("district_admin", 200),
        ("mentor_p", 404),
        ("student_a_user", 404),
        ("counselor_a", 404),
        ("guardian_a", 404),
    ],
)
def test_flagged_hours_page_is_for_coordinators(client, world, persona, status):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("hours:flagged")).status_code == status


def test_flagged_hours_page_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    flags = [{"rule": "time_window", "message": "Too early", "date": "2026-10-05"}]
    for offset in range(2):
        log(world.placement_a, day=MONDAY + dt.timedelta(days=offset), labour_flags=flags)
    client.force_login(world.coordinator_district)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("hours:flagged"))
    for offset in range(2, 25):
        log(world.placement_a, day=MONDAY + dt.timedelta(days=offset), labour_flags=flags)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("hours:flagged"))
    assert response.context["page_obj"].paginator.count == 25
