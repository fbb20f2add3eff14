"""Admin for sessions, hour logs, approval links, pay periods and budgets, scoped to districts,
and for the district's school years: hours count to the year a day falls in, so a year's admin
re-files the roll-up (districts sits below hours and cannot)."""

from django.contrib import admin
from django.db import transaction

from trellis.core.admin import ScopedAdmin, ScopedTabularInline, district_filter
from trellis.districts.models import SchoolYear, Term
from trellis.hours.models import (
    ApprovalLink,
    ApprovedHoursByYear,
    CalendarFeed,
    HourLog,
    PayPeriod,
    ProgramBudget,
    Session,
)
from trellis.hours.totals import recount_district, recount_placements


@admin.register(Session)
class SessionAdmin(ScopedAdmin):
    district_path = "placement__district"
    list_display = (
        "date",
        "start_time",
        "end_time",
        "planned_hours",
        "placement",
        "is_early_release",
    )
    list_filter = ("is_early_release",)
    date_hierarchy = "date"
    list_select_related = ("placement__student", "placement__opportunity")
    autocomplete_fields = ("placement",)


@admin.register(HourLog)
class HourLogAdmin(ScopedAdmin):
    district_path = "placement__district"
    list_display = ("date", "hours", "status", "placement", "approver", "decided_at")
    list_filter = ("status",)
    date_hierarchy = "date"
    search_fields = ("placement__student__last_name", "description")
    list_select_related = ("placement__student", "placement__opportunity", "approver")
    autocomplete_fields = ("placement", "approver")
    raw_id_fields = ("session",)

    # Edits here bypass the hours services, so they recount the reports' roll-up themselves.
    # The admin's change and delete views already run in one transaction; the bulk delete
    # action does not, so it opens its own.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        recount_placements({obj.placement_id, form.initial.get("placement")} - {None})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        recount_placements([obj.placement_id])

    def delete_queryset(self, request, queryset):
        placements = set(queryset.values_list("placement_id", flat=True))
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            recount_placements(placements)


@admin.register(ApprovedHoursByYear)
class ApprovedHoursByYearAdmin(ScopedAdmin):
    """Counted from the hour logs (trellis.hours.totals); shown, not edited."""

    district_path = "placement__district"
    read_only = True
    derived = True
    list_display = ("placement", "school_year", "hours")
    list_select_related = ("placement__student", "placement__opportunity", "school_year")


@admin.register(ApprovalLink)
class ApprovalLinkAdmin(ScopedAdmin):
    """Links are issued by the hours service (only a token hash is stored); shown, not edited."""

    district_path = "mentor__partner__district"
    read_only = True
    list_display = ("mentor", "sent_to", "created_at", "expires_at", "used_at")
    list_select_related = ("mentor__user",)
    exclude = ("logs",)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ScopedAdmin):
    """Feeds are issued by the hours service (only a token hash is stored); shown, not edited."""

    district_path = ("student__district", "mentor__partner__district", "opportunity__district")
    read_only = True
    list_display = ("__str__", "owner_kind", "created_at", "last_fetched_at", "revoked_at")
    list_filter = ("owner_kind",)


@admin.register(PayPeriod)
class PayPeriodAdmin(ScopedAdmin):
    list_display = ("name", "district", "start_date", "end_date")
    list_filter = (district_filter(),)
    list_select_related = ("district",)


@admin.register(ProgramBudget)
class ProgramBudgetAdmin(ScopedAdmin):
    list_display = ("name", "district", "school_year", "amount")
    list_filter = (district_filter(),)
    list_select_related = ("district", "school_year")
    autocomplete_fields = ("opportunities",)


class TermInline(ScopedTabularInline):
    model = Term
    district_path = "school_year__district"
    fields = ("name", "kind", "start_date", "end_date")


@admin.register(SchoolYear)
class SchoolYearAdmin(ScopedAdmin):
    list_display = ("name", "district", "start_date", "end_date")
    list_filter = (district_filter(),)
    inlines = [TermInline]
    list_select_related = ("district",)

    # Hours count to the year a day falls in: moving a year's start re-files the district's hours.
    # (Change and delete views are one transaction already; the bulk delete action is not.)
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        recount_district(obj.district_id)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        recount_district(obj.district_id)

    def delete_queryset(self, request, queryset):
        districts = set(queryset.values_list("district_id", flat=True))
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            for district_id in districts:
                recount_district(district_id)
