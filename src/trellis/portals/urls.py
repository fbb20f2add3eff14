"""The role-aware home at /. Its URL name stays "core:home": trellis/urls.py puts this route in
the "core" namespace beside core's own routes, so every existing reverse() keeps working."""

from django.urls import path

from trellis.portals.home import home

home_patterns = [
    path("", home, name="home"),
]
