"""Gunicorn settings for Trellis: `gunicorn -c deploy/gunicorn.conf.py`. Every value below can be
overridden from the environment (docs/deployment.md lists them), so one image fits every size.

Workers are threaded (gthread): most of a request's time is spent waiting on PostgreSQL, so a few
threads per process serve more people without the memory of more processes. Workers are recycled
after a bounded number of requests, with jitter so they do not all restart at once; that returns
memory a large report or export grew a worker to.
"""

import logging
import os
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The same .env the Django settings read (values already in the environment win).
if (ROOT / ".env").is_file():
    import environ

    environ.Env.read_env(ROOT / ".env", overwrite=False)


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name}={value!r} in the environment: give a whole number.") from None


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# The package is installed (editable) in the virtualenv; this keeps `-c deploy/gunicorn.conf.py`
# working from a bare checkout too.
pythonpath = str(ROOT / "src")
wsgi_app = os.environ.get("GUNICORN_APP", "trellis.wsgi:application")

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# WEB_CONCURRENCY is the name gunicorn and most platforms already use for the process count.
workers = _int("GUNICORN_WORKERS", _int("WEB_CONCURRENCY", min(2 * _cores() + 1, 9)))
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max(max_requests // 10, 0))
# The heartbeat file on tmpfs: a slow overlay filesystem must not make the arbiter kill workers.
# (gunicorn makes it with mkstemp, so a shared folder is safe.)
_SHM = "/dev/shm"  # noqa: S108
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or (_SHM if Path(_SHM).is_dir() else None)
# gunicorn's control socket (gunicornc) lives in $HOME by default, which a container user may not
# have and two servers on one host would share; off unless a path is given.
_control = os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip()
if _control:
    control_socket = _control
else:
    control_socket_disable = True
# Trust X-Forwarded-* only from the proxy in front (gunicorn also reads FORWARDED_ALLOW_IPS itself).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Trellis logs one line per request itself (with the request id and user), so gunicorn's own
# access log is off unless asked for; its error log goes to stderr in the app's format.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
if os.environ.get("LOG_FORMAT", "text").strip().lower() == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(levelname)s %(name)s %(message)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": "time",
            }
        },
        "handlers": {
            "error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
            "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        },
        "loggers": {
            "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }

# Prometheus in multiprocess mode: every worker writes its samples to files in one folder and
# /metrics adds them up. The folder must exist before a worker imports prometheus_client, and must
# start empty (stale files from a previous run would be added in).
# Workers inherit the variable from this (the arbiter's) environment.
_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip()
_made_here = not _metrics_dir
if _made_here:
    _metrics_dir = tempfile.mkdtemp(prefix="trellis-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir


def on_starting(server):
    """Empty the metrics folder of a previous run's sample files."""
    folder = Path(_metrics_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    logging.getLogger("gunicorn.error").info("Prometheus multiprocess folder: %s", folder)


def child_exit(server, worker):
    """A recycled or crashed worker's live gauges must stop counting."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    """Remove a folder this config made itself; one the operator named is left in place."""
    if _made_here:
        shutil.rmtree(_metrics_dir, ignore_errors=True)
