"""Cross-cutting records: the audit trail every service writes to."""

from django.conf import settings
from django.db import models

from trellis.core.audit import AuditAction


class Weekday(models.IntegerChoices):
    """Bit values for weekday sets (availability, schedules); Monday is bit 0 like date.weekday()."""

    MONDAY = 1, "Monday"
    TUESDAY = 2, "Tuesday"
    WEDNESDAY = 4, "Wednesday"
    THURSDAY = 8, "Thursday"
    FRIDAY = 16, "Friday"
    SATURDAY = 32, "Saturday"
    SUNDAY = 64, "Sunday"


WEEKDAY_SHORT = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
SCHOOL_WEEK = 0b0011111


def weekday_mask(days) -> int:
    """Bitmask from an iterable of date.weekday() numbers (0 = Monday)."""
    mask = 0
    for d in days:
        mask |= 1 << int(d)
    return mask


def weekdays_in(mask: int) -> list[int]:
    return [d for d in range(7) if mask & (1 << d)]


def describe_weekdays(mask: int) -> str:
    days = weekdays_in(mask)
    if mask == SCHOOL_WEEK:
        return "Mon–Fri"
    return ", ".join(WEEKDAY_SHORT[d] for d in days) or "no days"


class AuditEventQuerySet(models.QuerySet):
    def for_district(self, district):
        return self.filter(district=district)


class AuditEvent(models.Model):
    """Who did what to which record, when; FERPA wants disclosures and changes traceable."""

    district = models.ForeignKey(
        "districts.District", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True, help_text="Name shown when the actor has no account (e-mailed link) or was deleted.")
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"

    @classmethod
    def record(cls, *, actor, action, target=None, district=None, data=None, ip_address=None, actor_label=""):
        """Append one event; callers run inside their service's transaction.

        `action` must be an `AuditAction` member: a free-form string is refused, so the
        trail's vocabulary stays the one enumeration in core/audit.py.
        """
        if not isinstance(action, AuditAction):
            raise TypeError(
                f"AuditEvent.record needs an AuditAction member, not {action!r}; "
                "add the action to trellis.core.audit.AuditAction."
            )
        if district is None and target is not None:
            district = getattr(target, "district", None)
        user = actor if getattr(actor, "is_authenticated", False) else None
        return cls.objects.create(
            district=district,
            actor=user,
            actor_label=actor_label or (user.get_full_name() or user.get_username() if user else ""),
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            target_label=str(target)[:200] if target is not None else "",
            data=data or {},
            ip_address=ip_address,
        )


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        """A person's own notifications only: nobody reads another's inbox, staff included."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One in-app notice about an event a person cares about; e-mailed as well when asked."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    district = models.ForeignKey(
        "districts.District", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    verb = models.CharField(max_length=60, help_text="What happened, e.g. placement.confirmed.")
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True, help_text="Site-relative link to the record.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.text

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
