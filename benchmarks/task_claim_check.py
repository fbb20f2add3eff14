"""Several task workers against one PostgreSQL never run a task twice (not a test: run by hand).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trellis_x \\
        .venv/bin/python benchmarks/task_claim_check.py --tasks 400 --workers 4

django-tasks-db claims a task with SELECT ... FOR UPDATE SKIP LOCKED inside a transaction and
marks it RUNNING before committing (docs/deployment.md). This enqueues N small tasks, starts W
`manage.py db_worker --batch` processes at the same moment, waits for them, and prints how many
tasks each worker ran and how many were claimed more than once (must be 0). Exits 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trellis.settings")
os.environ.setdefault("TRELLIS_DEMO", "1")  # a SECRET_KEY for a throw-away run


import django  # noqa: E402 - after the path and settings above

django.setup()  # a no-op beyond logging when a worker imports this module
from django_tasks import task  # noqa: E402


@task()
def claim_probe(n: int) -> dict:
    """A few milliseconds of work, reporting which process ran it."""
    time.sleep(0.005)
    return {"n": n, "pid": os.getpid()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=400)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    # The task under its importable name (run as a script, this file is __main__).
    from benchmarks import task_claim_check as module
    from django.core.management import call_command
    from django.db import connection
    from django_tasks_db.models import DBTaskResult
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0, interactive=False)
    path = "benchmarks.task_claim_check.claim_probe"
    DBTaskResult.objects.filter(task_path=path).delete()
    started = time.perf_counter()
    for n in range(args.tasks):
        module.claim_probe.enqueue(n)
    print(f"enqueued {args.tasks} tasks in {time.perf_counter() - started:.1f} s")

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    command = [sys.executable, str(ROOT / "manage.py"), "db_worker", "--batch", "--no-reload",
               "--no-startup-delay", "-v0"]
    started = time.perf_counter()
    workers = [subprocess.Popen(command, env=env, cwd=ROOT) for _ in range(args.workers)]  # noqa: S603
    codes = [w.wait(timeout=600) for w in workers]
    elapsed = time.perf_counter() - started

    rows = list(DBTaskResult.objects.filter(task_path=path).values("status", "worker_ids", "return_value"))
    by_status = Counter(r["status"] for r in rows)
    claims = Counter(len(r["worker_ids"]) for r in rows)
    per_worker = Counter(r["worker_ids"][0] for r in rows if r["worker_ids"])
    ran_by_pid = Counter((r["return_value"] or {}).get("pid") for r in rows)
    print(f"{args.workers} workers ran {len(rows)} tasks in {elapsed:.1f} s "
          f"({len(rows) / elapsed:.0f} tasks/s); exit codes {codes}")
    print(f"status: {dict(by_status)}")
    print(f"claims per task: {dict(sorted(claims.items()))}  (1 = claimed once)")
    print("tasks per worker: " + ", ".join(str(n) for _, n in per_worker.most_common()))
    double = sum(n for k, n in claims.items() if k != 1)
    print(f"claimed more than once: {double}; distinct processes that ran tasks: {len(ran_by_pid)}")
    DBTaskResult.objects.filter(task_path=path).delete()
    ok = double == 0 and by_status.get("SUCCESSFUL", 0) == args.tasks and not any(codes)
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
