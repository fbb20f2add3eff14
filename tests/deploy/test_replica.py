"""The report replica: with DATABASE_REPLICA_URL set, report pages read from it and nothing else
does. Proven with two SQLite files in a fresh process (settings are read at start-up)."""

import json

import pytest

from tests.deploy.support import production_env, run_python
from trellis.core.replica import ReportReplicaRouter, reads_from_replica


@pytest.fixture(scope="module")
def routed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("replica")
    primary, replica = folder / "primary.sqlite3", folder / "replica.sqlite3"
    env = production_env(
        TRELLIS_TESTING="1",
        DJANGO_SETTINGS_MODULE="trellis.settings",
        DATABASE_URL=f"sqlite:///{primary}",
        DATABASE_REPLICA_URL=f"sqlite:///{replica}",
    )
    code = f"from tests.deploy.replica_check import main; main({str(primary)!r}, {str(replica)!r})"
    done = run_python(code, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_migrate_leaves_the_replica_alone(routed):
    assert routed["replica_tables_after_migrate"] == []


def test_a_report_page_reads_from_the_replica(routed):
    board = routed["board"]
    assert board["status"] == 200
    assert len(board["replica"]) >= 5
    assert all(sql.lstrip().upper().startswith("SELECT") for sql in board["replica"])
    # Reports' hand-written two-level aggregates (regroup) follow the router too.
    assert any('AS "inner"' in sql for sql in board["replica"])
    assert not any('AS "inner"' in sql for sql in board["default"])


def test_the_signed_in_user_and_session_are_read_from_the_primary(routed):
    board = routed["board"]
    # The session exists only on the primary (made after the snapshot): a 200 proves where it came from.
    assert any('"django_session"' in sql for sql in board["default"])
    assert any('"accounts_user"' in sql for sql in board["default"])
    assert not any('"django_session"' in sql for sql in board["replica"])


def test_pages_outside_reports_never_touch_the_replica(routed):
    assert routed["students"]["status"] == 200
    assert routed["students"]["replica"] == []


def test_a_write_request_to_a_report_url_stays_on_the_primary(routed):
    assert routed["draft_post"]["replica"] == []
    assert routed["draft_post"]["default"]


def test_without_a_replica_everything_reads_from_default():
    router = ReportReplicaRouter()
    from trellis.students.models import Student

    with reads_from_replica():
        assert router.db_for_read(Student) == "default"  # no replica configured in the test run
    assert router.db_for_write(Student) == "default"
    assert router.allow_migrate("replica", "students") is False
    assert router.allow_migrate("default", "students") is True
