"""Top-level URL map: one include per app, namespaced."""

from django.contrib import admin
from django.urls import include, path

from trellis.core import health, metrics
from trellis.core import urls as core_urls
from trellis.portals import urls as portal_urls

urlpatterns = [
    # Operations: probes and the Prometheus scrape (public URLs; metrics need a bearer token).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    # The home page lives in portals but keeps its name "core:home" beside core's own routes.
    path("", include((portal_urls.home_patterns + core_urls.urlpatterns, core_urls.app_name))),
    path("work/", include("trellis.portals.urls")),
    path("accounts/", include("trellis.accounts.urls")),
    path("auth/", include("trellis.signin.allauth_urls")),
    path("signin/", include("trellis.signin.urls")),
    path("admin/", admin.site.urls),
    path("students/", include("trellis.students.urls")),
    path("me/", include("trellis.portals.student.urls")),
    path("partners/", include("trellis.partners.urls")),
    path("partner/", include("trellis.portals.partner.urls")),
    path("mentor/", include("trellis.portals.mentor.urls")),
    path("rubric/", include("trellis.placements.rubric_urls")),
    path("opportunities/", include("trellis.opportunities.urls")),
    path("placements/", include("trellis.placements.urls")),
    path("lifecycle/", include("trellis.placements.lifecycle_urls")),
    path("rounds/", include("trellis.placements.round_urls")),
    path("districts/", include("trellis.districts.urls")),
    path("rostering/", include("trellis.rostering.urls")),
    path("feeds/", include("trellis.hours.feed_urls")),
    path("schedules/", include("trellis.hours.schedule_urls")),
    path("hours/", include("trellis.hours.urls")),
    path("insights/", include("trellis.insights.urls")),
]
