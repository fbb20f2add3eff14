"""Admin for applications, placements and their records, and match rounds, scoped to districts."""

from django.contrib import admin

from trellis.core.admin import (
    ScopedAdmin,
    ScopedStackedInline,
    ScopedTabularInline,
    district_filter,
)
from trellis.placements.models import (
    Agreement,
    AgreementText,
    Application,
    Concern,
    Evaluation,
    MatchResult,
    MatchRound,
    MatchRun,
    Outcome,
    Placement,
    Reflection,
    RoundRanking,
    RubricCriterion,
    Signature,
)


@admin.register(Application)
class ApplicationAdmin(ScopedAdmin):
    district_path = "student__district"
    list_display = ("student", "opportunity", "status", "interview_rank", "created_at")
    list_filter = ("status",)
    search_fields = ("student__last_name", "student__first_name", "opportunity__title")
    list_select_related = ("student", "opportunity")
    autocomplete_fields = ("student", "opportunity")


class AgreementInline(ScopedStackedInline):
    model = Agreement
    district_path = "placement__district"
    fields = ("kind", "title", "body", "required_signers")
    show_change_link = True


@admin.register(Placement)
class PlacementAdmin(ScopedAdmin):
    list_display = ("student", "opportunity", "status", "start_date", "end_date", "mentor")
    list_filter = ("status", "withdrawal_reason", district_filter())
    search_fields = (
        "student__last_name",
        "student__first_name",
        "opportunity__title",
        "opportunity__partner__name",
    )
    list_select_related = ("student", "opportunity", "mentor__user")
    autocomplete_fields = ("student", "opportunity", "mentor", "application", "withdrawn_by")
    date_hierarchy = "start_date"
    inlines = [AgreementInline]
    readonly_fields = ("confirmed_at", "activated_at", "completed_at", "withdrawn_at")


class SignatureInline(ScopedTabularInline):
    """Signatures are the legal record: shown, never edited."""

    model = Signature
    district_path = "agreement__placement__district"
    read_only = True
    fields = ("role", "typed_name", "signed_at", "ip_address")
    readonly_fields = fields


@admin.register(Agreement)
class AgreementAdmin(ScopedAdmin):
    district_path = "placement__district"
    list_display = ("title", "kind", "placement", "created_at")
    list_filter = ("kind",)
    search_fields = ("title", "placement__student__last_name")
    list_select_related = ("placement__student", "placement__opportunity")
    autocomplete_fields = ("placement",)
    readonly_fields = ("body_sha256",)
    inlines = [SignatureInline]


@admin.register(AgreementText)
class AgreementTextAdmin(ScopedAdmin):
    """A district's own agreement wording; new agreements copy it, signed ones keep their text."""

    list_display = ("title", "kind", "district", "updated_at", "updated_by")
    list_filter = ("kind", district_filter())
    list_select_related = ("district", "updated_by")
    readonly_fields = ("updated_by",)


@admin.register(Signature)
class SignatureAdmin(ScopedAdmin):
    district_path = "agreement__placement__district"
    read_only = True
    list_display = ("typed_name", "role", "agreement", "signed_at")
    list_filter = ("role",)
    search_fields = ("typed_name",)
    list_select_related = ("agreement",)


@admin.register(RubricCriterion)
class RubricCriterionAdmin(ScopedAdmin):
    list_display = ("label", "key", "district", "sort_order")
    list_filter = (district_filter(),)
    list_select_related = ("district",)


@admin.register(Evaluation)
class EvaluationAdmin(ScopedAdmin):
    district_path = "placement__district"
    list_display = ("placement", "kind", "mean_score", "would_host_again", "submitted_at")
    list_filter = ("kind", "would_host_again")
    list_select_related = ("placement__student", "placement__opportunity")
    autocomplete_fields = ("placement", "mentor")
    readonly_fields = ("mean_score",)


@admin.register(Reflection)
class ReflectionAdmin(ScopedAdmin):
    district_path = "placement__district"
    list_display = ("placement", "career_fit", "created_at")
    list_filter = ("career_fit",)
    list_select_related = ("placement__student", "placement__opportunity")
    autocomplete_fields = ("placement",)


@admin.register(Outcome)
class OutcomeAdmin(ScopedAdmin):
    district_path = "student__district"
    list_display = ("student", "kind", "partner", "date", "job_title")
    list_filter = ("kind",)
    search_fields = ("student__last_name", "partner__name", "job_title")
    list_select_related = ("student", "partner")
    autocomplete_fields = ("student", "placement", "partner", "recorded_by")


@admin.register(Concern)
class ConcernAdmin(ScopedAdmin):
    district_path = "placement__district"
    list_display = ("placement", "raised_by", "created_at", "resolved_at")
    list_select_related = ("placement__student", "placement__opportunity", "raised_by")
    autocomplete_fields = ("placement", "raised_by")


class RoundRankingInline(ScopedTabularInline):
    model = RoundRanking
    district_path = "match_round__district"
    fields = ("student", "rank", "opportunity")
    autocomplete_fields = ("student", "opportunity")


@admin.register(MatchRound)
class MatchRoundAdmin(ScopedAdmin):
    list_display = (
        "name",
        "district",
        "status",
        "ranking_opens_at",
        "ranking_closes_at",
        "published_at",
    )
    list_filter = ("status", district_filter())
    search_fields = ("name",)
    list_select_related = ("district",)
    autocomplete_fields = ("opportunities", "eligible_students", "created_by")
    inlines = [RoundRankingInline]


@admin.register(RoundRanking)
class RoundRankingAdmin(ScopedAdmin):
    district_path = "match_round__district"
    list_display = ("match_round", "student", "rank", "opportunity")
    list_select_related = ("match_round", "student", "opportunity")
    autocomplete_fields = ("match_round", "student", "opportunity")


@admin.register(MatchRun)
class MatchRunAdmin(ScopedAdmin):
    """Runs are written by the matching service and kept as the record; shown, not edited."""

    district_path = "match_round__district"
    read_only = True
    list_display = ("match_round", "mode", "status", "created_at", "finished_at")
    list_filter = ("mode", "status")
    list_select_related = ("match_round",)


@admin.register(MatchResult)
class MatchResultAdmin(ScopedAdmin):
    """One student's result of a run, written by the matching service; shown, not edited."""

    district_path = "run__match_round__district"
    read_only = True
    list_display = ("run", "student", "opportunity", "rank")
    list_select_related = ("run__match_round", "student", "opportunity")
