"""Match rounds: a centrally run assignment of many students to many opportunities."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from trellis.core.tenancy import scoped_q


class MatchRoundQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(scoped_q(user, "match_round"))


class MatchRound(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        RANKING = "ranking", "Ranking open"
        CLOSED = "closed", "Ranking closed"
        PUBLISHED = "published", "Published"

    class Mode(models.TextChoices):
        STABLE = "stable", "Stable (deferred acceptance)"
        MAX_PLACEMENT = "max-placement", "Most students placed"

    district = models.ForeignKey("districts.District", on_delete=models.CASCADE, related_name="match_rounds")
    name = models.CharField(max_length=200)
    term = models.ForeignKey("districts.Term", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    follows = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    opportunities = models.ManyToManyField("opportunities.Opportunity", related_name="match_rounds", blank=True)
    eligible_students = models.ManyToManyField("students.Student", related_name="match_rounds", blank=True)
    filters = models.JSONField(default=dict, blank=True, help_text="The filters the coordinator chose, kept for the record.")
    max_choices = models.PositiveSmallIntegerField(default=10)
    ranking_opens_at = models.DateTimeField(null=True, blank=True)
    ranking_closes_at = models.DateTimeField(null=True, blank=True)
    priority_rules = models.JSONField(default=list, blank=True, help_text="Ordered criteria, e.g. ['grade', 'cte_concentrator', 'interview_rank', 'lottery'].")
    lottery_seed = models.BigIntegerField(default=0)
    published_run = models.ForeignKey("placements.MatchRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MatchRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(name="round_max_choices_positive", condition=Q(max_choices__gte=1)),
            models.CheckConstraint(
                name="round_window_order",
                condition=Q(ranking_opens_at__isnull=True) | Q(ranking_closes_at__isnull=True) | Q(ranking_closes_at__gt=models.F("ranking_opens_at")),
            ),
        ]

    def __str__(self):
        return self.name


class RoundRanking(models.Model):
    """One line of a student's ranked list in a round (rank 1 = first choice)."""

    match_round = models.ForeignKey(MatchRound, on_delete=models.CASCADE, related_name="rankings")
    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="round_rankings")
    opportunity = models.ForeignKey("opportunities.Opportunity", on_delete=models.CASCADE, related_name="round_rankings")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["match_round", "student", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["match_round", "student", "rank"], name="ranking_unique_rank"),
            models.UniqueConstraint(fields=["match_round", "student", "opportunity"], name="ranking_unique_opportunity"),
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
    assignment = models.JSONField(default=dict, blank=True, help_text="student id → opportunity id or null")
    explanations = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_mode_display()} run of {self.match_round}"
