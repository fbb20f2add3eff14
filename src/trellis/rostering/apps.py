from django.apps import AppConfig


class RosteringConfig(AppConfig):
    name = "trellis.rostering"
    verbose_name = "Rostering (OneRoster)"
