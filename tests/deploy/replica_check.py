"""Run in a fresh process by test_replica.py: two SQLite files, the second a snapshot of the first
taken like a replica, then pages requested with every query's database recorded."""

import json
import sqlite3
import sys

import django


def main(primary: str, replica: str) -> None:
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    from tests import factories as f
    from trellis.accounts.models import Role
    from trellis.insights.departments import ROLE_TEMPLATES

    call_command("migrate", verbosity=0, interactive=False)  # the router keeps it off the replica
    tables_after_migrate = _tables(replica)
    district = f.DistrictFactory()
    f.SchoolYearFactory(district=district)  # so the reports' two-level aggregates run too
    coordinator = f.UserFactory(username="coordinator")
    f.MembershipFactory(user=coordinator, district=district, role=Role.COORDINATOR)
    connections.close_all()
    with sqlite3.connect(primary) as source, sqlite3.connect(replica) as target:
        source.backup(target)  # the replica, as of now

    # After the snapshot, only on the primary: a student the replica has not seen yet.
    f.StudentFactory(school=f.SchoolFactory(district=district), first_name="Newcomer")
    # This check is about where reads go; staff MFA enrolment has its own tests (tests/signin).
    settings.SIGNIN_REQUIRE_MFA = False
    client = Client()
    client.force_login(coordinator)  # the session exists on the primary only

    log: dict[str, list[str]] = {"default": [], "replica": []}

    def recorder(alias):
        def record(execute, sql, params, many, context):
            log[alias].append(sql)
            return execute(sql, params, many, context)

        return record

    out = {}
    for label, method, path in [
        ("board", "get", "/insights/board/"),
        ("students", "get", "/students/"),
        ("draft_post", "post", f"/insights/grow/{ROLE_TEMPLATES[0].key}/"),
    ]:
        log["default"].clear()
        log["replica"].clear()
        with connections["default"].execute_wrapper(recorder("default")), connections[
            "replica"
        ].execute_wrapper(recorder("replica")):
            response = getattr(client, method)(path)
        out[label] = {
            "status": response.status_code,
            "default": list(log["default"]),
            "replica": list(log["replica"]),
        }
    out["replica_tables_after_migrate"] = tables_after_migrate
    print(json.dumps(out))


def _tables(path: str) -> list[str]:
    with sqlite3.connect(path) as db:
        return sorted(row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
