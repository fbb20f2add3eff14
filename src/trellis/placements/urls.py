"""Placements' routes, and the URL prefixes the placements app owns (mounted by trellis/urls.py)."""

from django.urls import include, path

from trellis.placements import views

app_name = "placements"
urlpatterns = [
    path("", views.placement_list, name="list"),
    path("<int:pk>/", views.placement_detail, name="detail"),
]

# Every prefix placements serves, so the root URL conf mounts the app once: /placements/ (the
# list and record), /lifecycle/ (proposing to completing), /rounds/ (match rounds), /rubric/.
prefixes = [
    path("placements/", include((urlpatterns, app_name))),
    path("lifecycle/", include("trellis.placements.lifecycle_urls")),
    path("rounds/", include("trellis.placements.rounds.urls")),
    path("rubric/", include("trellis.placements.rubric_urls")),
]
