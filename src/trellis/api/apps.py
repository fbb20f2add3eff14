from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "trellis.api"
    label = "api"
    verbose_name = "Integration API"

    def ready(self):
        # Webhooks follow the audit trail: every service already records what happened there.
        from trellis.api import tasks

        tasks.connect()
