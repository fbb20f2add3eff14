"""Request ids and the per-request log line: taken or made, echoed, on every line, one JSON object."""

import io
import json
import logging
import logging.config

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from tests import factories as f
from trellis.core.request_log import HEADER, RequestIdFilter, RequestLogMiddleware

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_log_lines():
    """Capture `trellis.request` through the production JSON formatter and request-id filter."""
    # Built by logging's own dictConfig machinery from the very dict settings hand to Django.
    formatter = logging.config.DictConfigurator({}).configure_custom(
        dict(settings.LOGGING["formatters"]["json"])
    )
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("trellis.request")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def test_a_valid_incoming_request_id_is_kept_and_echoed(client):
    response = client.get("/healthz", headers={HEADER: "lb-7f3a.2026:01"})
    assert response[HEADER] == "lb-7f3a.2026:01"


@pytest.mark.parametrize(
    "incoming",
    ["", "has space", "line\r\nX-Evil: 1", "a" * 129, "-starts-with-dash", "ünïcode"],
)
def test_an_invalid_incoming_request_id_is_replaced_by_a_fresh_one(client, incoming):
    response = client.get("/healthz", headers={HEADER: incoming} if incoming else {})
    made = response[HEADER]
    assert made != incoming
    assert len(made) == 32 and int(made, 16) >= 0


def test_each_request_gets_its_own_id(client):
    assert client.get("/healthz")[HEADER] != client.get("/healthz")[HEADER]


def test_the_request_line_is_one_json_object_with_the_signed_in_user(client, request_log_lines):
    user = f.UserFactory()
    client.force_login(user)
    response = client.get("/", headers={HEADER: "trace-42"})
    lines = request_log_lines()
    assert len(lines) == 1
    line = lines[0]
    assert {"time", "level", "logger", "message", "request_id", "method", "path", "status",
            "duration_ms", "user_id"} <= set(line)
    assert line["logger"] == "trellis.request" and line["level"] == "INFO"
    assert line["request_id"] == "trace-42"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/", response.status_code)
    assert line["user_id"] == user.pk
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["time"].endswith("+00:00")  # ISO 8601, UTC


def test_an_anonymous_request_logs_no_user_and_costs_no_query(
    client, request_log_lines, django_assert_num_queries
):
    with django_assert_num_queries(0):
        client.get("/healthz")
    (line,) = request_log_lines()
    assert line["user_id"] is None and line["status"] == 200 and line["path"] == "/healthz"


def test_lines_logged_while_serving_carry_the_request_id(caplog):
    def view(request):
        logging.getLogger("trellis.somewhere").warning("inside the view")
        return HttpResponse("ok")

    handler_filter = RequestIdFilter()
    caplog.handler.addFilter(handler_filter)
    try:
        with caplog.at_level(logging.WARNING, logger="trellis.somewhere"):
            request = RequestFactory().get("/x", headers={HEADER: "abc-1"})
            RequestLogMiddleware(view)(request)
            logging.getLogger("trellis.somewhere").warning("after the request")
    finally:
        caplog.handler.removeFilter(handler_filter)
    inside, after = [r for r in caplog.records if r.name == "trellis.somewhere"]
    assert inside.request_id == "abc-1"
    assert after.request_id == "-"


def test_text_format_names_the_request_id():
    assert "%(request_id)s" in settings.LOGGING["formatters"]["text"]["format"]
    assert settings.LOGGING["handlers"]["console"]["formatter"] == settings.LOG_FORMAT == "text"
