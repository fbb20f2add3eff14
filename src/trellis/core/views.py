"""The health check (the role-aware home page lives in trellis.portals.home)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse


@login_not_required
def healthz(request):
    """For the load balancer and uptime checks, which do not sign in."""
    return HttpResponse("ok", content_type="text/plain")
