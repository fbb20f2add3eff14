"""Scheduled sessions, hour logs and their approval, pay periods and program budgets."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from trellis.core.models import Stamped
from trellis.core.tenancy import AccessPaths
from trellis.placements.models import Placement, ThroughPlacementQuerySet


class SessionQuerySet(models.QuerySet):
    def for_user(self, user):
        """Sessions of the placements the user sees (Placement's row rule, as a subquery)."""
        return self.filter(placement__in=Placement.objects.for_user(user).values("pk"))


class Session(models.Model):
    """One scheduled block of work, generated from the opportunity's pattern and the district calendar."""

    placement = models.ForeignKey("placements.Placement", on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField()
    start_time = models.TimeField()
    end_time = models.TimeField()
    planned_hours = models.DecimalField(max_digits=4, decimal_places=2)
    is_early_release = models.BooleanField(default=False)
    note = models.CharField(max_length=200, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["date", "start_time"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "date", "start_time"], name="session_unique_start"),
            models.CheckConstraint(name="session_time_order", condition=Q(end_time__gt=F("start_time"))),
            models.CheckConstraint(name="session_hours_positive", condition=Q(planned_hours__gt=0)),
        ]

    def __str__(self):
        return f"{self.date} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class HourLogQuerySet(ThroughPlacementQuerySet):
    def approved(self):
        return self.filter(status=HourLog.Status.APPROVED)


class HourLog(Stamped):
    """Hours a student reports; approved or returned by the mentor; drives pay and credit."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Awaiting approval"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned for changes"

    # No index of its own: (placement, status) starts with it.
    placement = models.ForeignKey("placements.Placement", on_delete=models.CASCADE, related_name="hour_logs", db_index=False)
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="hour_logs")
    date = models.DateField()
    start_time = models.TimeField()
    end_time = models.TimeField()
    hours = models.DecimalField(max_digits=4, decimal_places=2)
    description = models.TextField(blank=True, help_text="What the student did.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approver_label = models.CharField(max_length=200, blank=True, help_text="Who approved from an e-mailed link.")
    decided_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(blank=True)
    labour_flags = models.JSONField(default=list, blank=True, help_text="Youth labour rules this log breaks, for the coordinator.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HourLogQuerySet.as_manager()
    access_paths = Placement.access_paths.through("placement")

    class Meta:
        ordering = ["-date", "-start_time"]
        constraints = [
            models.CheckConstraint(name="hour_log_hours_positive", condition=Q(hours__gt=0) & Q(hours__lte=24)),
            models.CheckConstraint(name="hour_log_time_order", condition=Q(end_time__gt=F("start_time"))),
        ]
        indexes = [
            models.Index(fields=["placement", "status"]),
            # Small partial indexes for the two queues coordinators and mentors open most.
            models.Index(fields=["placement", "date"], condition=Q(status="submitted"), name="hourlog_awaiting_idx"),
            models.Index(fields=["placement", "date"], condition=~Q(labour_flags=[]), name="hourlog_flagged_idx"),
            # Payroll: logs by status and date, with what it sums (index-only on PostgreSQL).
            models.Index(fields=["status", "date"], include=["placement", "hours"], name="hourlog_status_date_idx"),
        ]

    def __str__(self):
        return f"{self.date}: {self.hours} h ({self.get_status_display()})"


class ApprovedHoursByYearQuerySet(ThroughPlacementQuerySet):
    """Scoped exactly like hour logs: both reach the student through `placement`."""


class ApprovedHoursByYear(models.Model):
    """A placement's approved hours in one school year: a roll-up of its hour logs.

    Reports read these rows instead of summing every log, the biggest table by far.
    `trellis.hours.totals` keeps them in step: every service that changes a log recounts its
    placement, and a change to the district's school years recounts the district.
    """

    placement = models.ForeignKey("placements.Placement", on_delete=models.CASCADE, related_name="approved_hours_by_year")
    school_year = models.ForeignKey("districts.SchoolYear", on_delete=models.CASCADE, related_name="+")
    hours = models.DecimalField(max_digits=9, decimal_places=2)

    objects = ApprovedHoursByYearQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "approved hours by year"
        constraints = [
            models.UniqueConstraint(fields=["placement", "school_year"], name="approved_hours_one_row_per_year"),
        ]
        indexes = [models.Index(fields=["school_year", "placement"])]

    def __str__(self):
        return f"{self.school_year}: {self.hours} h"


class PayPeriod(models.Model):
    district = models.ForeignKey("districts.District", on_delete=models.CASCADE, related_name="pay_periods")
    name = models.CharField(max_length=60)
    start_date = models.DateField()
    end_date = models.DateField()

    access_paths = AccessPaths(district="district_id")

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(name="pay_period_order", condition=Q(end_date__gte=F("start_date"))),
            models.UniqueConstraint(fields=["district", "start_date"], name="pay_period_unique_start"),
        ]

    def __str__(self):
        return self.name


class ProgramBudget(models.Model):
    """Money set aside for a paid program (e.g. the district-funded summer internship)."""

    district = models.ForeignKey("districts.District", on_delete=models.CASCADE, related_name="budgets")
    school_year = models.ForeignKey("districts.SchoolYear", on_delete=models.CASCADE, related_name="budgets")
    name = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    opportunities = models.ManyToManyField("opportunities.Opportunity", related_name="budgets", blank=True)

    access_paths = AccessPaths(district="district_id")

    class Meta:
        ordering = ["school_year", "name"]
        constraints = [models.CheckConstraint(name="budget_amount_nonnegative", condition=Q(amount__gte=0))]

    def __str__(self):
        return f"{self.name} ({self.school_year})"


class ApprovalLinkQuerySet(models.QuerySet):
    def open(self, *, now=None):
        """Links a mentor can still act on: not used and not expired."""
        from django.utils import timezone

        return self.filter(used_at__isnull=True, expires_at__gt=now or timezone.now())


class ApprovalLink(models.Model):
    """A signed, expiring link e-mailed to a mentor to approve exactly these logs without an account.

    Only the SHA-256 of the token is stored, so a database reader cannot act on a link; the
    logs it may touch are bound here on the server and never taken from the request.
    """

    mentor = models.ForeignKey("partners.Mentor", on_delete=models.CASCADE, related_name="approval_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    logs = models.ManyToManyField(HourLog, related_name="approval_links")
    sent_to = models.EmailField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_ip = models.GenericIPAddressField(null=True, blank=True)

    objects = ApprovalLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Approval link for {self.mentor} ({self.created_at:%Y-%m-%d})"


class CalendarFeedQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class CalendarFeed(models.Model):
    """A private subscribe URL (ICS) for a student's, a mentor's or an opportunity's sessions.

    Only the SHA-256 of the token is stored: the URL is shown once when issued, and a database
    reader cannot subscribe. The owner revokes it, or regenerates (revoke + issue) when it leaks.
    """

    class OwnerKind(models.TextChoices):
        STUDENT = "student", "Student"
        MENTOR = "mentor", "Mentor"
        OPPORTUNITY = "opportunity", "Opportunity"

    owner_kind = models.CharField(max_length=12, choices=OwnerKind.choices)
    student = models.ForeignKey("students.Student", null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_feeds")
    mentor = models.ForeignKey("partners.Mentor", null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_feeds")
    opportunity = models.ForeignKey("opportunities.Opportunity", null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="calendar_feed_one_owner",
                condition=(
                    Q(owner_kind="student", student__isnull=False, mentor__isnull=True, opportunity__isnull=True)
                    | Q(owner_kind="mentor", student__isnull=True, mentor__isnull=False, opportunity__isnull=True)
                    | Q(owner_kind="opportunity", student__isnull=True, mentor__isnull=True, opportunity__isnull=False)
                ),
            ),
            models.UniqueConstraint(fields=["student"], condition=Q(revoked_at__isnull=True, student__isnull=False), name="calendar_feed_one_active_student"),
            models.UniqueConstraint(fields=["mentor"], condition=Q(revoked_at__isnull=True, mentor__isnull=False), name="calendar_feed_one_active_mentor"),
            models.UniqueConstraint(fields=["opportunity"], condition=Q(revoked_at__isnull=True, opportunity__isnull=False), name="calendar_feed_one_active_opportunity"),
        ]

    def __str__(self):
        return f"{self.get_owner_kind_display()} calendar feed: {self.owner}"

    @property
    def owner(self):
        return self.student or self.mentor or self.opportunity

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
