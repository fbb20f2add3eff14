"""Admin for users and memberships, scoped to the districts the staff user administers."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from trellis.accounts.models import Membership, User
from trellis.core.admin import ScopedAdmin, ScopedTabularInline, admin_district_ids, district_filter


class MembershipInline(ScopedTabularInline):
    model = Membership
    fields = ("role", "district", "school", "partner")


@admin.register(User)
class UserAdmin(ScopedAdmin, DjangoUserAdmin):
    """District administrators manage their district's people, never superusers or rights."""

    district_path = "memberships__district"
    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "memberships__role")
    _ELEVATED = ("is_superuser", "groups", "user_permissions", "last_login", "date_joined")

    def scope_queryset(self, request, queryset):
        queryset = super().scope_queryset(request, queryset)
        if request.user.is_superuser:
            return queryset
        return queryset.exclude(is_superuser=True)

    def get_queryset(self, request):
        """Editable users: everyone they belong to is in the admin's districts."""
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.exclude(
            memberships__in=Membership.objects.exclude(district__in=admin_district_ids(request))
        )

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if request.user.is_superuser else (*fields, *self._ELEVATED)

    def has_add_permission(self, request, *args):
        # A new account has no membership yet, so it would fall outside the admin's scope;
        # only installation superusers create accounts here.
        return request.user.is_superuser


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    list_display = ("user", "role", "district", "school", "partner")
    list_filter = ("role", district_filter())
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email")
    list_select_related = ("user", "district", "school", "partner")
    autocomplete_fields = ("user",)
