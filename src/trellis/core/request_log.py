"""One log line per request, and a request id on every line logged while serving it.

The id comes from the proxy's `X-Request-ID` header when it is a sane token (so one id follows a
request from the load balancer through Trellis), otherwise it is made here; it is echoed in the
response header so a person reporting a problem can quote it. The JSON or text layout itself is
the logging configuration's business (settings.LOGGING, python-json-logger), not this module's.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from django.utils.functional import empty

HEADER = "X-Request-ID"
# Letters, digits and . _ : - only, at most 128: nothing that could forge a log line or a header.
_VALID_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

log = logging.getLogger("trellis.request")


def current_request_id() -> str | None:
    """The id of the request being served in this thread, or None outside a request."""
    return _request_id.get()


def accept_or_make_id(incoming: str | None) -> str:
    """The incoming id when it is a valid token, a fresh random one otherwise."""
    if incoming and _VALID_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts `request_id` on every record ("-" outside a request) so formats can name it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get() or "-"
        return True


def _signed_in_user_id(request) -> int | None:
    """The user's id if this request already loaded the user; never a query of its own."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)  # AuthenticationMiddleware's lazy object
    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return wrapped.pk


class RequestLogMiddleware:
    """Sets the request id for the request's duration and logs method, path, status and time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = accept_or_make_id(request.headers.get(HEADER))
        request.request_id = request_id
        token = _request_id.set(request_id)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response[HEADER] = request_id
            return response
        finally:
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            log.info(
                "%s %s %s %.1fms",
                request.method,
                request.path,
                status,
                duration_ms,
                extra={
                    "request_id": request_id,
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "duration_ms": duration_ms,
                    "user_id": _signed_in_user_id(request),
                },
            )
            _request_id.reset(token)
