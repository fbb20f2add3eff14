"""The role-aware home page and the health check."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from trellis.core.dashboard import home_sections


@login_required
def home(request):
    """One page per person: a section for each of their roles, or a note that access is pending."""
    return render(request, "core/home.html", {"sections": home_sections(request.user)})


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
