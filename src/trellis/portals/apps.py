from django.apps import AppConfig


class PortalsConfig(AppConfig):
    """Pages people use in their own role; no models, it drives the domain apps' services."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "trellis.portals"
