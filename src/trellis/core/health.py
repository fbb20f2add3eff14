"""Probes for the load balancer and the orchestrator: `/healthz` (the process answers) and
`/readyz` (it can serve: the database answers and every migration of this code is applied).

Both are public and exempt from the HTTPS redirect, because probes come from inside the network
without a session or TLS. They say what is wrong in plain words but never a password, host or
error message text that could help an outsider.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """Alive: answers without touching the database, so a database outage never restarts us."""
    return JsonResponse({"status": "ok"})


def _database_check(alias: str) -> dict:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        log.warning("readiness: database %r unreachable: %s", alias, exc.__class__.__name__)
        return {"ok": False, "error": f"cannot reach the database ({exc.__class__.__name__})"}
    return {"ok": True}


def _migrations_check(alias: str) -> dict:
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return {"ok": True}
    names = [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
    return {
        "ok": False,
        "error": f"{len(names)} migration(s) not applied; run `manage.py migrate`",
        "unapplied": names[:20],
    }


@login_not_required
@never_cache
@require_safe
def readyz(request):
    """Ready: 200 when the database answers and no migration is pending, else 503 saying which."""
    checks = {"database": _database_check(DEFAULT_DB_ALIAS)}
    if checks["database"]["ok"]:
        try:
            checks["migrations"] = _migrations_check(DEFAULT_DB_ALIAS)
        except DatabaseError as exc:
            checks["migrations"] = {
                "ok": False,
                "error": f"cannot read the migration table ({exc.__class__.__name__})",
            }
    else:
        checks["migrations"] = {"ok": False, "error": "not checked: the database is unreachable"}
    ready = all(check["ok"] for check in checks.values())
    if "replica" in connections.settings:
        # Shown, not required: a lagging or lost replica must not take every web server out of
        # rotation; the reports it serves fail on their own and the metric alerts on it.
        checks["replica"] = {**_database_check("replica"), "required": False}
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status=200 if ready else 503,
    )
