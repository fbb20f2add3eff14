from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "trellis.placements"

    def ready(self):
        # The round tasks hand themselves to the round services (which never import them).
        from trellis.placements.rounds import tasks  # noqa: F401
