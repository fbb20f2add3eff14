"""Admin for API tokens and webhooks, read-only and scoped: they are made on the integrations pages."""

from django.contrib import admin

from trellis.api.models import ApiToken, WebhookDelivery, WebhookSubscription
from trellis.core.admin import ScopedAdmin


class ReadOnlyScopedAdmin(ScopedAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyScopedAdmin):
    district_path = "district"
    list_display = ("name", "district", "partner", "key_prefix", "expires_at", "revoked_at", "last_used_at")
    exclude = ("key_hash",)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ReadOnlyScopedAdmin):
    district_path = "district"
    list_display = ("name", "district", "url", "is_active")
    exclude = ("secret",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyScopedAdmin):
    district_path = "subscription__district"
    list_display = ("event", "subscription", "status", "attempts", "created_at")
