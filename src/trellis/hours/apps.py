from django.apps import AppConfig


class HoursConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "trellis.hours"
