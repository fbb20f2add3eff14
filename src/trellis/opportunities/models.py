"""Career clusters (2024 framework) and the catalog of opportunities partners offer."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from trellis.accounts.models import PARTNER_ROLES, STAFF_ROLES, Role
from trellis.core.tenancy import AccessPaths, ScopedQuerySet
from trellis.rules.capacity import SEAT_HOLDING_STATUSES
from trellis.rules.eligibility import OpportunityFacts
from trellis.rules.weekdays import describe_weekdays


class CareerCluster(models.Model):
    """One of the 14 clusters of the 2024 National Career Clusters Framework."""

    code = models.CharField(max_length=6, unique=True, help_text="O*NET cluster code, e.g. 060100.")
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(unique=True)
    legacy_clusters = models.JSONField(
        default=list, blank=True, help_text="Crosswalk: the original-16 clusters this one absorbs."
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class SubCluster(models.Model):
    cluster = models.ForeignKey(CareerCluster, on_delete=models.CASCADE, related_name="subclusters")
    name = models.CharField(max_length=120)
    slug = models.SlugField()
    code = models.CharField(max_length=6, blank=True)

    class Meta:
        ordering = ["cluster__sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["cluster", "slug"], name="subcluster_unique_slug")]

    def __str__(self):
        return self.name


class OpportunityKind(models.TextChoices):
    JOB_SHADOW = "job_shadow", "Job shadow"
    INTERNSHIP = "internship", "Internship"
    TEACHING_ASSISTANT = "teaching_assistant", "Teaching assistant"
    SERVICE_LEARNING = "service_learning", "Service learning"
    CLINICAL = "clinical", "Clinical experience"
    PRE_APPRENTICESHIP = "pre_apprenticeship", "Pre-apprenticeship"
    VIRTUAL = "virtual", "Virtual experience"


class IllegalStatusChange(ValidationError):
    """An opportunity status move the approval workflow does not allow."""


class OpportunityQuerySet(ScopedQuerySet):
    distinct_scope = True

    def membership_q(self, user, m):
        if m.role in STAFF_ROLES:
            return Q(district_id=m.district_id)
        if m.role in PARTNER_ROLES:
            return Q(partner_id=m.partner_id)
        if m.role in (Role.STUDENT, Role.GUARDIAN):
            # Learners browse the published catalog of their own district only.
            return Q(district_id=m.district_id, status=Opportunity.Status.PUBLISHED)
        return None

    def published(self):
        return self.filter(status=Opportunity.Status.PUBLISHED)

    def with_seats_left(self):
        """Annotate `seats_taken` (open placements: proposed, confirmed, active) and `seats_left`
        (never below zero) in the same query; a completed or withdrawn placement frees its seat.

        The one place seats left is counted in SQL (`rules.capacity` holds the rule); a subquery
        rather than a join, so it composes with any other annotation. The subquery counts through
        the reverse relation `placements`, so the catalog needs nothing from the app above it.
        """
        taken = (
            self.model.objects.filter(pk=OuterRef("pk"), placements__status__in=SEAT_HOLDING_STATUSES)
            .order_by()
            .values("pk")
            .annotate(n=Count("placements"))
            .values("n")
        )
        return self.annotate(
            seats_taken=Coalesce(Subquery(taken, output_field=IntegerField()), 0)
        ).annotate(seats_left=Greatest(F("seats") - F("seats_taken"), Value(0)))

    def seats_left_by_id(self) -> dict[int, int]:
        """Opportunity id → seats left, for these opportunities."""
        return dict(self.with_seats_left().order_by().values_list("id", "seats_left"))


class Opportunity(models.Model):
    """What a partner offers: a kind of experience in a cluster, with seats and a schedule."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING = "pending", "Awaiting coordinator approval"
        PUBLISHED = "published", "Published"
        CLOSED = "closed", "Closed"

    class ScheduleKind(models.TextChoices):
        WEEKLY = "weekly", "Weekly pattern in a date range"
        BLOCK = "block", "Block of days with a target of hours"

    district = models.ForeignKey("districts.District", on_delete=models.CASCADE, related_name="opportunities")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="opportunities")
    worksite = models.ForeignKey("partners.Worksite", null=True, blank=True, on_delete=models.SET_NULL, related_name="opportunities")
    mentor = models.ForeignKey("partners.Mentor", null=True, blank=True, on_delete=models.SET_NULL, related_name="opportunities")
    term = models.ForeignKey("districts.Term", null=True, blank=True, on_delete=models.SET_NULL, related_name="opportunities")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    requirements = models.TextField(blank=True)
    kind = models.CharField(max_length=30, choices=OpportunityKind.choices)
    cluster = models.ForeignKey(CareerCluster, on_delete=models.PROTECT, related_name="opportunities")
    subcluster = models.ForeignKey(SubCluster, null=True, blank=True, on_delete=models.PROTECT, related_name="opportunities")
    seats = models.PositiveIntegerField(default=1)
    start_date = models.DateField()
    end_date = models.DateField()
    schedule_kind = models.CharField(max_length=10, choices=ScheduleKind.choices, default=ScheduleKind.WEEKLY)
    weekdays = models.PositiveSmallIntegerField(default=0b10000, help_text="Bitmask, Monday = 1 … Sunday = 64.")
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    shorten_on_early_release = models.BooleanField(default=True)
    min_grade = models.PositiveSmallIntegerField(default=9)
    min_age = models.PositiveSmallIntegerField(default=14)
    is_hazardous = models.BooleanField(default=False, help_text="Hazardous occupation (HO): no under-18s without a student-learner agreement.")
    hazardous_orders = models.CharField(max_length=60, blank=True, help_text="e.g. HO5, HO14")
    is_paid = models.BooleanField(default=False)
    hourly_rate = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    target_hours = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OpportunityQuerySet.as_manager()
    access_paths = AccessPaths(district="district_id", partner="partner_id")

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "opportunities"
        constraints = [
            models.CheckConstraint(name="opportunity_seats_nonnegative", condition=Q(seats__gte=0)),
            models.CheckConstraint(name="opportunity_ends_on_or_after_start", condition=Q(end_date__gte=F("start_date"))),
            models.CheckConstraint(name="opportunity_time_order", condition=Q(start_time__isnull=True) | Q(end_time__isnull=True) | Q(end_time__gt=F("start_time"))),
            models.CheckConstraint(name="opportunity_paid_has_rate", condition=Q(is_paid=False) | Q(hourly_rate__gt=0)),
            models.CheckConstraint(name="opportunity_weekdays_mask", condition=Q(weekdays__gte=0) & Q(weekdays__lte=127)),
            models.CheckConstraint(name="opportunity_target_hours_positive", condition=Q(target_hours__isnull=True) | Q(target_hours__gt=0)),
        ]

    def __str__(self):
        return self.title

    # Drafts go to a coordinator before students see them; a returned draft goes back to the partner.
    TRANSITIONS = {
        Status.DRAFT: {Status.PENDING},
        Status.PENDING: {Status.PUBLISHED, Status.DRAFT},
        Status.PUBLISHED: {Status.CLOSED},
        Status.CLOSED: set(),
    }

    def can_transition_to(self, new_status) -> bool:
        return new_status in self.TRANSITIONS[self.Status(self.status)]

    def transition_to(self, new_status):
        """The one way the status changes: refuses a move the approval workflow does not allow."""
        new_status = self.Status(new_status)
        if not self.can_transition_to(new_status):
            raise IllegalStatusChange(
                f"This opportunity is {self.get_status_display().lower()}; "
                f"it cannot become {new_status.label.lower()}."
            )
        self.status = new_status

    @property
    def is_virtual(self) -> bool:
        return self.kind == OpportunityKind.VIRTUAL or bool(self.worksite and self.worksite.is_virtual)

    def eligibility_facts(self) -> OpportunityFacts:
        """What the eligibility rules read about this opportunity (its worksite, if loaded)."""
        worksite = self.worksite
        return OpportunityFacts(
            status=self.status,
            status_label=self.get_status_display(),
            min_grade=self.min_grade,
            min_age=self.min_age,
            is_hazardous=self.is_hazardous,
            hazardous_orders=self.hazardous_orders,
            weekdays=self.weekdays,
            start_date=self.start_date,
            end_date=self.end_date,
            is_virtual=self.kind == OpportunityKind.VIRTUAL or bool(worksite and worksite.is_virtual),
            latitude=worksite.latitude if worksite else None,
            longitude=worksite.longitude if worksite else None,
            title=self.title,
            district_id=self.district_id,
            pk=self.pk,
            updated_at=self.updated_at,
            schedule_kind=self.schedule_kind,
            start_time=self.start_time,
            end_time=self.end_time,
            shorten_on_early_release=self.shorten_on_early_release,
            target_hours=self.target_hours,
        )

    @property
    def is_in_district(self) -> bool:
        return self.partner.is_district_department

    def schedule_summary(self) -> str:
        times = ""
        if self.start_time and self.end_time:
            times = f" {self.start_time:%H:%M}–{self.end_time:%H:%M}"
        return f"{describe_weekdays(self.weekdays)}{times}, {self.start_date:%b %-d} – {self.end_date:%b %-d, %Y}"
