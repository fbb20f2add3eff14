"""Signed, expiring, single-use e-mailed approval links for mentors without an account."""

import datetime as dt
import hashlib
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.hours.hours_helpers import MONDAY, current, log
from trellis.core.models import AuditEvent
from trellis.hours import services
from trellis.hours.models import ApprovalLink, HourLog


@pytest.fixture
def world(personas):
    current(personas.placement_a)
    current(personas.placement_b)
    return personas


@pytest.fixture
def sent(world, django_capture_on_commit_callbacks):
    """Two submitted logs of Ava, e-mailed to her mentor; returns (link, token, logs)."""
    logs = [log(world.placement_a, day=MONDAY + dt.timedelta(days=i)) for i in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        link = services.send_approval_request(
            mentor=world.mentor_p_record, logs=logs, actor=world.coordinator_district
        )
    return link, link.token, logs


def url(token):
    return reverse("hours:link", args=[token])


# --- sending ---------------------------------------------------------------------------------


@override_settings(SIGNED_LINK_MAX_AGE_DAYS=10, SITE_URL="https://wbl.example.org")
def test_sending_stores_only_a_hash_binds_the_logs_and_emails_the_url(
    world, django_capture_on_commit_callbacks
):
    logs = [log(world.placement_a)]
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        link = services.send_approval_request(mentor=world.mentor_p_record, logs=logs)
    assert link.token_hash == hashlib.sha256(link.token.encode()).hexdigest()
    assert not ApprovalLink.objects.filter(token_hash=link.token).exists()
    assert list(link.logs.all()) == logs
    assert (
        before + dt.timedelta(days=10) <= link.expires_at <= timezone.now() + dt.timedelta(days=10)
    )
    assert link.used_at is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mentor_p@example.org"]
    assert f"https://wbl.example.org/hours/approve/{link.token}/" in message.body
    event = AuditEvent.objects.get(action="approval_link.sent")
    assert event.data["log_ids"] == [logs[0].pk] and event.data["sent_to"] == "mentor_p@example.org"


def test_sending_refuses_logs_of_another_mentor_or_already_decided(world):
    with pytest.raises(ValidationError, match="supervise"):
        services.send_approval_request(mentor=world.mentor_p_record, logs=[log(world.placement_b)])
    approved = log(world.placement_a, status=HourLog.Status.APPROVED)
    with pytest.raises(ValidationError, match="not awaiting"):
        services.send_approval_request(mentor=world.mentor_p_record, logs=[approved])
    with pytest.raises(ValidationError):
        services.send_approval_request(mentor=world.mentor_p_record, logs=[])
    assert not ApprovalLink.objects.exists()


def test_sending_refuses_a_mentor_without_email_and_an_out_of_scope_actor(world):
    entry = log(world.placement_a)
    with pytest.raises(PermissionDenied):
        services.send_approval_request(
            mentor=world.mentor_p_record, logs=[entry], actor=world.coordinator_b
        )
    world.mentor_p.email = ""
    world.mentor_p.save()
    with pytest.raises(ValidationError, match="no e-mail"):
        services.send_approval_request(mentor=world.mentor_p_record, logs=[entry])


# --- the link page ---------------------------------------------------------------------------


def test_link_page_lists_exactly_the_bound_logs_without_signing_in(client, world, sent):
    link, token, logs = sent
    other = log(world.placement_a, day=MONDAY + dt.timedelta(days=3))
    response = client.get(url(token))
    assert response.status_code == 200
    assert [x.pk for x in response.context["logs"]] == [x.pk for x in logs]
    assert f'value="{other.pk}"' not in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")


def test_approving_all_from_the_link(client, world, sent):
    link, token, logs = sent
    response = client.post(url(token), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    assert "approved 2 logs" in response.content.decode()
    for entry in logs:
        entry.refresh_from_db()
        assert entry.status == HourLog.Status.APPROVED
        assert entry.approver is None
        assert entry.approver_label == "Morgan Persona (e-mailed link)"
    events = AuditEvent.objects.filter(action="hour_log.approved")
    assert events.count() == 2
    assert {(e.actor_id, e.actor_label, e.ip_address) for e in events} == {
        (None, "Morgan Persona (e-mailed link)", "203.0.113.7")
    }
    link.refresh_from_db()
    assert link.used_at is not None and link.used_ip == "203.0.113.7"
    assert AuditEvent.objects.filter(action="approval_link.used", ip_address="203.0.113.7").exists()


def test_a_used_link_answers_410(client, world, sent):
    link, token, logs = sent
    client.post(url(token))
    again = client.get(url(token))
    assert again.status_code == 410
    assert "already used" in again.content.decode()
    assert client.post(url(token)).status_code == 410


def test_an_expired_link_answers_410(client, world, sent):
    link, token, logs = sent
    ApprovalLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(url(token))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert client.post(url(token)).status_code == 410
    assert set(HourLog.objects.values_list("status", flat=True)) == {HourLog.Status.SUBMITTED}


def test_an_unknown_or_altered_token_is_404(client, sent):
    link, token, logs = sent
    assert client.get(url(token[:-1] + ("A" if token[-1] != "A" else "B"))).status_code == 404
    assert client.get(url("nope")).status_code == 404


def test_returning_one_log_with_a_comment_approves_the_rest(
    client, world, sent, django_capture_on_commit_callbacks
):
    link, token, logs = sent
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(token), {"return": [logs[0].pk], f"comment-{logs[0].pk}": "Wrong date?"}
        )
    assert response.status_code == 200
    first, second = (HourLog.objects.get(pk=x.pk) for x in logs)
    assert first.status == HourLog.Status.RETURNED and first.return_comment == "Wrong date?"
    assert first.approver_label == "Morgan Persona (e-mailed link)"
    assert second.status == HourLog.Status.APPROVED
    assert AuditEvent.objects.get(action="hour_log.returned").data["via"] == "e-mailed link"
    assert [m.to for m in mail.outbox] == [["student_a@example.org"]]


def test_returning_without_a_comment_keeps_the_link_usable(client, world, sent):
    link, token, logs = sent
    response = client.post(url(token), {"return": [logs[0].pk], f"comment-{logs[0].pk}": " "})
    assert response.status_code == 200
    assert "Add a comment" in response.content.decode()
    link.refresh_from_db()
    assert link.used_at is None
    assert set(HourLog.objects.values_list("status", flat=True)) == {HourLog.Status.SUBMITTED}


@pytest.mark.parametrize("field", ["return", "comment", "log", "junk"])
def test_posting_a_log_outside_the_link_is_rejected_and_changes_nothing(client, world, sent, field):
    link, token, logs = sent
    foreign = log(world.placement_b)  # another mentor's intern
    unsent = log(
        world.placement_a, day=MONDAY + dt.timedelta(days=4)
    )  # same mentor, not on this link
    target = foreign.pk if field != "junk" else "1 OR 1=1"
    data = {
        "return": {
            "return": [target, unsent.pk],
            f"comment-{target}": "x",
            f"comment-{unsent.pk}": "y",
        },
        "comment": {f"comment-{target}": "x"},
        "log": {"log": [target]},
        "junk": {"return": [target], f"comment-{target}": "x"},
    }[field]
    response = client.post(url(token), data, REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 400
    assert set(HourLog.objects.values_list("status", flat=True)) == {HourLog.Status.SUBMITTED}
    link.refresh_from_db()
    assert link.used_at is None
    event = AuditEvent.objects.get(action="approval_link.rejected")
    assert event.ip_address == "198.51.100.4"


def test_logs_decided_in_the_app_meanwhile_are_left_alone(client, world, sent):
    link, token, logs = sent
    services.return_hour_log(log=logs[0], actor=world.mentor_p, comment="Fix the times")
    response = client.post(url(token))
    assert response.status_code == 200
    first, second = (HourLog.objects.get(pk=x.pk) for x in logs)
    assert first.status == HourLog.Status.RETURNED and first.approver == world.mentor_p
    assert second.status == HourLog.Status.APPROVED


# --- the link re-checks the app's rule at use time (issue 15 point 2) ------------------------


def test_a_link_stops_working_when_its_mentor_is_switched_off(client, world, sent):
    link, token, logs = sent
    world.mentor_p.is_active = False
    world.mentor_p.save()
    assert client.get(url(token)).status_code == 410
    response = client.post(url(token))
    assert response.status_code == 410 and "no longer works" in response.content.decode()
    assert set(HourLog.objects.values_list("status", flat=True)) == {HourLog.Status.SUBMITTED}


def test_a_link_stops_working_when_its_mentor_is_removed_from_the_partner(client, world, sent):
    from trellis.accounts.models import Membership

    link, token, logs = sent
    Membership.objects.filter(user=world.mentor_p, partner=world.partner_p).delete()
    assert client.post(url(token)).status_code == 410
    assert set(HourLog.objects.values_list("status", flat=True)) == {HourLog.Status.SUBMITTED}
    link.refresh_from_db()
    assert link.used_at is None


def test_a_link_leaves_the_logs_of_a_withdrawn_placement_alone(client, world, sent):
    from trellis.placements.models import Placement

    link, token, logs = sent
    Placement.objects.filter(pk=world.placement_a.pk).update(
        status=Placement.Status.WITHDRAWN, withdrawal_initiator="school", withdrawal_reason="schedule"
    )
    page = client.get(url(token)).content.decode()
    assert "No longer yours to decide" in page and 'name="return"' not in page
    result = services.decide_by_link(link=ApprovalLink.objects.get(pk=link.pk), returns={})
    assert result["approved"] == [] and sorted(result["skipped"]) == sorted(x.pk for x in logs)
    assert set(HourLog.objects.values_list("status", flat=True)) == {HourLog.Status.SUBMITTED}


def test_in_app_approval_refuses_the_logs_of_a_withdrawn_placement(world, sent):
    from trellis.placements.models import Placement

    link, token, logs = sent
    Placement.objects.filter(pk=world.placement_a.pk).update(
        status=Placement.Status.WITHDRAWN, withdrawal_initiator="school", withdrawal_reason="schedule"
    )
    with pytest.raises(PermissionDenied, match="withdrawn"):
        services.approve_hour_logs(logs=HourLog.objects.filter(pk=logs[0].pk), actor=world.mentor_p)


def test_the_link_cannot_be_claimed_twice(world, sent):
    link, token, logs = sent
    stale = ApprovalLink.objects.get(pk=link.pk)
    services.decide_by_link(link=link, returns={})
    from trellis.hours.links import LinkGone

    with pytest.raises(LinkGone):
        services.decide_by_link(link=stale, returns={})


# --- sending to every mentor -----------------------------------------------------------------


def test_command_emails_each_mentor_once_and_skips_logs_with_an_open_link(
    world, django_capture_on_commit_callbacks
):
    log(world.placement_a)
    log(world.placement_a, day=MONDAY + dt.timedelta(days=1))
    log(world.placement_b)
    log(world.other_placement)  # no mentor: nobody to send to
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_approval_requests")
    assert sorted(m.to[0] for m in mail.outbox) == ["mentor_p@example.org", "mentor_q@example.org"]
    assert ApprovalLink.objects.get(mentor=world.mentor_p_record).logs.count() == 2
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_approval_requests")
    assert mail.outbox == []


def test_command_can_be_limited_to_one_district(world, django_capture_on_commit_callbacks):
    log(world.placement_a)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_approval_requests", district="other-county")
    assert mail.outbox == []


def test_coordinator_button_sends_links_for_their_students_only(
    client, world, django_capture_on_commit_callbacks
):
    log(world.placement_a)
    log(world.placement_b)
    client.force_login(world.coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("hours:send_requests"))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["mentor_p@example.org"]]
    token = re.search(r"/hours/approve/([\w-]+)/", mail.outbox[0].body).group(1)
    assert client.get(url(token)).status_code == 200


@pytest.mark.parametrize("persona", ["mentor_p", "student_a_user", "counselor_a", "guardian_a"])
def test_send_button_is_for_coordinators_only(client, world, persona):
    client.force_login(getattr(world, persona))
    assert client.post(reverse("hours:send_requests")).status_code == 404


def test_link_page_query_count_does_not_grow(
    client, world, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    def send(n):
        logs = [
            log(
                world.placement_a,
                day=MONDAY + dt.timedelta(days=7 * len(ApprovalLink.objects.all()) + i),
            )
            for i in range(n)
        ]
        return services.send_approval_request(mentor=world.mentor_p_record, logs=logs).token

    few_token, many_token = send(2), send(6)
    with django_assert_max_num_queries(8) as few:
        client.get(url(few_token))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url(many_token))
    assert len(response.context["logs"]) == 6
