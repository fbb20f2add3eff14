"""Applications, placements and their lifecycle, agreements (and the district's own texts) and
signatures, evaluations, reflections, outcomes, and match rounds with their runs and results."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Subquery
from django.utils import timezone

from trellis.accounts.models import PARTNER_ROLES, SCHOOL_STAFF_ROLES, Role
from trellis.core.models import Stamped
from trellis.core.tenancy import AccessPaths, ScopedQuerySet, prefixed_q
from trellis.opportunities.models import Opportunity
from trellis.students.models import Student, guardians_students


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


class AgreementText(models.Model):
    """A district's own wording for one kind of agreement; without one the default applies."""

    district = models.ForeignKey(
        "districts.District", on_delete=models.CASCADE, related_name="agreement_texts"
    )
    kind = models.CharField(max_length=20, choices=Agreement.Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(
        help_text="Placeholders such as ${student_name} are filled in per placement."
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["district", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["district", "kind"], name="agreement_text_unique_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.district})"


# --- Match rounds: a centrally run assignment of many students to many opportunities --------


PRIORITY_CRITERIA = {
    "grade": "Grade level (higher grades first)",
    "cte_concentrator": "CTE concentrator in the opportunity's career cluster",
    "interview_rank": "The partner's interview ranking",
}
"""Criteria a coordinator may order; the seeded lottery always breaks the remaining ties."""


class MatchRoundQuerySet(ScopedQuerySet):
    def membership_q(self, user, m):
        """School staff see district-wide rounds and their own school's (never another
        school's), partners see published rounds they host in, students the rounds they may
        rank in."""
        if m.is_district_wide:
            return Q(district_id=m.district_id)
        if m.role in SCHOOL_STAFF_ROLES:
            return Q(district_id=m.district_id) & (Q(school__isnull=True) | Q(school_id=m.school_id))
        if m.role in PARTNER_ROLES:
            hosted = Opportunity.objects.filter(partner_id=m.partner_id).values("match_rounds")
            return Q(
                district_id=m.district_id, status=MatchRound.Status.PUBLISHED, pk__in=Subquery(hosted)
            )
        if m.role == Role.STUDENT:
            mine = Student.objects.filter(user=user, district_id=m.district_id).values("match_rounds")
            return Q(district_id=m.district_id, pk__in=Subquery(mine)) & ~Q(
                status=MatchRound.Status.DRAFT
            )
        return None


class MatchRound(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        RANKING = "ranking", "Ranking open"
        CLOSED = "closed", "Ranking closed"
        PUBLISHED = "published", "Published"

    class Mode(models.TextChoices):
        STABLE = "stable", "Stable (deferred acceptance)"
        MAX_PLACEMENT = "max-placement", "Most students placed"

    district = models.ForeignKey(
        "districts.District", on_delete=models.CASCADE, related_name="match_rounds"
    )
    name = models.CharField(max_length=200)
    term = models.ForeignKey(
        "districts.Term", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    school = models.ForeignKey(
        "districts.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="match_rounds",
        help_text="A school coordinator's round for one school; empty for a district-wide round.",
    )
    follows = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    opportunities = models.ManyToManyField(
        "opportunities.Opportunity", related_name="match_rounds", blank=True
    )
    eligible_students = models.ManyToManyField(
        "students.Student", related_name="match_rounds", blank=True
    )
    filters = models.JSONField(
        default=dict,
        blank=True,
        help_text="The filters the coordinator chose, kept for the record.",
    )
    max_choices = models.PositiveSmallIntegerField(default=10)
    ranking_opens_at = models.DateTimeField(null=True, blank=True)
    ranking_closes_at = models.DateTimeField(null=True, blank=True)
    priority_rules = models.JSONField(
        default=list,
        blank=True,
        help_text="Ordered criteria, e.g. ['grade', 'cte_concentrator', 'interview_rank', 'lottery'].",
    )
    lottery_seed = models.BigIntegerField(default=0)
    published_run = models.ForeignKey(
        "placements.MatchRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MatchRoundQuerySet.as_manager()
    access_paths = AccessPaths(district="district_id", school="school_id")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="round_max_choices_positive", condition=Q(max_choices__gte=1)
            ),
            models.CheckConstraint(
                name="round_window_order",
                condition=Q(ranking_opens_at__isnull=True)
                | Q(ranking_closes_at__isnull=True)
                | Q(ranking_closes_at__gt=models.F("ranking_opens_at")),
            ),
        ]

    def __str__(self):
        return self.name

    def ranking_is_open(self, now=None) -> bool:
        """Students may change their lists only while the round takes rankings, inside the window."""
        if self.status != self.Status.RANKING:
            return False
        now = now or timezone.now()
        if self.ranking_opens_at and now < self.ranking_opens_at:
            return False
        return not (self.ranking_closes_at and now >= self.ranking_closes_at)

    def ranking_has_ended(self, now=None) -> bool:
        now = now or timezone.now()
        if self.status in (self.Status.CLOSED, self.Status.PUBLISHED):
            return True
        return bool(self.ranking_closes_at and now >= self.ranking_closes_at)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def criteria(self) -> list[str]:
        """The ordered criteria actually used (unknown names dropped); the lottery comes last."""
        return [c for c in (self.priority_rules or []) if c in PRIORITY_CRITERIA]

    def criteria_labels(self) -> list[str]:
        return [PRIORITY_CRITERIA[c] for c in self.criteria] + [
            f"Lottery (seed {self.lottery_seed})"
        ]


class RoundRanking(models.Model):
    """One line of a student's ranked list in a round (rank 1 = first choice)."""

    match_round = models.ForeignKey(MatchRound, on_delete=models.CASCADE, related_name="rankings")
    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="round_rankings"
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.CASCADE, related_name="round_rankings"
    )
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["match_round", "student", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["match_round", "student", "rank"], name="ranking_unique_rank"
            ),
            models.UniqueConstraint(
                fields=["match_round", "student", "opportunity"], name="ranking_unique_opportunity"
            ),
            models.CheckConstraint(name="ranking_rank_positive", condition=Q(rank__gte=1)),
        ]

    def __str__(self):
        return f"{self.rank}. {self.opportunity_id} for {self.student_id}"


class MatchRun(models.Model):
    """One run of the engine over a round; kept (and audited) even when not published."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    match_round = models.ForeignKey(MatchRound, on_delete=models.CASCADE, related_name="runs")
    mode = models.CharField(max_length=14, choices=MatchRound.Mode.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    assignment = models.JSONField(
        default=dict, blank=True, help_text="student id → opportunity id or null"
    )
    error = models.TextField(blank=True)
    input_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        help_text="Hash of the rankings and seats the run used; publishing checks it is still current.",
    )
    task_result_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_mode_display()} run of {self.match_round}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class MatchResult(models.Model):
    """What one student got in one run, and why not each choice they ranked higher."""

    # No index of its own: the unique (run, student) index starts with it.
    run = models.ForeignKey(
        "placements.MatchRun", on_delete=models.CASCADE, related_name="results", db_index=False
    )
    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="+")
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    why_not = models.JSONField(
        default=list,
        blank=True,
        help_text="Each higher choice missed: opportunity, rank, reason, rules, cutoff, priority, seats.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "student"], name="match_result_one_per_student")
        ]

    def __str__(self):
        return f"{self.student_id} in run {self.run_id}: {self.opportunity_id}"

    def as_entry(self) -> dict:
        """The shape the result page explains (what the run's explanation of one student was)."""
        return {"opportunity": self.opportunity_id, "rank": self.rank, "why_not": self.why_not}
