"""The role-aware home at /. Its URL name stays "core:home": trellis/urls.py puts this route in
the "core" namespace beside core's own routes, so every existing reverse() keeps working."""

from django.urls import include, path

from trellis.portals.home import home

home_patterns = [
    path("", home, name="home"),
]

# The portal prefixes, owned here and mounted by trellis/urls.py: /me/ (students), /partner/
# (partner administrators) and /mentor/.
prefixes = [
    path("me/", include("trellis.portals.student.urls")),
    path("partner/", include("trellis.portals.partner.urls")),
    path("mentor/", include("trellis.portals.mentor.urls")),
]
