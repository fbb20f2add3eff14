from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The top layer: the Maple Valley demo district generator and `manage.py seed_demo`."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "trellis.demo"
