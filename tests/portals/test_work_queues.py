"""The home page is a work queue per role: what needs the person now, each item one click from
its action, counts equal to the lists behind them, constant queries whatever the rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f
from tests.hours.hours_helpers import MONDAY, current, log
from tests.placements.lifecycle_support import confirmed_placement
from trellis.hours.models import HourLog
from trellis.opportunities.models import Opportunity
from trellis.placements.models import Application, Concern, Placement
from trellis.portals import queues

HOME = "/"
ROLES = (
    "district_admin",
    "coordinator_district",
    "coordinator_a",
    "counselor_a",
    "partner_admin_p",
    "mentor_p",
    "student_a_user",
    "guardian_a",
)


def busy(personas, extra=0, weeks_back=0):
    """Something waiting in every queue (and `extra` more rows in each of the big ones).
    A second call passes `weeks_back` so its hour logs do not overlap the first call's."""
    p = current(personas.placement_a)
    start = MONDAY - dt.timedelta(weeks=weeks_back)
    for i in range(1 + extra):
        log(p, day=start + dt.timedelta(days=i))
    log(p, day=start - dt.timedelta(days=7), status=HourLog.Status.APPROVED,
        labour_flags=["Over 3 hours on a school day"])
    log(p, day=start - dt.timedelta(days=14), status=HourLog.Status.RETURNED,
        return_comment="Add what you did")
    Concern.objects.create(placement=p, raised_by=personas.mentor_p, text="Late twice this week")
    f.OpportunityFactory(partner=personas.partner_p, title="Lab runner", status=Opportunity.Status.PENDING)
    f.OpportunityFactory(partner=personas.partner_p, title="Draft role", status=Opportunity.Status.DRAFT)
    confirmed_placement(personas)  # agreements waiting for the student, guardian, mentor
    today = queues.today_for(personas.coordinator_district)
    f.PlacementFactory(  # school B, starts in two days, no consent yet
        student=personas.student_b, opportunity=f.OpportunityFactory(partner=personas.partner_q),
        status=Placement.Status.PROPOSED, start_date=today + dt.timedelta(days=2),
        end_date=today + dt.timedelta(days=30),
    )
    for i in range(1 + extra):  # school A students who applied and have no placement
        asker = f.StudentFactory(school=personas.school_a, first_name=f"Asker{i}", last_name="Ash")
        f.ApplicationFactory(student=asker, opportunity=personas.opportunity_p)
    unchecked = f.MentorFactory(partner=personas.partner_q, background_check_date=None)
    f.PlacementFactory(student=f.StudentFactory(school=personas.school_b),
                       opportunity=f.OpportunityFactory(partner=personas.partner_q), mentor=unchecked)
    done = f.PlacementFactory(student=personas.student_a, opportunity=personas.opportunity_q,
                              status=Placement.Status.COMPLETED)
    return {"completed": done}


def home(client, user):
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response


def counts(response):
    return {q.queue.key: q.count for q in response.context["to_do"] + response.context["done"]}


@pytest.mark.parametrize("who", ROLES)
def test_every_count_on_the_home_page_is_the_length_of_the_list_behind_it(client, personas, who):
    busy(personas, extra=3)
    user = getattr(personas, who)
    response = home(client, user)
    filled = response.context["to_do"] + response.context["done"]
    assert filled, f"{who} has no work queue"
    html = response.content.decode()
    for queue in filled:
        page = client.get(queue.url)
        assert page.status_code == 200
        assert page.context["page_obj"].paginator.count == queue.count, queue.queue.key
        assert f'data-count="{queue.count}"' in html or queue.count == 0
        # Each item shown is one click from its action, and the link works for this user.
        for item in queue.items:
            assert f'href="{item.url}"' in html
            target = client.get(item.url.split("#")[0])
            assert target.status_code == 200, (queue.queue.key, item.url)


def test_coordinator_queue_lists_what_needs_them(client, personas):
    busy(personas)
    found = counts(home(client, personas.coordinator_district))
    assert found["hours-awaiting"] == 1
    assert found["hours-flagged"] == 1
    assert found["concerns"] == 1
    assert found["review"] == 1
    assert found["unsigned"] == 1
    assert found["starting"] == 1
    assert found["asking"] == 1
    assert found["unchecked"] == 1


def test_school_coordinator_queues_hold_only_their_school(client, personas):
    busy(personas)
    found = counts(home(client, personas.coordinator_a))
    assert found["starting"] == 0  # the placement starting this week is a school B student's
    assert found["asking"] == 1 and found["hours-awaiting"] == 1
    assert counts(home(client, personas.coordinator_b))["asking"] == 0


def test_counselor_sees_students_to_follow_up_but_acts_on_nothing(client, personas):
    busy(personas)
    response = home(client, personas.counselor_a)
    found = counts(response)
    assert found["asking"] == 1
    assert "concerns" not in found and "review" not in found and "hours-flagged" not in found
    [asking] = [q for q in response.context["to_do"] if q.queue.key == "asking"]
    assert asking.items[0].action == "See the student"


def test_partner_admin_mentor_student_and_guardian_queues(client, personas):
    extra = busy(personas)
    partner = counts(home(client, personas.partner_admin_p))
    assert partner["applicants"] == 1 and partner["drafts"] == 1 and partner["approve"] == 1
    mentor = counts(home(client, personas.mentor_p))
    assert mentor["approve"] == 1 and mentor["mentor-sign"] >= 1
    student = counts(home(client, personas.student_a_user))
    assert student["returned"] == 1 and student["log"] == 1 and student["student-sign"] >= 1
    reflect = queues.QUEUES_BY_KEY["reflect"].rows(personas.student_a_user, MONDAY)
    assert student["reflect"] == 1 and list(reflect) == [extra["completed"]]
    guardian_response = home(client, personas.guardian_a)
    guardian = counts(guardian_response)
    assert guardian["guardian-sign"] >= 1 and guardian["child-hours"] >= 1
    assert "Gail" in guardian_response.content.decode()


def test_student_open_applications_count_only_open_ones(client, personas):
    f.ApplicationFactory(student=personas.student_a, opportunity=personas.opportunity_q)
    f.ApplicationFactory(student=personas.student_a, status=Application.Status.DECLINED,
                         opportunity=f.OpportunityFactory(partner=personas.partner_q))
    f.ApplicationFactory(student=personas.student_a, status=Application.Status.WITHDRAWN,
                         opportunity=f.OpportunityFactory(partner=personas.partner_q))
    assert counts(home(client, personas.student_a_user))["applications"] == 1


@pytest.mark.parametrize("who", ROLES)
def test_home_queries_do_not_grow_with_the_rows(client, personas, who):
    user = getattr(personas, who)
    busy(personas)
    client.force_login(user)
    with CaptureQueriesContext(connection) as few:
        client.get(HOME)
    busy(personas, extra=8, weeks_back=5)
    with CaptureQueriesContext(connection) as many:
        response = client.get(HOME)
    assert response.status_code == 200
    assert len(many) <= len(few) + 1, (len(few), len(many))
    assert len(many) <= 45


def test_queue_page_queries_do_not_grow_with_the_rows(client, personas):
    busy(personas)
    client.force_login(personas.coordinator_district)
    url = reverse("portals:queue", args=["asking"])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    busy(personas, extra=10, weeks_back=5)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_coordinators_follow_up_hours_awaiting_mentors_at_hours_approvals(client, personas):
    busy(personas, extra=2)
    response = home(client, personas.coordinator_district)
    [awaiting] = [q for q in response.context["to_do"] if q.queue.key == "hours-awaiting"]
    page = client.get(reverse("hours:approvals"))
    assert page.status_code == 200  # was a 404 for coordinators
    assert page.context["page_obj"].paginator.count == awaiting.count == 3
    assert "E-mail mentors a link" in page.content.decode()
    hours_index = client.get(reverse("hours:index")).content.decode()
    assert f'href="{reverse("hours:approvals")}"' in hours_index


def test_queue_a_role_does_not_have_is_a_404(client, personas):
    client.force_login(personas.student_a_user)
    assert client.get(reverse("portals:queue", args=["concerns"])).status_code == 404
    assert client.get(reverse("portals:queue", args=["no-such-queue"])).status_code == 404


def test_user_without_a_role_is_told_access_is_pending(client, personas):
    user = f.UserFactory(username="nobody")
    response = home(client, user)
    assert "No access yet" in response.content.decode()


def test_staff_summary_counts_current_students_apart_from_alumni(client, personas):
    f.StudentFactory(school=personas.school_a, graduation_year=2022, grade=12, is_active=False)
    response = home(client, personas.coordinator_district)
    tiles = {t.label: t.count for t in response.context["sections"]["staff"].students}
    assert tiles == {"Current students": 2, "Alumni and students who left": 1}
