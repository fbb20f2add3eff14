"""The health check (the role-aware home page lives in trellis.portals.home)."""

from django.http import HttpResponse


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
