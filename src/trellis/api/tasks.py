"""Background tasks of the API: sending webhook deliveries (django-tasks)."""

from django_tasks import task

from trellis.api import webhooks
from trellis.api.models import WebhookDelivery


@task()
def deliver_webhook(delivery_id: str) -> str:
    """One attempt at one delivery; a failure schedules the next with backoff."""
    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None:
        return "gone"
    webhooks.attempt_delivery(delivery)
    return delivery.status
