"""What every endpoint shares: token auth, one required scope, the caller's row rule,
cursor pages in id order, `updated_since`, the audit line, and documented error bodies."""

import datetime as dt

from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_naive, make_aware
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, pagination, permissions, viewsets

from trellis.api import auth
from trellis.api.problems import CONTENT_TYPE, ProblemSerializer


class HasScope(permissions.BasePermission):
    """The token holds the endpoint's scope: `read_scope` for GET, `write_scope` otherwise."""

    message = "This API key does not have the scope this endpoint needs."

    def has_permission(self, request, view):
        token = request.auth
        if token is None:
            return False
        needed = view.required_scope(request)
        if needed is None or needed not in token.scopes:
            self.message = (
                f"This API key lacks the scope {needed}." if needed else "This endpoint does not take that method."
            )
            return False
        return True


class IdCursorPagination(pagination.CursorPagination):
    """Opaque cursors over the stable id: a nightly sync pages without gaps or repeats."""

    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


UPDATED_SINCE = OpenApiParameter(
    "updated_since", dt.datetime, description="Only rows changed at or after this time (ISO 8601).",
)


class ProblemAutoSchema(AutoSchema):
    """Every operation documents its error bodies (problem details) beside its success, and
    every list of a model that keeps `updated_at` its `updated_since` filter."""

    def get_override_parameters(self):
        params = list(super().get_override_parameters())
        if getattr(self.view, "action", None) == "list" and getattr(self.view, "updated_field", None):
            params.append(UPDATED_SINCE)
        return params

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        codes = ["400", "401", "403", "404", "429"]
        for code in codes:
            bodies.setdefault(
                code, self._get_response_for_code(ProblemSerializer, code, media_types=[CONTENT_TYPE])
            )
        return bodies


TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$"


def local_times(result, generator, request, public):
    """drf-spectacular postprocessing: times are the district's wall-clock times ("09:00:00"),
    without the offset JSON Schema's `format: time` requires; describe them by pattern."""

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "string" and node.get("format") == "time":
                node.pop("format")
                node["pattern"] = TIME_PATTERN
                node.setdefault("description", "Local time of the district, HH:MM[:SS].")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result


def parse_since(value: str) -> dt.datetime:
    try:
        when = parse_datetime(value)
    except ValueError:
        when = None
    if when is None:
        raise exceptions.ValidationError(
            {"updated_since": ["Give an ISO 8601 date and time, e.g. 2026-09-01T00:00:00Z."]}
        )
    return make_aware(when, dt.UTC) if is_naive(when) else when


class ScopedViewSet(viewsets.GenericViewSet):
    """Subclasses say `read_scope` (and `write_scope`), and `scoped(user)`: the rows the
    caller's row rule gives (`Model.objects.for_user(user)` or a subquery on it)."""

    authentication_classes = [auth.ApiTokenAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [auth.TokenRateThrottle]
    pagination_class = IdCursorPagination
    schema = ProblemAutoSchema()
    read_scope: str = ""
    write_scope: str | None = None
    updated_field: str | None = None
    lookup_value_regex = r"[0-9]{1,18}"
    metadata_class = None  # OPTIONS answers 405: the schema is the description

    def required_scope(self, request):
        if request.method in permissions.SAFE_METHODS:
            return self.read_scope
        return self.write_scope

    def scoped(self, user):
        raise NotImplementedError

    def get_queryset(self):
        qs = self.scoped(self.request.user)
        since = self.request.query_params.get("updated_since")
        if since and self.updated_field and self.action == "list":
            qs = qs.filter(**{f"{self.updated_field}__gte": parse_since(since)})
        return qs

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        auth.record_use(request, response)
        return response
