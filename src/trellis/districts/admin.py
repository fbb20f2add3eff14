"""Admin for districts, schools, terms and the calendar, scoped to the user's districts.

The school year admin (with its terms inline) is registered by `hours/admin.py`: saving or
deleting a year re-files the district's approved hours, which the hours app owns.
"""

from django.contrib import admin

from trellis.core.admin import ScopedAdmin, ScopedTabularInline, district_filter
from trellis.districts.models import (
    CalendarDay,
    CalendarSource,
    DayTypeMapping,
    District,
    School,
    Term,
)


class SchoolInline(ScopedTabularInline):
    model = School
    fields = ("name", "slug", "level", "code", "zip_code")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(District)
class DistrictAdmin(ScopedAdmin):
    district_path = "pk"
    list_display = ("name", "slug", "state", "timezone")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [SchoolInline]

    def has_add_permission(self, request, *args):
        # A new tenant is an installation decision.
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(School)
class SchoolAdmin(ScopedAdmin):
    list_display = ("name", "district", "level", "code")
    list_filter = ("level", district_filter())
    search_fields = ("name", "code")
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("district",)


@admin.register(Term)
class TermAdmin(ScopedAdmin):
    district_path = "school_year__district"
    list_display = ("name", "school_year", "kind", "start_date", "end_date")
    list_filter = ("kind",)
    list_select_related = ("school_year",)


@admin.register(CalendarDay)
class CalendarDayAdmin(ScopedAdmin):
    list_display = ("date", "day_type", "label", "district", "school", "manually_edited")
    list_filter = ("day_type", "manually_edited", district_filter())
    search_fields = ("label",)
    date_hierarchy = "date"
    list_select_related = ("district", "school")


@admin.register(CalendarSource)
class CalendarSourceAdmin(ScopedAdmin):
    list_display = ("__str__", "district", "last_imported_at")
    list_filter = (district_filter(),)
    list_select_related = ("district",)


@admin.register(DayTypeMapping)
class DayTypeMappingAdmin(ScopedAdmin):
    list_display = ("__str__", "district", "early_release_time")
    list_filter = ("match_field", "day_type", district_filter())
    list_select_related = ("district",)
