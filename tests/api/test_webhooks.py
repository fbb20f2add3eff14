"""Webhooks: subscribed on the page, refused for private addresses, sent signed after the
change commits, retried with backoff, every attempt in the delivery log."""

import datetime as dt
import io
import json
import socket

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.api.helpers import other_district_admin
from trellis.api import tasks, webhooks
from trellis.api.models import WebhookDelivery, WebhookSubscription
from trellis.api.services import create_webhook_subscription
from trellis.placements import services as placement_services
from trellis.placements.models import Placement

PUBLIC_IP = "93.184.215.14"


@pytest.fixture
def public_dns(monkeypatch):
    """hooks.example.org resolves to a public address (the tests have no network)."""
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):
        if host == "hooks.example.org":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC_IP, 443))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)


@pytest.fixture
def sent(monkeypatch):
    """Records each POST instead of sending it; `answers` says what the receiver replies."""
    calls, answers = [], []

    def post(url, body, headers):
        calls.append((url, body, headers))
        return answers.pop(0) if answers else 200

    monkeypatch.setattr(webhooks, "_post", post)
    return calls, answers


def subscribe(personas, events=("placement.confirmed",), url="https://hooks.example.org/trellis"):
    return create_webhook_subscription(
        actor=personas.district_admin, district=personas.district, name="Warehouse", url=url, events=list(events)
    )


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8000/hook", "http://localhost/hook", "http://10.0.0.5/hook",
    "http://[::1]/hook", "http://169.254.169.254/latest", "ftp://hooks.example.org/x",
])
def test_private_loopback_and_non_http_targets_are_refused(personas, url):
    with pytest.raises(ValidationError) as refused:
        subscribe(personas, url=url)
    assert "url" in refused.value.message_dict


def test_a_confirmed_placement_is_sent_signed_after_commit(personas, public_dns, sent, django_capture_on_commit_callbacks):
    calls, _ = sent
    sub = subscribe(personas)
    placement = personas.placement_a
    Placement.objects.filter(pk=placement.pk).update(status=Placement.Status.PROPOSED)
    placement.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        placement_services.confirm_placement(placement=placement, actor=personas.coordinator_district)
    assert calls == []  # nothing leaves before the change commits
    for callback in callbacks:
        callback()
    assert len(calls) == 1
    url, body, headers = calls[0]
    payload = json.loads(body)
    assert url == sub.url and payload["event"] == "placement.confirmed"
    assert payload["object"] == {"type": "placement", "id": placement.pk}
    assert webhooks.verify(sub.secret, body, headers["Trellis-Signature"])
    assert not webhooks.verify("another secret", body, headers["Trellis-Signature"])
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered" and delivery.attempts == 1


def test_a_failed_delivery_is_retried_with_backoff_then_given_up(personas, public_dns, sent):
    calls, answers = sent
    sub = subscribe(personas)
    answers.extend([500] * webhooks.MAX_ATTEMPTS)
    event = type("E", (), {"district_id": personas.district.pk, "created_at": None,
                           "target_type": "placements.placement", "target_id": "7"})()
    delivery = webhooks.queue_event(event, "placement.confirmed")[0]
    waits = []
    for _ in range(webhooks.MAX_ATTEMPTS):
        delivery.refresh_from_db()
        before = delivery.next_attempt_at
        webhooks.attempt_delivery(delivery)
        if delivery.next_attempt_at:
            waits.append(delivery.next_attempt_at - before)
    assert delivery.status == "failed" and delivery.attempts == webhooks.MAX_ATTEMPTS
    assert delivery.last_status_code == 500
    assert waits == sorted(waits) and len(waits) == webhooks.MAX_ATTEMPTS - 1
    assert len(calls) == webhooks.MAX_ATTEMPTS and sub.deliveries.count() == 1


def test_only_the_districts_events_reach_its_subscriptions(personas, public_dns, sent):
    subscribe(personas)
    event = type("E", (), {"district_id": personas.other_district.pk, "created_at": None,
                           "target_type": "placements.placement", "target_id": "1"})()
    assert webhooks.queue_event(event, "placement.confirmed") == []


def test_the_subscriptions_page_and_delivery_log(client, personas, public_dns, sent):
    client.force_login(personas.district_admin)
    response = client.post(reverse("integrations:webhooks"), {
        "name": "Warehouse", "url": "https://hooks.example.org/in", "events": ["hours.approved"],
    })
    sub = WebhookSubscription.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("integrations:webhook", args=[sub.pk])
    response = client.post(reverse("integrations:webhooks"), {
        "name": "Sneaky", "url": "http://127.0.0.1:5432/", "events": ["hours.approved"],
    })
    assert response.status_code == 200 and "private or local address" in response.content.decode()
    event = type("E", (), {"district_id": personas.district.pk, "created_at": None,
                           "target_type": "hours.hourlog", "target_id": "12"})()
    webhooks.attempt_delivery(webhooks.queue_event(event, "hours.approved")[0])
    page = client.get(reverse("integrations:webhook", args=[sub.pk]))
    assert page.status_code == 200
    assert "Delivered" in page.content.decode() and "hour_log 12" in page.content.decode()
    # Other staff and the other district's administrator do not find it.
    client.force_login(personas.coordinator_district)
    assert client.get(reverse("integrations:webhook", args=[sub.pk])).status_code == 404
    client.force_login(other_district_admin(personas))
    assert client.get(reverse("integrations:webhook", args=[sub.pk])).status_code == 404


def test_a_failed_attempt_in_the_worker_is_queued_again_for_its_retry_time(personas, public_dns, sent, monkeypatch):
    _, answers = sent
    subscribe(personas)
    answers.append(500)
    event = type("E", (), {"district_id": personas.district.pk, "created_at": None,
                           "target_type": "placements.placement", "target_id": "7"})()
    delivery = webhooks.queue_event(event, "placement.confirmed")[0]
    queued = []
    monkeypatch.setattr(tasks, "default_task_backend", type("B", (), {"supports_defer": True})())
    monkeypatch.setattr(tasks, "enqueue", lambda ids, run_after=None: queued.append((ids, run_after)))
    assert tasks.deliver_webhook.call(str(delivery.pk)) == "retrying"
    delivery.refresh_from_db()
    assert queued == [([str(delivery.pk)], delivery.next_attempt_at)]


def test_the_command_sends_the_deliveries_whose_time_has_come(personas, public_dns, sent):
    calls, _ = sent
    subscribe(personas)
    event = type("E", (), {"district_id": personas.district.pk, "created_at": None,
                           "target_type": "placements.placement", "target_id": "7"})()
    due = webhooks.queue_event(event, "placement.confirmed")
    later = webhooks.queue_event(event, "placement.confirmed")[0]
    WebhookDelivery.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() + dt.timedelta(hours=1))
    out = io.StringIO()
    call_command("send_due_webhooks", stdout=out)
    assert "Attempted 1 webhook delivery." in out.getvalue() and len(calls) == 1
    assert WebhookDelivery.objects.get(pk=due[0].pk).status == "delivered"
    assert WebhookDelivery.objects.get(pk=later.pk).status == "pending"
