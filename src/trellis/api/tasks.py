"""Background work of the API: webhook deliveries, queued and sent by the task worker.

When the audit trail records a mapped event, `webhooks.queue_event` writes the deliveries in
the same transaction and they are queued after commit (a rolled-back change sends nothing).
A failed attempt is queued again for its retry time. This module imports `webhooks` (what a
delivery is and one attempt at it); `webhooks` never imports this.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django_tasks import default_task_backend, task

from trellis.api import webhooks
from trellis.api.models import WebhookDelivery
from trellis.core.models import AuditEvent


def connect():
    """Follow the audit trail (called once, from the app's ready())."""
    post_save.connect(on_audit_event, sender=AuditEvent, dispatch_uid="trellis.api.webhooks")


def on_audit_event(sender, instance, created, **kwargs):
    event = webhooks.event_for(instance) if created else None
    if event is None:
        return
    deliveries = webhooks.queue_event(instance, event)
    if deliveries:
        ids = [str(d.pk) for d in deliveries]
        transaction.on_commit(lambda: enqueue(ids), robust=True)


def enqueue(ids, run_after=None):
    queued = deliver_webhook if run_after is None else deliver_webhook.using(run_after=run_after)
    for pk in ids:
        queued.enqueue(pk)


def send(delivery) -> None:
    """One attempt; a failure is queued again for its retry time."""
    webhooks.attempt_delivery(delivery)
    # The worker's database backend runs the retry later; a backend without deferral (the
    # tests' immediate one) leaves it to `send_due_webhooks`.
    if delivery.status == WebhookDelivery.Status.RETRYING and default_task_backend.supports_defer:
        enqueue([str(delivery.pk)], run_after=delivery.next_attempt_at)


@task()
def deliver_webhook(delivery_id: str) -> str:
    """One attempt at one delivery; a failure schedules the next with backoff."""
    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None:
        return "gone"
    send(delivery)
    return delivery.status


def send_due(now=None) -> int:
    """Attempt every delivery whose retry time has come (the command, after a worker outage)."""
    count = 0
    for delivery in webhooks.due_deliveries(now):
        send(delivery)
        count += 1
    return count
