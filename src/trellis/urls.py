"""Top-level URL map: each app mounted once; an app that serves several prefixes lists them
itself (`prefixes` in its urls module), so every prefix lives in the app that owns it."""

from django.contrib import admin
from django.urls import include, path

from trellis.core import health, metrics
from trellis.core import urls as core_urls
from trellis.hours import urls as hours_urls
from trellis.placements import urls as placement_urls
from trellis.portals import urls as portal_urls

urlpatterns = [
    # Operations: probes and the Prometheus scrape (public URLs; metrics need a bearer token).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    # The home page lives in portals but keeps its name "core:home" beside core's own routes.
    path("", include((portal_urls.home_patterns + core_urls.urlpatterns, core_urls.app_name))),
    path("accounts/", include("trellis.accounts.urls")),
    path("auth/", include("trellis.signin.allauth_urls")),
    path("signin/", include("trellis.signin.urls")),
    path("admin/", admin.site.urls),
    path("students/", include("trellis.students.urls")),
    path("partners/", include("trellis.partners.urls")),
    *portal_urls.prefixes,
    path("opportunities/", include("trellis.opportunities.urls")),
    *placement_urls.prefixes,
    path("districts/", include("trellis.districts.urls")),
    path("rostering/", include("trellis.rostering.urls")),
    *hours_urls.prefixes,
    path("insights/", include("trellis.insights.urls")),
    path("integrations/", include("trellis.api.page_urls")),
    path("api/", include("trellis.api.urls")),
]
