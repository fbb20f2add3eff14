"""Admin for partners, worksites and mentors, scoped to the user's districts."""

from django.contrib import admin

from trellis.core.admin import ScopedAdmin, ScopedTabularInline, district_filter
from trellis.partners.models import Mentor, Partner, Worksite
from trellis.partners.services import locate_worksite

ADDRESS_FIELDS = {"address", "city", "state", "zip_code", "is_virtual"}


def _locate(form) -> None:
    """Typed coordinates are exact; a changed address without them falls back to its ZIP centre."""
    worksite, changed = form.instance, set(form.changed_data)
    if {"latitude", "longitude"} & changed:
        worksite.location_is_approximate = False
    elif ADDRESS_FIELDS & changed:
        worksite.latitude = worksite.longitude = None
    locate_worksite(worksite)


class WorksiteInline(ScopedTabularInline):
    model = Worksite
    district_path = "partner__district"
    fields = ("name", "is_virtual", "address", "city", "state", "zip_code")


class MentorInline(ScopedTabularInline):
    model = Mentor
    district_path = "partner__district"
    fields = ("user", "title", "phone", "background_check_date")
    autocomplete_fields = ("user",)


@admin.register(Partner)
class PartnerAdmin(ScopedAdmin):
    list_display = ("name", "kind", "department", "district", "is_active")
    list_filter = ("kind", "department", "is_active", district_filter())
    search_fields = ("name", "contact_email")
    list_select_related = ("district",)
    inlines = [WorksiteInline, MentorInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is Worksite:
            for worksite_form in formset.forms:
                if worksite_form.has_changed() and not formset._should_delete_form(worksite_form):
                    _locate(worksite_form)
        super().save_formset(request, form, formset, change)


@admin.register(Worksite)
class WorksiteAdmin(ScopedAdmin):
    district_path = "partner__district"
    list_display = ("name", "partner", "is_virtual", "city", "zip_code")
    list_filter = ("is_virtual",)
    search_fields = ("name", "partner__name", "address", "city")
    list_select_related = ("partner",)
    autocomplete_fields = ("partner",)

    def save_model(self, request, obj, form, change):
        _locate(form)
        super().save_model(request, obj, form, change)


@admin.register(Mentor)
class MentorAdmin(ScopedAdmin):
    district_path = "partner__district"
    list_display = ("user", "partner", "title", "background_check_date")
    search_fields = ("user__first_name", "user__last_name", "user__username", "partner__name")
    list_select_related = ("user", "partner")
    autocomplete_fields = ("partner", "user")
