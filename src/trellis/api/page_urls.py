"""/integrations/: the pages where administrators make API tokens and subscribe webhooks."""

from django.urls import path

from trellis.api import pages

app_name = "integrations"

urlpatterns = [
    path("tokens/", pages.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", pages.revoke_token, name="revoke_token"),
    path("webhooks/", pages.webhooks, name="webhooks"),
    path("webhooks/<int:pk>/", pages.webhook, name="webhook"),
    path("webhooks/<int:pk>/change/", pages.webhook_change, name="webhook_change"),
]
