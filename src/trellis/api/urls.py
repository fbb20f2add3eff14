"""/api/: the versioned endpoints, the OpenAPI schema and its docs; problem bodies for the rest.

Every endpoint authenticates by API token (trellis.api.auth) instead of the session, so the
routes are marked `login_not_required`; tests/api prove a request without a key gets 401.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from trellis.api import problems, views

app_name = "api"

router = SimpleRouter(trailing_slash=True)
router.register("districts", views.DistrictViewSet, basename="district")
router.register("schools", views.SchoolViewSet, basename="school")
router.register("school-years", views.SchoolYearViewSet, basename="school-year")
router.register("partners", views.PartnerViewSet, basename="partner")
router.register("worksites", views.WorksiteViewSet, basename="worksite")
router.register("opportunities", views.OpportunityViewSet, basename="opportunity")
router.register("students", views.StudentViewSet, basename="student")
router.register("applications", views.ApplicationViewSet, basename="application")
router.register("placements", views.PlacementViewSet, basename="placement")
router.register("sessions", views.SessionViewSet, basename="session")
router.register("hour-logs", views.HourLogViewSet, basename="hour-log")
router.register("evaluations", views.EvaluationViewSet, basename="evaluation")
router.register("reflections", views.ReflectionViewSet, basename="reflection")
router.register("outcomes", views.OutcomeViewSet, basename="outcome")
router.register("match-rounds", views.MatchRoundViewSet, basename="match-round")
router.register("reports", views.ReportViewSet, basename="report")


def _public(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _public(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(pattern.callback)
    return patterns


urlpatterns = _public([
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    re_path(r"^[\s\S]*$", problems.not_found, name="not_found"),
])
