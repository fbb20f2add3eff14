"""The role-aware home page and the health check."""

from django.contrib.auth.decorators import login_not_required, login_required
from django.http import HttpResponse
from django.shortcuts import render

from trellis.core.dashboard import home_sections


@login_required
def home(request):
    """One page per person: a section for each of their roles, or a note that access is pending."""
    return render(request, "core/home.html", {"sections": home_sections(request.user)})


@login_not_required
def healthz(request):
    """For the load balancer and uptime checks, which do not sign in."""
    return HttpResponse("ok", content_type="text/plain")
