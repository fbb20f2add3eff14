"""Shared plumbing for list pages: pagination, filters and the page-or-fragment response."""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from trellis.core.pagination import PER_PAGE, paginate

__all__ = ["PER_PAGE", "RESULTS_TARGET", "apply_filters", "paginate", "render_list"]

RESULTS_TARGET = "results"


def render_list(request, template_name, context):
    """The whole page, or only its `results` partial when htmx asks to refresh the results.

    The same URL serves both, so the response varies on HX-Request for any cache in between.
    """
    htmx = request.htmx
    if htmx and htmx.target == RESULTS_TARGET and not htmx.history_restore_request:
        template_name = f"{template_name}#{RESULTS_TARGET}"
    response = render(request, template_name, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def apply_filters(form):
    """Valid filter values only: a bad value in one field drops that filter, not the page."""
    form.is_valid()
    return {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v not in (None, "", [])}
