"""Helpers for the student portal tests."""

from django.urls import reverse

PORTAL_PAGES = [
    ("portal:home", False),
    ("portal:profile", False),
    ("portal:interests", False),
    ("portal:browse", False),
    ("portal:applications", False),
    ("portal:placements", False),
    ("portal:schedule", False),
    ("portal:record", False),
    ("portal:record_pdf", False),
]


def url(name, *args):
    return reverse(name, args=args)


def htmx(target):
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": target}
