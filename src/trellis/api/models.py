"""API tokens (stored hashed, scoped, expiring, revocable) and webhook subscriptions."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from trellis.accounts.models import Role
from trellis.core.tenancy import AccessPaths, ScopedQuerySet


class ApiTokenQuerySet(ScopedQuerySet):
    def membership_q(self, user, m):
        """A district administrator sees the district's tokens; a partner administrator the partner's."""
        if m.role == Role.DISTRICT_ADMIN:
            return Q(district_id=m.district_id)
        if m.role == Role.PARTNER_ADMIN:
            return Q(partner_id=m.partner_id)
        return None

    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    """One integration's key: named, scoped to a district or one partner, expiring, revocable.

    The key itself is shown once, when the token is made; only its SHA-256 is kept (a random
    32-byte key needs no slow hash). Requests act as `identity`, a service account with no
    password and no stored membership, holding the creator's role while the creator does.
    """

    district = models.ForeignKey("districts.District", on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text="A partner's token sees the partner's records only; empty for a district token.",
    )
    name = models.CharField(max_length=100, help_text="Which system uses it, e.g. “Nightly warehouse load”.")
    scopes = models.JSONField(default=list)
    key_prefix = models.CharField(max_length=12, help_text="The key's first characters, to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    identity = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_token", editable=False,
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()
    access_paths = AccessPaths(district="district_id", partner="partner_id")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="api_token_has_scopes", condition=~Q(scopes=[])),
        ]

    def __str__(self):
        return self.name

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.expires_at > timezone.now() else "expired"


class WebhookEvent(models.TextChoices):
    PLACEMENT_PROPOSED = "placement.proposed", "Placement proposed"
    PLACEMENT_CONFIRMED = "placement.confirmed", "Placement confirmed"
    PLACEMENT_ACTIVATED = "placement.activated", "Placement started"
    PLACEMENT_ENDED = "placement.ended", "Placement ended (completed or withdrawn)"
    HOURS_SUBMITTED = "hours.submitted", "Hours submitted"
    HOURS_APPROVED = "hours.approved", "Hours approved"
    HOURS_RETURNED = "hours.returned", "Hours returned to the student"
    OPPORTUNITY_PUBLISHED = "opportunity.published", "Opportunity published"


class WebhookSubscriptionQuerySet(ScopedQuerySet):
    def membership_q(self, user, m):
        return Q(district_id=m.district_id) if m.role == Role.DISTRICT_ADMIN else None


class WebhookSubscription(models.Model):
    """A district system's URL, told (signed) when one of the chosen events happens."""

    district = models.ForeignKey("districts.District", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)
    secret = models.CharField(
        max_length=64, editable=False,
        help_text="Signs every delivery (HMAC-SHA256); the receiver keeps a copy to check it.",
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WebhookSubscriptionQuerySet.as_manager()
    access_paths = AccessPaths(district="district_id")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(name="webhook_has_events", condition=~Q(events=[])),
        ]

    def __str__(self):
        return self.name


class WebhookDeliveryQuerySet(ScopedQuerySet):
    def membership_q(self, user, m):
        return Q(subscription__district_id=m.district_id) if m.role == Role.DISTRICT_ADMIN else None


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one subscription, with every attempt's outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        RETRYING = "retrying", "Failed; will retry"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Gave up"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self):
        return f"{self.event} → {self.subscription}"
