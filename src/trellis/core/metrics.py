"""Prometheus metrics: durations other code observes, the task queue, and the protected scrape.

Request latency by view comes from django-prometheus's middleware; this module adds what only
Trellis knows. Code that runs something long calls `timed("match_run", mode=...)` (or
`observe_duration`) with a name from DURATIONS; an unknown name is a programming error and fails.

Under gunicorn every worker process writes its samples to PROMETHEUS_MULTIPROC_DIR and a scrape
adds them up (prometheus_client's multiprocess mode). The task worker is its own process with its
own small exporter (`serve_worker_metrics`). Scrapes need `Authorization: Bearer $METRICS_TOKEN`;
with no token configured the endpoint does not exist.
"""

from __future__ import annotations

import hmac
import logging
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from wsgiref.simple_server import WSGIRequestHandler, make_server

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    make_wsgi_app,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import ThreadingWSGIServer

log = logging.getLogger(__name__)

_LONG_JOB_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1800)


def _duration(name: str, documentation: str, labels: tuple[str, ...] = ()) -> Histogram:
    return Histogram(
        f"trellis_{name}_seconds",
        documentation,
        [*labels, "outcome"],
        buckets=_LONG_JOB_BUCKETS,
    )


DURATIONS: dict[str, Histogram] = {
    "match_run": _duration(
        "match_run",
        "One match-round run end to end (load, solve, explain, save), by mode and outcome.",
        ("mode",),
    ),
    "roster_import": _duration("roster_import", "One roster import or sync, by outcome."),
    "calendar_import": _duration("calendar_import", "One district calendar import, by outcome."),
}


def observe_duration(name: str, seconds: float, *, outcome: str = "ok", **labels: str) -> None:
    """Record that `name` took `seconds`; labels are those the histogram names (e.g. mode)."""
    DURATIONS[name].labels(outcome=outcome, **labels).observe(seconds)


@dataclass
class Timing:
    """What `timed` hands the caller: set `outcome` when the work ends in a refusal, not a raise."""

    outcome: str = "ok"
    seconds: float = 0.0


@contextmanager
def timed(name: str, **labels: str):
    """Time the block into DURATIONS[name]; an exception is recorded as outcome "error"."""
    if name not in DURATIONS:
        raise KeyError(f"No duration metric named {name!r}; known: {', '.join(sorted(DURATIONS))}")
    timing = Timing()
    started = time.perf_counter()
    try:
        yield timing
    except BaseException:
        timing.outcome = "error"
        raise
    finally:
        timing.seconds = time.perf_counter() - started
        observe_duration(name, timing.seconds, outcome=timing.outcome, **labels)


class TaskQueueCollector:
    """Read at scrape time from django-tasks-db's table: ready tasks, the oldest one's wait, and
    running tasks, per queue. Every process sees the same table, so take `max` across targets."""

    def collect(self):
        from django.db.models import Case, Count, F, Min, When
        from django.db.models.functions import Greatest
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult, get_date_max

        ready = GaugeMetricFamily(
            "trellis_task_queue_ready", "Tasks ready to run and not yet claimed.", labels=["queue"]
        )
        oldest = GaugeMetricFamily(
            "trellis_task_queue_oldest_ready_age_seconds",
            "How long the oldest ready task has been waiting for a worker.",
            labels=["queue"],
        )
        running = GaugeMetricFamily(
            "trellis_task_running", "Tasks claimed by a worker and not finished.", labels=["queue"]
        )
        errors = GaugeMetricFamily(
            "trellis_task_queue_scrape_error", "1 when the task table could not be read."
        )
        now = timezone.now()
        # A task deferred with run_after has waited only since it became due.
        ready_since = Case(
            When(run_after=get_date_max(), then=F("enqueued_at")),
            default=Greatest(F("enqueued_at"), F("run_after")),
        )
        try:
            ready_rows = list(
                DBTaskResult.objects.ready()
                .values("queue_name")
                .annotate(n=Count("id"), since=Min(ready_since))
                .order_by("queue_name")
            )
            running_rows = list(
                DBTaskResult.objects.running()
                .values("queue_name")
                .annotate(n=Count("id"))
                .order_by("queue_name")
            )
        except DatabaseError as exc:
            log.warning("task queue metrics: %s", exc.__class__.__name__)
            errors.add_metric([], 1)
            yield errors
            return
        queues = {row["queue_name"] for row in ready_rows + running_rows} | {"default"}
        by_queue = {row["queue_name"]: row for row in ready_rows}
        running_by_queue = {row["queue_name"]: row["n"] for row in running_rows}
        for queue in sorted(queues):
            row = by_queue.get(queue)
            ready.add_metric([queue], row["n"] if row else 0)
            oldest.add_metric(
                [queue], max((now - row["since"]).total_seconds(), 0.0) if row else 0.0
            )
            running.add_metric([queue], running_by_queue.get(queue, 0))
        errors.add_metric([], 0)
        yield from (ready, oldest, running, errors)


class _Scrape:
    """Several collectors read as one registry."""

    def __init__(self, *collectors):
        self.collectors = collectors

    def collect(self):
        for collector in self.collectors:
            yield from collector.collect()


def scrape(*, include_task_queue: bool = True):
    """What a scrape returns: this process (or, under gunicorn, every worker's files) plus the
    task queue read from the database."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        process_metrics = CollectorRegistry()
        multiprocess.MultiProcessCollector(process_metrics)
    else:
        process_metrics = REGISTRY
    extra = (TaskQueueCollector(),) if include_task_queue else ()
    return _Scrape(process_metrics, *extra)


def bearer_token_ok(authorization: str) -> bool:
    """True when the header carries the configured METRICS_TOKEN (constant-time compare)."""
    token = settings.METRICS_TOKEN
    if not token:
        return False
    return hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode())


@login_not_required
@never_cache
@require_safe
def metrics_view(request):
    """`/metrics` for Prometheus: 404 when METRICS_TOKEN is unset, 401 without the right token."""
    if not settings.METRICS_TOKEN:
        raise Http404("Metrics are off: set METRICS_TOKEN to turn them on.")
    if not bearer_token_ok(request.headers.get("Authorization", "")):
        response = HttpResponse(
            "Send the metrics token: Authorization: Bearer <METRICS_TOKEN>\n",
            status=401,
            content_type="text/plain",
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(scrape()), content_type=CONTENT_TYPE_LATEST)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        """Scrapes every few seconds would drown the worker's own log."""


def _protected(app):
    def guarded(environ, start_response):
        if not bearer_token_ok(environ.get("HTTP_AUTHORIZATION", "")):
            start_response(
                "401 Unauthorized",
                [("Content-Type", "text/plain"), ("WWW-Authenticate", 'Bearer realm="metrics"')],
            )
            return [b"Send the metrics token: Authorization: Bearer <METRICS_TOKEN>\n"]
        return app(environ, start_response)

    return guarded


def serve_worker_metrics(address: str, port: int):
    """Serve this process's metrics on address:port in a daemon thread (the task worker's
    exporter); the same bearer token guards it. Returns the server, whose port may be chosen by
    the system when `port` is 0."""
    if not settings.METRICS_TOKEN:
        raise ValueError("Set METRICS_TOKEN before opening a metrics port: scrapes need it.")
    app = _protected(make_wsgi_app(scrape(include_task_queue=False)))
    server = make_server(address, port, app, ThreadingWSGIServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="metrics-exporter", daemon=True)
    thread.start()
    log.info("Task worker metrics on http://%s:%s/metrics", address, server.server_port)
    return server
