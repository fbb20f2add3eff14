"""Mentors approve or return hours in the app: one by one or in bulk, with htmx or without."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests import factories as f
from tests.hours.hours_helpers import MONDAY, current, log
from trellis.core.models import AuditEvent, Notification
from trellis.hours import services
from trellis.hours.models import HourLog
from trellis.hours.selectors import approvable_logs


@pytest.fixture
def world(personas):
    current(personas.placement_a)
    current(personas.placement_b)
    return personas


def days(n):
    return [MONDAY + dt.timedelta(days=i) for i in range(n)]


# --- services --------------------------------------------------------------------------------


def test_mentor_approves_logs_in_bulk_and_each_is_audited(world):
    logs = [log(world.placement_a, day=d) for d in days(3)]
    services.approve_hour_logs(logs=logs, actor=world.mentor_p, ip_address="192.0.2.1")
    for entry in logs:
        entry.refresh_from_db()
        assert entry.status == HourLog.Status.APPROVED
        assert entry.approver == world.mentor_p
        assert entry.approver_label == "Morgan Persona"
        assert entry.decided_at is not None
    events = AuditEvent.objects.filter(action="hour_log.approved")
    assert events.count() == 3
    assert {e.ip_address for e in events} == {"192.0.2.1"}
    assert {e.district for e in events} == {world.district}


def test_partner_admin_of_the_same_partner_may_approve(world):
    entry = log(world.placement_a)
    services.approve_hour_logs(logs=[entry], actor=world.partner_admin_p)
    entry.refresh_from_db()
    assert entry.status == HourLog.Status.APPROVED


@pytest.mark.parametrize(
    "persona",
    ["mentor_q", "coordinator_district", "student_a_user", "guardian_a", "other_coordinator"],
)
def test_only_the_mentor_or_partner_admin_may_approve(world, persona):
    entry = log(world.placement_a)
    with pytest.raises(PermissionDenied):
        services.approve_hour_logs(logs=[entry], actor=getattr(world, persona))
    entry.refresh_from_db()
    assert entry.status == HourLog.Status.SUBMITTED


def test_bulk_approval_is_all_or_nothing(world):
    mine = log(world.placement_a)
    theirs = log(world.placement_b)
    with pytest.raises(PermissionDenied):
        services.approve_hour_logs(logs=[mine, theirs], actor=world.mentor_p)
    mine.refresh_from_db()
    assert mine.status == HourLog.Status.SUBMITTED
    assert not AuditEvent.objects.filter(action="hour_log.approved").exists()


def test_already_decided_logs_and_empty_selections_are_refused(world):
    approved = log(world.placement_a, status=HourLog.Status.APPROVED)
    with pytest.raises(ValidationError, match="not awaiting"):
        services.approve_hour_logs(logs=[approved], actor=world.mentor_p)
    with pytest.raises(ValidationError, match="at least one"):
        services.approve_hour_logs(logs=[], actor=world.mentor_p)


def test_mentor_returns_a_log_with_a_comment_and_the_student_is_told(
    world, django_capture_on_commit_callbacks
):
    entry = log(world.placement_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_hour_log(log=entry, actor=world.mentor_p, comment="You left at 11, not 12.")
    entry.refresh_from_db()
    assert entry.status == HourLog.Status.RETURNED
    assert entry.return_comment == "You left at 11, not 12."
    event = AuditEvent.objects.get(action="hour_log.returned")
    assert event.data == {"comment": "You left at 11, not 12."}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["student_a@example.org"]
    assert "You left at 11" in mail.outbox[0].body
    notice = Notification.objects.get(user=world.student_a_user)
    assert notice.verb == "hours.returned"
    assert notice.url == reverse("hours:placement", args=[world.placement_a.pk])


def test_returning_needs_a_comment_and_a_submitted_log(world):
    entry = log(world.placement_a)
    with pytest.raises(ValidationError) as error:
        services.return_hour_log(log=entry, actor=world.mentor_p, comment="   ")
    assert "comment" in error.value.message_dict
    approved = log(
        world.placement_a, day=MONDAY + dt.timedelta(days=1), status=HourLog.Status.APPROVED
    )
    with pytest.raises(ValidationError):
        services.return_hour_log(log=approved, actor=world.mentor_p, comment="No")
    with pytest.raises(PermissionDenied):
        services.return_hour_log(log=entry, actor=world.mentor_q, comment="Not mine")


def test_approvable_logs_are_the_mentors_interns_only(world):
    mine = log(world.placement_a)
    log(world.placement_b)
    log(world.placement_a, day=MONDAY + dt.timedelta(days=1), status=HourLog.Status.APPROVED)
    assert list(approvable_logs(world.mentor_p)) == [mine]
    assert list(approvable_logs(world.partner_admin_p)) == [mine]
    assert list(approvable_logs(world.coordinator_district)) == []


# --- the "approve hours" page ----------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, status",
    [
        ("mentor_p", 200),
        ("partner_admin_p", 200),
        ("mentor_q", 200),
        ("student_a_user", 404),
        ("guardian_a", 404),
        # Coordinators do not approve: they see the logs waiting for mentors, to follow up.
        ("coordinator_district", 200),
        ("other_coordinator", 200),
        ("counselor_a", 404),
    ],
)
def test_approvals_page_is_for_mentors_and_partner_admins(client, world, persona, status):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("hours:approvals")).status_code == status


def test_approvals_page_lists_only_own_interns_with_constant_queries(
    client, world, django_assert_max_num_queries
):
    log(world.placement_b)
    for d in days(2):
        log(world.placement_a, day=d)
    client.force_login(world.mentor_p)
    with django_assert_max_num_queries(10) as few:
        response = client.get(reverse("hours:approvals"))
    assert response.context["page_obj"].paginator.count == 2
    extra = current(
        f.PlacementFactory(
            opportunity=world.opportunity_p,
            mentor=world.mentor_p_record,
            student__school=world.school_a,
        )
    )
    for d in days(20):
        log(extra, day=d)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("hours:approvals"))
    assert response.context["page_obj"].paginator.count == 22


def test_bulk_approve_without_javascript_redirects(client, world):
    logs = [log(world.placement_a, day=d) for d in days(3)]
    client.force_login(world.mentor_p)
    response = client.post(reverse("hours:approvals"), {"log": [logs[0].pk, logs[2].pk]})
    assert response.status_code == 302
    assert response["Location"] == reverse("hours:approvals")
    statuses = [HourLog.objects.get(pk=x.pk).status for x in logs]
    assert statuses == [HourLog.Status.APPROVED, HourLog.Status.SUBMITTED, HourLog.Status.APPROVED]


def test_approving_with_htmx_returns_the_refreshed_list(client, world):
    first, second = (log(world.placement_a, day=d) for d in days(2))
    client.force_login(world.mentor_p)
    response = client.post(reverse("hours:approvals"), {"log": [first.pk]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="approval-list">')
    assert "<html" not in body
    assert "Approved 1 log." in body
    assert f'id="log-row-{second.pk}"' in body and f'id="log-row-{first.pk}"' not in body
    assert response["HX-Retarget"] == "#approval-list"


def test_posting_a_log_of_another_mentor_is_404_and_changes_nothing(client, world):
    mine = log(world.placement_a)
    theirs = log(world.placement_b)
    client.force_login(world.mentor_p)
    assert client.post(reverse("hours:approvals"), {"log": [mine.pk, theirs.pk]}).status_code == 404
    assert client.post(reverse("hours:approvals"), {"log": ["x"]}).status_code == 404
    assert set(HourLog.objects.values_list("status", flat=True)) == {HourLog.Status.SUBMITTED}


def test_approving_nothing_or_twice_shows_an_error(client, world):
    entry = log(world.placement_a, status=HourLog.Status.APPROVED)
    client.force_login(world.mentor_p)
    response = client.post(reverse("hours:approvals"), {"log": [entry.pk]}, HTTP_HX_REQUEST="true")
    assert "not awaiting approval" in response.content.decode()
    response = client.post(reverse("hours:approvals"), {}, HTTP_HX_REQUEST="true")
    assert "at least one" in response.content.decode()


def test_return_page_without_javascript(client, world):
    entry = log(world.placement_a)
    client.force_login(world.mentor_p)
    url = reverse("hours:return", args=[entry.pk])
    page = client.get(url)
    assert page.status_code == 200 and "<html" in page.content.decode()
    assert client.post(url, {"comment": ""}).status_code == 200  # the form shows the error
    entry.refresh_from_db()
    assert entry.status == HourLog.Status.SUBMITTED
    response = client.post(url, {"comment": "Add what you did."})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == HourLog.Status.RETURNED


def test_return_inline_with_htmx(client, world):
    entry = log(world.placement_a)
    client.force_login(world.mentor_p)
    url = reverse("hours:return", args=[entry.pk])
    row = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert row.lstrip().startswith(f'<tr id="log-row-{entry.pk}">')
    invalid = client.post(url, {"comment": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert invalid.lstrip().startswith("<tr") and "errorlist" in invalid
    done = client.post(url, {"comment": "Which patients?"}, HTTP_HX_REQUEST="true")
    assert done["HX-Retarget"] == "#approval-list"
    assert "Returned the log" in done.content.decode()


@pytest.mark.parametrize(
    "persona", ["mentor_q", "student_a_user", "coordinator_district", "other_coordinator"]
)
def test_return_page_404s_for_anyone_but_the_approvers(client, world, persona):
    entry = log(world.placement_a)
    client.force_login(getattr(world, persona))
    assert client.get(reverse("hours:return", args=[entry.pk])).status_code == 404
    assert (
        client.post(reverse("hours:return", args=[entry.pk]), {"comment": "x"}).status_code == 404
    )


def test_approvals_post_needs_a_csrf_token(world):
    from django.test import Client

    entry = log(world.placement_a)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.mentor_p)
    assert strict.post(reverse("hours:approvals"), {"log": [entry.pk]}).status_code == 403
