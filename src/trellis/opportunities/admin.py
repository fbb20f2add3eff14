"""Admin for the career-cluster reference data and the opportunity catalog."""

from django.contrib import admin

from trellis.core.admin import ScopedAdmin, ScopedTabularInline, district_filter
from trellis.opportunities.models import CareerCluster, Opportunity, SubCluster


class SubClusterInline(ScopedTabularInline):
    model = SubCluster
    district_path = None
    fields = ("name", "slug", "code")


@admin.register(CareerCluster)
class CareerClusterAdmin(ScopedAdmin):
    """The national framework, loaded by migration: shared by every district, read-only to them."""

    district_path = None
    list_display = ("name", "code", "sort_order")
    search_fields = ("name", "code")
    inlines = [SubClusterInline]


@admin.register(SubCluster)
class SubClusterAdmin(ScopedAdmin):
    district_path = None
    list_display = ("name", "cluster", "code")
    list_filter = ("cluster",)
    search_fields = ("name", "code")
    list_select_related = ("cluster",)


@admin.register(Opportunity)
class OpportunityAdmin(ScopedAdmin):
    list_display = (
        "title",
        "partner",
        "kind",
        "cluster",
        "status",
        "seats",
        "start_date",
        "end_date",
    )
    list_filter = ("status", "kind", "cluster", "is_paid", district_filter())
    search_fields = ("title", "partner__name")
    list_select_related = ("partner", "cluster")
    autocomplete_fields = ("partner", "worksite", "mentor")
    date_hierarchy = "start_date"
