"""Prometheus metrics: protected scrape, latency by view, the task queue, job durations, and the
sum across several gunicorn workers (multiprocess mode)."""

import datetime as dt
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from tests import factories as f
from tests.deploy.support import PYTHON, ROOT, free_port, production_env
from tests.placements.rounds_support import make_round, rank
from trellis.core import metrics
from trellis.districts.services import CalendarImportError, import_calendar
from trellis.placements.models import MatchRun
from trellis.placements.rounds import services as round_services

pytestmark = pytest.mark.django_db
TOKEN = "metrics-test-token"


def samples(text: str) -> dict:
    """{(name, frozenset(labels)): value} from an exposition page."""
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def value(name, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


# --- the endpoint ----------------------------------------------------------------------------


def test_metrics_do_not_exist_without_a_token(client):
    with override_settings(METRICS_TOKEN=""):
        assert client.get("/metrics").status_code == 404


@override_settings(METRICS_TOKEN=TOKEN)
@pytest.mark.parametrize("authorization", [None, "Bearer wrong", f"Basic {TOKEN}", TOKEN, f"Bearer {TOKEN}x"])
def test_metrics_refuse_a_missing_or_wrong_token(client, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"trellis_" not in response.content


@override_settings(METRICS_TOKEN=TOKEN)
def test_metrics_show_request_latency_by_view(client):
    client.get("/healthz")
    client.get("/healthz")
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    got = samples(response.content.decode())
    key = (
        "django_http_requests_latency_seconds_by_view_method_count",
        frozenset({"view": "healthz", "method": "GET"}.items()),
    )
    assert got[key] >= 2


def test_metrics_are_public_under_login_required_middleware():
    assert metrics.metrics_view.login_required is False


# --- the task queue --------------------------------------------------------------------------


def _task(*, status="READY", queue="default", waited=dt.timedelta(0), run_after=None):
    row = DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="trellis.placements.rounds.tasks.execute_match_run",
        backend_name="default",
        queue_name=queue,
        run_after=run_after or get_date_max(),
    )
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=timezone.now() - waited)
    return row


def test_task_queue_depth_and_oldest_wait_per_queue():
    now = timezone.now()
    _task(waited=dt.timedelta(minutes=5))
    _task(waited=dt.timedelta(seconds=10))
    _task(queue="email", waited=dt.timedelta(minutes=1))
    # Deferred: enqueued an hour ago but due only two minutes ago, so it has waited two minutes.
    _task(queue="email", waited=dt.timedelta(hours=1), run_after=now - dt.timedelta(minutes=2))
    _task(waited=dt.timedelta(hours=2), run_after=now + dt.timedelta(hours=1))  # not due: not ready
    _task(status="RUNNING", waited=dt.timedelta(minutes=3))
    _task(status="SUCCESSFUL", waited=dt.timedelta(days=1))
    got = {}
    for family in metrics.TaskQueueCollector().collect():
        for s in family.samples:
            got[(s.name, s.labels.get("queue"))] = s.value
    assert got[("trellis_task_queue_ready", "default")] == 2
    assert got[("trellis_task_queue_ready", "email")] == 2
    assert 300 <= got[("trellis_task_queue_oldest_ready_age_seconds", "default")] < 330
    assert 120 <= got[("trellis_task_queue_oldest_ready_age_seconds", "email")] < 150
    assert got[("trellis_task_running", "default")] == 1
    assert got[("trellis_task_running", "email")] == 0
    assert got[("trellis_task_queue_scrape_error", None)] == 0


def test_an_empty_queue_reports_zero():
    got = {(s.name, s.labels.get("queue")): s.value for fam in metrics.TaskQueueCollector().collect() for s in fam.samples}
    assert got[("trellis_task_queue_ready", "default")] == 0
    assert got[("trellis_task_queue_oldest_ready_age_seconds", "default")] == 0


# --- durations -------------------------------------------------------------------------------


def test_timed_records_ok_and_error_outcomes():
    before_ok = value("trellis_roster_import_seconds_count", outcome="ok")
    before_error = value("trellis_roster_import_seconds_count", outcome="error")
    with metrics.timed("roster_import") as timing:
        pass
    with pytest.raises(ValueError), metrics.timed("roster_import"):
        raise ValueError("bad row")
    assert timing.seconds >= 0
    assert value("trellis_roster_import_seconds_count", outcome="ok") == before_ok + 1
    assert value("trellis_roster_import_seconds_count", outcome="error") == before_error + 1


def test_an_unknown_duration_name_is_refused():
    with pytest.raises(KeyError, match="No duration metric named 'roster'"), metrics.timed("roster"):
        pass


def test_a_match_run_is_timed_by_mode_and_outcome(personas, monkeypatch):
    p = personas
    opp = f.OpportunityFactory(partner=p.partner_p, seats=1)
    student = f.StudentFactory(school=p.school_a, grade=12)
    match_round = make_round(p.district, opportunities=[opp], students=[student])
    rank(match_round, student, opp)
    before = value("trellis_match_run_seconds_count", mode="stable", outcome="ok")
    run = MatchRun.objects.create(match_round=match_round, mode="stable", requested_by=p.coordinator_district)
    done = round_services.perform_match_run(run)
    assert done.status == MatchRun.Status.DONE
    assert value("trellis_match_run_seconds_count", mode="stable", outcome="ok") == before + 1
    assert value("trellis_match_run_seconds_sum", mode="stable", outcome="ok") > 0

    def boom(_round):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(round_services.adapter, "build_problem", boom)
    failed_before = value("trellis_match_run_seconds_count", mode="stable", outcome="failed")
    run = MatchRun.objects.create(match_round=match_round, mode="stable", requested_by=p.coordinator_district)
    assert round_services.perform_match_run(run).status == MatchRun.Status.FAILED
    assert value("trellis_match_run_seconds_count", mode="stable", outcome="failed") == failed_before + 1


def test_a_refused_calendar_import_is_timed_as_an_error():
    district = f.DistrictFactory()
    before = value("trellis_calendar_import_seconds_count", outcome="error")
    with pytest.raises(CalendarImportError):
        import_calendar(district=district, ics_bytes=b"not a calendar", actor=None, source_label="x")
    assert value("trellis_calendar_import_seconds_count", outcome="error") == before + 1


# --- the task worker's exporter --------------------------------------------------------------


def _get(url, token=None):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - loopback
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@override_settings(METRICS_TOKEN=TOKEN)
def test_the_worker_exporter_serves_job_durations_behind_the_token():
    metrics.observe_duration("match_run", 1.5, mode="max-placement")
    server = metrics.serve_worker_metrics("127.0.0.1", 0)
    try:
        url = f"http://127.0.0.1:{server.server_port}/metrics"
        assert _get(url)[0] == 401
        assert _get(url, "wrong")[0] == 401
        status, body = _get(url, TOKEN)
        assert status == 200
        key = ("trellis_match_run_seconds_count", frozenset({"mode": "max-placement", "outcome": "ok"}.items()))
        assert samples(body)[key] >= 1
    finally:
        server.shutdown()
        server.server_close()


def test_the_worker_exporter_will_not_open_without_a_token():
    with override_settings(METRICS_TOKEN=""), pytest.raises(ValueError, match="METRICS_TOKEN"):
        metrics.serve_worker_metrics("127.0.0.1", 0)


# --- several gunicorn workers ----------------------------------------------------------------


def _wait_for(url, deadline):
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
                return
        except urllib.error.HTTPError:
            return  # an HTTP answer, even a refusal, means the server is up
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not answer {url} in time")


@pytest.mark.django_db(transaction=False)
def test_metrics_add_up_across_gunicorn_workers_including_recycled_ones(tmp_path):
    """Two sync workers; one is held busy by a half-sent request, so the other serves ten requests
    (and is recycled on the way, max_requests=4); the held one then serves one. Whichever worker
    answers the scrape must report all eleven."""
    port = free_port()
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",  # the queue gauges just report an error
        METRICS_TOKEN=TOKEN,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="1",
        GUNICORN_MAX_REQUESTS="4",
        GUNICORN_MAX_REQUESTS_JITTER="0",
        GUNICORN_TIMEOUT="300",  # the held worker must outlast a slow (shared, loaded) machine
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
    )
    server = subprocess.Popen(  # noqa: S603 - the venv's gunicorn, fixed arguments
        [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/metrics", time.monotonic() + 180)  # a 401 is an answer too
        held = socket.create_connection(("127.0.0.1", port), timeout=300)
        held.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # headers not finished
        time.sleep(0.5)
        for _ in range(10):
            status, _body = _get(f"{base}/healthz")
            assert status == 200
        held.sendall(b"Connection: close\r\n\r\n")
        reply = b""
        while chunk := held.recv(65536):
            reply += chunk
        held.close()
        assert reply.startswith(b"HTTP/1.1 200")
        status, body = _get(f"{base}/metrics", TOKEN)
        assert status == 200
        got = samples(body)
        key = (
            "django_http_requests_latency_seconds_by_view_method_count",
            frozenset({"view": "healthz", "method": "GET"}.items()),
        )
        assert got[key] == 11
        assert got[("trellis_task_queue_scrape_error", frozenset())] == 1
        pids = {p.name.rsplit("_", 1)[-1] for p in (tmp_path / "metrics").glob("histogram_*.db")}
        assert len(pids) >= 3  # two first workers and at least one that replaced a recycled one
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert "Booting worker" in output
