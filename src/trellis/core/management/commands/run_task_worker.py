"""Run django-tasks-db's `db_worker` with a Prometheus exporter beside it (match-run timings are
observed in the worker, so the worker must be scraped itself)."""

from django.conf import settings
from django.core.management.base import CommandError
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from trellis.core.metrics import serve_worker_metrics


class Command(DbWorkerCommand):
    help = (
        "Run the background-task worker (django-tasks-db's db_worker, same options) and, when a "
        "metrics port is given (--metrics-port or TASK_WORKER_METRICS_PORT), serve its Prometheus "
        "metrics there behind the METRICS_TOKEN bearer token."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--metrics-port",
            type=int,
            default=settings.TASK_WORKER_METRICS_PORT,
            help="Port for /metrics (0: no exporter; default TASK_WORKER_METRICS_PORT).",
        )
        parser.add_argument(
            "--metrics-address",
            default=settings.TASK_WORKER_METRICS_ADDRESS,
            help="Address to listen on (default TASK_WORKER_METRICS_ADDRESS).",
        )

    def handle(self, *args, metrics_port, metrics_address, **options):
        if metrics_port:
            try:
                serve_worker_metrics(metrics_address, metrics_port)
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot serve metrics on {metrics_address}:{metrics_port}: {exc}") from exc
        return super().handle(*args, **options)
