"""Applications, placements and their lifecycle, agreements and signatures, evaluations,
reflections and outcomes. Match rounds live in rounds.py of this app."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Subquery
from django.utils import timezone

from trellis.accounts.models import Role
from trellis.core.models import Stamped
from trellis.core.tenancy import AccessPaths, ScopedQuerySet, prefixed_q
from trellis.students.models import guardians_students


class ApplicationQuerySet(ScopedQuerySet):
    def membership_q(self, user, m):
        """Staff see their district's or school's; the partner's mentors and administrators
        review its applicants together; a student and guardians see the student's own."""
        staff = m.staff_q(district="student__district_id", school="student__school_id")
        if staff is not None:
            return staff
        if m.role in (Role.MENTOR, Role.PARTNER_ADMIN):
            return Q(opportunity__partner_id=m.partner_id)
        if m.role == Role.STUDENT:
            return Q(student__user=user)
        if m.role == Role.GUARDIAN:
            return Q(student_id__in=Subquery(guardians_students(user)))
        return None


class Application(Stamped):
    """A student's interest in one opportunity, outside a match round."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        INTERVIEW = "interview", "Interview"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn by student"

    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="applications")
    opportunity = models.ForeignKey("opportunities.Opportunity", on_delete=models.CASCADE, related_name="applications")
    statement = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    interview_rank = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The partner's ranking of this applicant (1 = best).")
    partner_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()
    access_paths = AccessPaths(
        district="student__district_id",
        school="student__school_id",
        partner="opportunity__partner_id",
        person="student__user_id",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["student", "opportunity"], name="application_unique"),
            models.CheckConstraint(name="application_interview_rank_positive", condition=Q(interview_rank__isnull=True) | Q(interview_rank__gte=1)),
        ]

    def __str__(self):
        return f"{self.student} → {self.opportunity}"


class PlacementQuerySet(ScopedQuerySet):
    def membership_q(self, user, m):
        """Staff see their district's or school's; a mentor the placements they mentor at
        their partner; a partner administrator the partner's; a student and guardians theirs."""
        staff = m.staff_q(district="district_id", school="student__school_id")
        if staff is not None:
            return staff
        if m.role == Role.MENTOR:
            return Q(mentor__user=user, mentor__partner_id=m.partner_id)
        if m.role == Role.PARTNER_ADMIN:
            return Q(opportunity__partner_id=m.partner_id)
        if m.role == Role.STUDENT:
            return Q(student__user=user, district_id=m.district_id)
        if m.role == Role.GUARDIAN:
            return Q(student_id__in=Subquery(guardians_students(user)), district_id=m.district_id)
        return None

    def current(self):
        return self.filter(status__in=Placement.OPEN_STATUSES)

    def active(self):
        return self.filter(status=Placement.Status.ACTIVE)


class ThroughPlacementQuerySet(ScopedQuerySet):
    """Rows that belong to one placement (agreements, hour logs, ...) are seen exactly where
    the placement is: its row rule, through `placement`."""

    def membership_q(self, user, m):
        placement_q = Placement.objects.membership_q(user, m)
        return None if placement_q is None else prefixed_q(placement_q, "placement__")


class IllegalTransition(ValidationError):
    pass


class Placement(Stamped):
    """One student at one opportunity for a period, moving proposed → confirmed → active → completed."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        CONFIRMED = "confirmed", "Confirmed"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Initiator(models.TextChoices):
        SCHOOL = "school", "School"
        STUDENT = "student", "Student"
        PARTNER = "partner", "Partner"

    class WithdrawalReason(models.TextChoices):
        NOT_A_FIT = "not_a_fit", "Not a good fit"
        ATTENDANCE = "attendance", "Attendance"
        CONDUCT = "conduct", "Conduct or safety"
        SCHEDULE = "schedule", "Schedule conflict"
        TRANSPORTATION = "transportation", "Transportation"
        PARTNER_CAPACITY = "partner_capacity", "Partner could no longer host"
        FAMILY = "family", "Family or health"
        ACADEMIC = "academic", "Academic priorities"
        OTHER = "other", "Other"

    OPEN_STATUSES = (Status.PROPOSED, Status.CONFIRMED, Status.ACTIVE)
    TRANSITIONS = {
        Status.PROPOSED: {Status.CONFIRMED, Status.WITHDRAWN},
        Status.CONFIRMED: {Status.ACTIVE, Status.WITHDRAWN},
        Status.ACTIVE: {Status.COMPLETED, Status.WITHDRAWN},
        Status.COMPLETED: set(),
        Status.WITHDRAWN: set(),
    }

    # No index of its own: (district, status) starts with it.
    district = models.ForeignKey("districts.District", on_delete=models.CASCADE, related_name="placements", db_index=False)
    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="placements")
    opportunity = models.ForeignKey("opportunities.Opportunity", on_delete=models.PROTECT, related_name="placements")
    mentor = models.ForeignKey("partners.Mentor", null=True, blank=True, on_delete=models.SET_NULL, related_name="placements")
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="placements")
    match_round = models.ForeignKey("placements.MatchRound", null=True, blank=True, on_delete=models.SET_NULL, related_name="placements")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    start_date = models.DateField()
    end_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    withdrawal_initiator = models.CharField(max_length=10, choices=Initiator.choices, blank=True)
    withdrawal_reason = models.CharField(max_length=20, choices=WithdrawalReason.choices, blank=True)
    withdrawal_note = models.TextField(blank=True)
    partner_relationship_note = models.TextField(blank=True, help_text="How the partner relationship stands after the withdrawal.")
    partner_in_good_standing = models.BooleanField(default=True)
    student_learner_agreement_on_file = models.BooleanField(default=False, help_text="Allows a minor in a hazardous (starred HO) role.")

    objects = PlacementQuerySet.as_manager()
    access_paths = AccessPaths(
        district="district_id",
        school="student__school_id",
        partner="opportunity__partner_id",
        mentor="mentor__user_id",
        mentor_partner="mentor__partner_id",
        person="student__user_id",
        guardian="student__guardian_links__guardian_user_id",
    )

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "opportunity"],
                condition=Q(status__in=["proposed", "confirmed", "active"]),
                name="placement_one_open_per_student_opportunity",
            ),
            models.CheckConstraint(
                name="placement_withdrawn_has_initiator_and_reason",
                condition=~Q(status="withdrawn") | (~Q(withdrawal_initiator="") & ~Q(withdrawal_reason="")),
            ),
            models.CheckConstraint(name="placement_ends_on_or_after_start", condition=Q(end_date__gte=models.F("start_date"))),
        ]
        indexes = [models.Index(fields=["district", "status"])]

    def __str__(self):
        return f"{self.student} at {self.opportunity}"

    def can_transition_to(self, new_status) -> bool:
        return new_status in self.TRANSITIONS[self.Status(self.status)]

    def transition_to(self, new_status, *, when=None):
        """The one way a status changes: refuses an illegal move, stamps the time."""
        new_status = self.Status(new_status)
        if not self.can_transition_to(new_status):
            raise IllegalTransition(
                f"A {self.get_status_display().lower()} placement cannot become {new_status.label.lower()}."
            )
        when = when or timezone.now()
        self.status = new_status
        stamp = {
            self.Status.CONFIRMED: "confirmed_at",
            self.Status.ACTIVE: "activated_at",
            self.Status.COMPLETED: "completed_at",
            self.Status.WITHDRAWN: "withdrawn_at",
        }[new_status]
        setattr(self, stamp, when)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class Agreement(models.Model):
    """A document every party signs before the placement starts; the exact text is stored."""

    class Kind(models.TextChoices):
        TRAINING_AGREEMENT = "training_agreement", "Training agreement"
        TRAINING_PLAN = "training_plan", "Training plan"
        PARENTAL_CONSENT = "parental_consent", "Parental consent"
        STUDENT_LEARNER = "student_learner", "Student-learner agreement (hazardous occupations)"

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="agreements")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="The exact text the parties sign.")
    body_sha256 = models.CharField(max_length=64, editable=False)
    required_signers = models.JSONField(default=list, help_text="Signer roles required, e.g. student, guardian, mentor, coordinator.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ThroughPlacementQuerySet.as_manager()
    access_paths = Placement.access_paths.through("placement")

    class Meta:
        ordering = ["placement", "kind"]
        constraints = [models.UniqueConstraint(fields=["placement", "kind"], name="agreement_unique_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.placement}"

    def save(self, *args, **kwargs):
        self.body_sha256 = hashlib.sha256(self.body.encode()).hexdigest()
        super().save(*args, **kwargs)


class SignerRole(models.TextChoices):
    STUDENT = "student", "Student"
    GUARDIAN = "guardian", "Parent or guardian"
    MENTOR = "mentor", "Mentor"
    COORDINATOR = "coordinator", "Coordinator"


class Signature(models.Model):
    """A typed-name electronic signature: who, when, from where, over which exact text."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatures")
    role = models.CharField(max_length=12, choices=SignerRole.choices)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="signatures")
    guardian_link = models.ForeignKey("students.GuardianLink", null=True, blank=True, on_delete=models.SET_NULL, related_name="signatures")
    typed_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    signed_text = models.TextField(help_text="Copy of the text as it was when signed.")
    signed_text_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["signed_at"]
        constraints = [models.UniqueConstraint(fields=["agreement", "role"], name="signature_unique_role")]

    def __str__(self):
        return f"{self.typed_name} ({self.get_role_display()}) {self.signed_at:%Y-%m-%d}"


class RubricCriterion(models.Model):
    """One row of the district's mentor evaluation rubric, scored 1–4 with descriptors."""

    district = models.ForeignKey("districts.District", on_delete=models.CASCADE, related_name="rubric_criteria")
    key = models.SlugField()
    label = models.CharField(max_length=100)
    descriptors = models.JSONField(default=dict, help_text='{"1": "...", "2": "...", "3": "...", "4": "..."}')
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["district", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["district", "key"], name="rubric_unique_key")]

    def __str__(self):
        return self.label


class Evaluation(models.Model):
    class Kind(models.TextChoices):
        MIDPOINT = "midpoint", "Midpoint"
        FINAL = "final", "Final"

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="evaluations")
    mentor = models.ForeignKey("partners.Mentor", null=True, on_delete=models.SET_NULL, related_name="evaluations")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    scores = models.JSONField(default=dict, help_text="Rubric key → score 1–4.")
    mean_score = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    comments = models.TextField(blank=True)
    would_host_again = models.BooleanField(null=True, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["placement", "submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "kind"], name="evaluation_unique_kind"),
            models.CheckConstraint(name="evaluation_mean_in_range", condition=Q(mean_score__isnull=True) | (Q(mean_score__gte=1) & Q(mean_score__lte=4))),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} evaluation — {self.placement}"

    def save(self, *args, **kwargs):
        self.mean_score = self.mean_of(self.scores)
        super().save(*args, **kwargs)

    @staticmethod
    def mean_of(scores: dict):
        """The mean rubric score, to two places (None without scores); reports average these."""
        values = [int(v) for v in scores.values()] if scores else []
        return round(sum(values) / len(values), 2) if values else None


class CareerFit(models.TextChoices):
    FOR_ME = "for_me", "This career is for me"
    UNSURE = "unsure", "Unsure"
    NOT_FOR_ME = "not_for_me", "This career is not for me"


class Reflection(models.Model):
    """The student's reflection; "not for me" is a good outcome and is recorded as such."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="reflections")
    career_fit = models.CharField(max_length=12, choices=CareerFit.choices)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["placement", "created_at"]

    def __str__(self):
        return f"Reflection ({self.get_career_fit_display()}) — {self.placement}"


class Outcome(models.Model):
    """An employment outcome: a job offer or a hire after graduation."""

    class Kind(models.TextChoices):
        JOB_OFFER = "job_offer", "Job offer"
        HIRED = "hired", "Hired after graduation"

    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="outcomes")
    placement = models.ForeignKey(Placement, null=True, blank=True, on_delete=models.SET_NULL, related_name="outcomes")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    date = models.DateField()
    job_title = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-date"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.student} at {self.partner}"


class Concern(models.Model):
    """A mentor's "raise a concern": reaches the coordinator at once, stays open until they resolve it."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="concerns")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolution_note = models.TextField(blank=True, help_text="What was done, for the record and for whoever raised it.")

    access_paths = Placement.access_paths.through("placement")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="concern_resolved_with_note",
                condition=Q(resolved_at__isnull=True) | ~Q(resolution_note=""),
            ),
        ]
        indexes = [models.Index(fields=["resolved_at", "created_at"])]

    def __str__(self):
        return f"Concern about {self.placement}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


from trellis.placements.agreements import AgreementText  # noqa: E402,F401
from trellis.placements.round_results import MatchResult  # noqa: E402,F401
from trellis.placements.rounds import MatchRound, MatchRun, RoundRanking  # noqa: E402,F401
