"""Top-level URL map: one include per app, namespaced."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("trellis.core.urls")),
    path("accounts/", include("trellis.accounts.urls")),
    path("admin/", admin.site.urls),
]
