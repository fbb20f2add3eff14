"""Match rounds: a centrally run assignment of many students to many opportunities."""

from django.conf import settings
from django.db import models
from django.db.models import Q, Subquery
from django.utils import timezone

from trellis.accounts.models import PARTNER_ROLES, SCHOOL_STAFF_ROLES, Role
from trellis.core.tenancy import AccessPaths, ScopedQuerySet, get_for_user
from trellis.opportunities.models import Opportunity
from trellis.students.models import Student

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


def get_match_round_for_user(user, pk):
    """One round inside the user's scope, or 404."""
    return get_for_user(MatchRound.objects, user, pk)


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
