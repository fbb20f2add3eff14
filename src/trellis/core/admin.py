"""The Django admin, scoped to districts: a district administrator sees and picks only their rows.

Every ModelAdmin in Trellis uses `DistrictScopedAdmin`. Its `district_path` says how a row
reaches its district; the queryset, the change page and every foreign-key or many-to-many
choice are limited to the districts where the staff user holds a district-admin membership.
Superusers (installation admins) see everything. Only `is_staff` users reach the admin at all.
"""

from django.contrib import admin
from django.db import models
from django.db.models import Q

from trellis.core.models import AuditEvent, Notification
from trellis.core.tenancy import signed_in

_CACHE_ATTR = "_trellis_admin_district_ids"


def admin_district_ids(request) -> set[int]:
    """Districts the signed-in user administers (cached on the request).

    The capability table's "district.administer" (accounts asks it; core cannot import it).
    """
    ids = getattr(request, _CACHE_ATTR, None)
    if ids is None:
        user = request.user
        ids = user.district_ids_for("district.administer") if signed_in(user) else set()
        setattr(request, _CACHE_ATTR, ids)
    return ids


class DistrictScopedAdmin:
    """Mixin for ModelAdmin and inlines; put it first in the bases.

    `district_path` is the lookup from the model to its District ("district",
    "placement__district", "pk" for District itself). `None` marks shared reference data
    (career clusters): district administrators may read it, only superusers change it.
    `read_only` admins show records that only services write (audit, signatures).
    `derived` marks read-only rows counted from other records: they go with what they count,
    so they never stand in the way of deleting it.
    """

    district_path: str | tuple[str, ...] | None = "district"
    read_only = False
    derived = False

    # Scope ------------------------------------------------------------------------------

    def _district_paths(self) -> tuple[str, ...]:
        """One lookup, or several alternatives for rows owned by one of a few kinds of thing."""
        path = self.district_path
        return (path,) if isinstance(path, str) else tuple(path or ())

    def scope_queryset(self, request, queryset):
        if request.user.is_superuser or self.district_path is None:
            return queryset
        ids = admin_district_ids(request)
        if not ids:
            return queryset.none()
        condition = Q()
        for path in self._district_paths():
            condition |= Q(**{f"{path}__in": ids})
        queryset = queryset.filter(condition)
        # A path through a to-many relation (users → memberships) can repeat rows.
        return queryset.distinct() if self._path_is_multivalued() else queryset

    def _path_is_multivalued(self) -> bool:
        for path in self._district_paths():
            model = self.model
            for part in path.split("__"):
                if part == "pk":
                    break
                field = model._meta.get_field(part)
                if field.one_to_many or field.many_to_many:
                    return True
                model = field.related_model
        return False

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def _scoped_choices(self, request, model):
        """Choices for a relation: the related model's own admin decides; unknown models deny."""
        queryset = model._default_manager.all()
        if request.user.is_superuser:
            return queryset
        related_admin = self.admin_site._registry.get(model)
        if isinstance(related_admin, DistrictScopedAdmin):
            return related_admin.scope_queryset(request, queryset)
        return queryset.none()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", self._scoped_choices(request, db_field.related_model))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", self._scoped_choices(request, db_field.related_model))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # Permissions --------------------------------------------------------------------------
    # A district administrator manages their district's records without per-model Django
    # permissions; any other staff user falls back to Django's permissions, and still sees
    # only rows of districts they administer (none, unless superuser).

    def _is_district_admin(self, request) -> bool:
        return (
            request.user.is_active and request.user.is_staff and bool(admin_district_ids(request))
        )

    def has_module_permission(self, request):
        return self._is_district_admin(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._is_district_admin(request) or super().has_view_permission(request, obj)

    def _may_write(self, request, perm_check):
        if self.read_only:
            return False
        if request.user.is_superuser:
            return True
        if self.district_path is None:
            return False
        return self._is_district_admin(request) or perm_check()

    def has_add_permission(self, request, *args):
        return self._may_write(
            request, lambda: super(DistrictScopedAdmin, self).has_add_permission(request, *args)
        )

    def has_change_permission(self, request, obj=None):
        return self._may_write(
            request,
            lambda: super(DistrictScopedAdmin, self).has_change_permission(request, obj),
        )

    def has_delete_permission(self, request, obj=None):
        return self._may_write(
            request,
            lambda: super(DistrictScopedAdmin, self).has_delete_permission(request, obj),
        )


# Web addresses typed without a scheme are taken as https (Django 6's default, chosen now).
_URL_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}


class ScopedAdmin(DistrictScopedAdmin, admin.ModelAdmin):
    """The usual base: a ModelAdmin scoped to the user's districts."""

    list_per_page = 50
    formfield_overrides = _URL_OVERRIDES

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        derived = {
            model._meta.verbose_name
            for model, model_admin in self.admin_site._registry.items()
            if getattr(model_admin, "derived", False)
        }
        return deleted, counts, perms_needed - derived, protected


class ScopedTabularInline(DistrictScopedAdmin, admin.TabularInline):
    extra = 0
    formfield_overrides = _URL_OVERRIDES


class ScopedStackedInline(DistrictScopedAdmin, admin.StackedInline):
    extra = 0
    formfield_overrides = _URL_OVERRIDES


def district_filter(field_name="district"):
    """A list filter that offers only the districts present in the (scoped) changelist."""
    return (field_name, admin.RelatedOnlyFieldListFilter)


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedAdmin):
    """The audit trail is append-only: readable here, written only by services."""

    read_only = True
    list_display = ("created_at", "action", "target_label", "actor_label", "district")
    list_filter = ("action", district_filter())
    search_fields = ("action", "target_label", "actor_label", "target_id")
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(ScopedAdmin):
    """Read-only: notifications are written by services and read by their owner."""

    read_only = True
    list_display = ("created_at", "user", "verb", "text", "read_at")
    list_filter = ("verb",)
    search_fields = ("text", "verb", "user__username")
    list_select_related = ("user",)
