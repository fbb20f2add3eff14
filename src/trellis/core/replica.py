"""An optional read replica for reports (DATABASE_REPLICA_URL).

Reports read many rows and write none, so their reads can go to a streaming replica and leave the
primary to the people entering hours. A router cannot tell a report's query from any other by the
model (reports read every app's tables), so the choice is made by *where the read happens*: a
safe-method request to a reporting URL namespace (REPORT_NAMESPACES), or code inside
`reads_from_replica()`. Everything else, every write, and any read inside a transaction (which
must see its own writes) uses the primary. Sessions, login throttling and the task queue are always
read from the primary: a replica a second behind must not sign anyone out or run a task twice.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
REPORT_NAMESPACES = frozenset({"insights"})
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "django_tasks_db", "contenttypes", "migrations"})
_SAFE_METHODS = frozenset({"GET", "HEAD"})

_reading_reports: contextvars.ContextVar[bool] = contextvars.ContextVar("reading_reports", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def reads_from_replica():
    """Send this block's reads to the replica (when there is one); for report tasks and scripts."""
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


class ReportReplicaRouter:
    """Reads in a reporting context go to the replica; all else, and all writes, to default."""

    def db_for_read(self, model, **hints):
        if (
            _reading_reports.get()
            and replica_configured()
            and model._meta.app_label not in PRIMARY_ONLY_APPS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        # Explicit: without it Django writes an object back to the database it was read from.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica is a copy made by PostgreSQL, not migrated


class ReportReplicaMiddleware:
    """Marks safe-method requests to reporting URLs as reading from the replica. It sits after the
    authentication middleware, so the signed-in user is read from the primary first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            token = getattr(request, "_replica_token", None)
            if token is not None:
                _reading_reports.reset(token)
                del request._replica_token

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            replica_configured()
            and request.method in _SAFE_METHODS
            and match is not None
            and REPORT_NAMESPACES.intersection(match.namespaces)
        ):
            user = getattr(request, "user", None)
            if user is not None:
                user.is_authenticated  # noqa: B018 - load the signed-in user from the primary now
            request._replica_token = _reading_reports.set(True)
        return None
