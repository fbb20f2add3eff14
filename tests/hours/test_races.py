"""Hour logs under concurrent writes (issue 15 point 1), on PostgreSQL with real connections.

Twenty simultaneous submits of one log used to create a dozen identical rows, and one
approval link then paid them all. Every log write now locks the student's row, and the
database itself refuses overlapping logs of one placement (an exclusion constraint).
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from tests import factories as f
from tests.concurrency import race, require_postgresql
from tests.hours.hours_helpers import MONDAY, current, log
from trellis.hours import services
from trellis.hours.models import ApprovedHoursByYear, HourLog
from trellis.hours.totals import recount_placements
from trellis.placements.models import Placement

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(fresh_personas):
    require_postgresql()
    current(fresh_personas.placement_a)
    current(fresh_personas.placement_b)
    return fresh_personas


def submit(placement_pk, start, end, day=MONDAY):
    placement = Placement.objects.select_related("student__user", "district").get(pk=placement_pk)
    return services.log_hours(
        placement=placement,
        actor=placement.student.user,
        date=day,
        start_time=dt.time(*start),
        end_time=dt.time(*end),
        description="Front desk.",
    )


def overlapping_pairs(student):
    logs = list(HourLog.objects.filter(placement__student=student).order_by("date", "start_time"))
    return [
        (a.pk, b.pk)
        for i, a in enumerate(logs)
        for b in logs[i + 1 :]
        if a.date == b.date and a.start_time < b.end_time and b.start_time < a.end_time
    ]


def test_twenty_identical_posts_of_one_log_create_one_row(world):
    """The finding itself: twenty simultaneous POSTs to /hours/placement/<id>/log/, 15:00-16:00."""
    url = reverse("hours:log", args=[world.placement_a.pk])
    form = {"date": MONDAY.isoformat(), "start_time": "15:00", "end_time": "16:00", "description": "Desk"}

    def post(i):
        client = Client()
        client.force_login(world.student_a_user)
        return client.post(url, form).status_code

    statuses = race(post, n=20)
    assert all(isinstance(s, int) and s < 500 for s in statuses), statuses
    assert HourLog.objects.filter(placement=world.placement_a).count() == 1


def test_twenty_overlapping_logs_at_once_leave_one(world):
    results = race(lambda i: submit(world.placement_a.pk, (9, i), (11, i)), n=20)
    created = [r for r in results if isinstance(r, HourLog)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(created) == 1 and len(refused) == 19, results
    assert overlapping_pairs(world.student_a) == []


def test_overlap_across_two_placements_of_one_student_is_refused_at_once(world):
    """The rule spans the student's placements: the lock is on the student, not the placement."""
    second = f.PlacementFactory(
        student=world.student_a, opportunity=world.opportunity_q, mentor=world.mentor_q_record
    )
    current(second)
    placements = [world.placement_a.pk, second.pk]
    results = race(lambda i: submit(placements[i % 2], (13, 0), (14, 0)), n=10)
    assert sum(isinstance(r, HourLog) for r in results) == 1, results
    assert overlapping_pairs(world.student_a) == []


def test_an_edit_racing_a_new_log_cannot_make_them_overlap(world):
    kept = submit(world.placement_a.pk, (8, 0), (9, 0))

    def work(i):
        if i % 2:
            return submit(world.placement_a.pk, (10, 0), (11, 0))
        fresh = HourLog.objects.select_related("placement__student__user").get(pk=kept.pk)
        return services.update_hour_log(
            log=fresh,
            actor=fresh.placement.student.user,
            date=MONDAY,
            start_time=dt.time(10, 30),
            end_time=dt.time(11, 30),
            description="Moved",
        )

    results = race(work, n=2)
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert overlapping_pairs(world.student_a) == []


def test_the_database_refuses_overlapping_logs_of_one_placement_whatever_writes_them(world):
    log(world.placement_a, start=(9, 0), end=(12, 0))
    with pytest.raises(IntegrityError), transaction.atomic():
        log(world.placement_a, start=(11, 0), end=(13, 0))
    log(world.placement_a, start=(12, 0), end=(13, 0))  # touching is not overlapping


def test_a_link_and_the_app_approving_at_once_approve_each_log_once(world):
    f.SchoolYearFactory(district=world.district, start_date=dt.date(2026, 7, 1))
    logs = [log(world.placement_a, day=MONDAY + dt.timedelta(days=i)) for i in range(3)]
    link = services.send_approval_request(mentor=world.mentor_p_record, logs=logs, actor=None)

    def work(i):
        if i == 0:
            return services.decide_by_link(link=type(link).objects.get(pk=link.pk), returns={})
        return services.approve_hour_logs(
            logs=HourLog.objects.filter(pk__in=[x.pk for x in logs]), actor=world.mentor_p
        )

    results = race(work, n=2)
    approvals = [r for r in results if not isinstance(r, Exception)]
    assert len(approvals) >= 1, results
    from trellis.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="hour_log.approved").count() == 3
    assert set(HourLog.objects.values_list("status", flat=True)) == {HourLog.Status.APPROVED}
    total = ApprovedHoursByYear.objects.get(placement=world.placement_a).hours
    recount_placements([world.placement_a.pk])
    assert ApprovedHoursByYear.objects.get(placement=world.placement_a).hours == total == 9
