from django.apps import AppConfig


class IdpConfig(AppConfig):
    name = "trellis.demo.idp"
    label = "demo_idp"
    default_auto_field = "django.db.models.BigAutoField"
