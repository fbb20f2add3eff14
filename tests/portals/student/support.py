"""Helpers for the student portal tests."""

from django.urls import reverse

# The student's own pages (no id in the URL): only a signed-in student reaches them.
PORTAL_PAGES = [
    "portal:home",
    "portal:profile",
    "portal:interests",
    "portal:browse",
    "portal:applications",
    "portal:placements",
    "portal:schedule",
    "portal:record",
    "portal:record_pdf",
]


def url(name, *args):
    return reverse(name, args=args)


def htmx(target):
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": target}
