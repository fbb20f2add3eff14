"""Webhooks: the audit trail's events, delivered signed to the district's subscribed URLs.

Every service already records what happened as an AuditEvent inside its transaction, so a
webhook is one more reader of that trail: when a mapped event is recorded, a delivery row is
written in the same transaction and the task worker sends it after commit. A rolled-back
change sends nothing. The body names the record (type and id), never its contents: the
receiver fetches what it may see through the API with its own token.

Signature: `Trellis-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the
subscription's secret>`. Failed deliveries are retried with growing waits (BACKOFF) and
then given up; each attempt's outcome is on the delivery log page.

This module writes deliveries and makes one attempt; it knows nothing of the task queue.
`api/tasks.py` (which imports this, never the reverse) listens to the audit trail, queues the
deliveries after commit and schedules the retries.
"""

import datetime as dt
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.utils import timezone

from trellis.core.outbound import UnsafeAddress, refuse_private_address

# Audit actions → webhook events.
EVENTS_BY_ACTION = {
    "placement.proposed": "placement.proposed",
    "placement.confirmed": "placement.confirmed",
    "placement.activated": "placement.activated",
    "placement.completed": "placement.ended",
    "placement.withdrawn": "placement.ended",
    "hour_log.submitted": "hours.submitted",
    "hour_log.approved": "hours.approved",
    "hour_log.returned": "hours.returned",
    "opportunity.approved": "opportunity.published",
}
TARGET_TYPES = {
    "placements.placement": "placement",
    "hours.hourlog": "hour_log",
    "opportunities.opportunity": "opportunity",
}
# Waits before attempts 2, 3, … (then the delivery is given up).
BACKOFF = [dt.timedelta(seconds=30), dt.timedelta(minutes=2), dt.timedelta(minutes=10),
           dt.timedelta(hours=1), dt.timedelta(hours=6)]
MAX_ATTEMPTS = len(BACKOFF) + 1
TIMEOUT_SECONDS = 10


def event_for(audit_event) -> str | None:
    """The webhook event a newly recorded audit event sends, or None (unmapped, no district)."""
    if audit_event.district_id is None:
        return None
    return EVENTS_BY_ACTION.get(audit_event.action)


def queue_event(audit_event, event: str) -> list:
    """Write one pending delivery per subscription of the district that wants this event (in the
    caller's transaction; `tasks.on_audit_event` sends them after commit)."""
    from trellis.api.models import WebhookDelivery, WebhookSubscription

    subscriptions = [
        sub for sub in WebhookSubscription.objects.filter(district_id=audit_event.district_id, is_active=True)
        if event in sub.events
    ]
    deliveries = []
    for sub in subscriptions:
        delivery = WebhookDelivery(subscription=sub, event=event, next_attempt_at=timezone.now())
        delivery.payload = {
            "id": str(delivery.id),
            "event": event,
            "occurred_at": (audit_event.created_at or timezone.now()).isoformat(),
            "district": audit_event.district_id,
            "object": {
                "type": TARGET_TYPES.get(audit_event.target_type, audit_event.target_type),
                "id": int(audit_event.target_id) if audit_event.target_id.isdigit() else audit_event.target_id,
            },
        }
        delivery.save()
        deliveries.append(delivery)
    return deliveries


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, body: bytes, header: str, *, tolerance: int = 300, now: float | None = None) -> bool:
    """For receivers (and the docs' example): the signature matches and is recent."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, body, timestamp), header)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer like any other non-2xx: the delivery failed


def _post(url: str, body: bytes, headers: dict) -> int:
    if not getattr(settings, "TRELLIS_WEBHOOK_ALLOW_PRIVATE", False):
        # Checked again at send time: the name may point elsewhere since it was subscribed.
        refuse_private_address(url, purpose="webhooks are sent to the internet only")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (scheme checked)
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def attempt_delivery(delivery) -> None:
    """Send once; record the outcome and when the next attempt is due, or give up."""
    from trellis.api.models import WebhookDelivery

    if delivery.status in (WebhookDelivery.Status.DELIVERED, WebhookDelivery.Status.FAILED):
        return
    sub = delivery.subscription
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Trellis webhooks",
        "Trellis-Event": delivery.event,
        "Trellis-Delivery": str(delivery.pk),
        "Trellis-Signature": sign(sub.secret, body, int(time.time())),
    }
    delivery.attempts += 1
    code, error = None, ""
    try:
        code = _post(sub.url, body, headers)
    except UnsafeAddress as exc:
        error = str(exc)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        error = f"Could not reach the address: {getattr(exc, 'reason', exc)}"
    now = timezone.now()
    delivery.last_status_code = code
    if code is not None and 200 <= code < 300:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        delivery.last_error = ""
    else:
        delivery.last_error = (error or f"The address answered {code}.")[:500]
        if delivery.attempts >= MAX_ATTEMPTS or not sub.is_active:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.status = WebhookDelivery.Status.RETRYING
            delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
    delivery.save()


def due_deliveries(now=None):
    """Deliveries whose (next) attempt is due: pending or retrying, the time come."""
    from trellis.api.models import WebhookDelivery

    now = now or timezone.now()
    return WebhookDelivery.objects.filter(
        status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING],
        next_attempt_at__lte=now,
    ).select_related("subscription")
