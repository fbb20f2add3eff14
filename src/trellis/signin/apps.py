from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "trellis.signin"
    label = "signin"
    verbose_name = "Sign-in"

    def ready(self):
        from trellis.signin import receivers  # noqa: F401  (records the roles held at sign-in)
