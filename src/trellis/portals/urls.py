"""The role-aware home at /. Its URL name stays "core:home": trellis/urls.py puts this route in
the "core" namespace beside core's own routes, so every existing reverse() keeps working.
The whole of each home-page work queue is under /work/ (namespace "portals")."""

from django.urls import path

from trellis.portals.home import home, queue

home_patterns = [
    path("", home, name="home"),
]

app_name = "portals"
urlpatterns = [
    path("<slug:key>/", queue, name="queue"),
]
