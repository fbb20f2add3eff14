"""The role-aware home at /. Its URL name stays "core:home": trellis/urls.py puts this route in
the "core" namespace beside core's own routes, so every existing reverse() keeps working.
The whole of each home-page work queue is under /work/ (namespace "portals")."""

from django.urls import include, path

from trellis.portals.home import home, queue

home_patterns = [
    path("", home, name="home"),
]

app_name = "portals"
urlpatterns = [
    path("<slug:key>/", queue, name="queue"),
]

# The portal prefixes, owned here and mounted by trellis/urls.py: /work/ (the home page's
# queues), /me/ (students), /partner/ (partner administrators) and /mentor/.
prefixes = [
    path("work/", include((urlpatterns, app_name))),
    path("me/", include("trellis.portals.student.urls")),
    path("partner/", include("trellis.portals.partner.urls")),
    path("mentor/", include("trellis.portals.mentor.urls")),
]
