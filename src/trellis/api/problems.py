"""Error bodies as RFC 9457 problem details (application/problem+json), for every API error."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_TYPE = "about:blank"
CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    415: "Unsupported media type",
    429: "Too many requests",
    500: "Server error",
}


class ProblemSerializer(serializers.Serializer):
    """For the schema: the shape of every error body."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text="Field name → what is wrong with it (validation errors only).",
    )


def problem(status: int, detail: str, *, instance: str = "", errors=None) -> dict:
    body = {
        "type": PROBLEM_TYPE,
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if errors:
        body["errors"] = errors
    return body


def _flatten(detail, prefix="") -> dict[str, list[str]]:
    """DRF's nested error detail → {"field" or "field.sub": [messages]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for k, v in _flatten(value, name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        for i, value in enumerate(detail):
            name = prefix if not isinstance(value, dict | list) else f"{prefix}[{i}]"
            for k, v in _flatten(value, name).items():
                out.setdefault(k, []).extend(v)
    else:
        out.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return out


def _django_validation(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError({k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()})
    return exceptions.ValidationError({"non_field_errors": exc.messages})


def exception_handler(exc, context):
    """DRF's handler (it keeps Retry-After and WWW-Authenticate), with problem bodies."""
    if isinstance(exc, DjangoValidationError):
        exc = _django_validation(exc)
    elif isinstance(exc, OverflowError):
        # An id or cursor past what the database stores (SQLite: 64 bits) matches no row.
        exc = exceptions.ValidationError({"non_field_errors": ["A number in the request is too large."]})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    instance = request.get_full_path() if request is not None else ""
    errors = None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        detail = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
    else:
        detail = str(getattr(exc, "detail", exc))
    response.data = problem(response.status_code, detail, instance=instance, errors=errors)
    response.content_type = CONTENT_TYPE
    return response


@csrf_exempt
def not_found(request, *args, **kwargs):
    """/api/… addresses that match no endpoint: a problem body, not the site's HTML page."""
    return JsonResponse(
        problem(404, "No endpoint at this address.", instance=request.get_full_path()),
        status=404, content_type=CONTENT_TYPE,
    )


def problem_response(status: int, detail: str, request=None) -> Response:
    return Response(
        problem(status, detail, instance=request.get_full_path() if request else ""),
        status=status, content_type=CONTENT_TYPE,
    )
