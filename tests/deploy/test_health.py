"""/healthz and /readyz: public, not redirected to HTTPS, and honest about what is not ready."""

import json

import pytest
from django.conf import settings
from django.db.migrations.recorder import MigrationRecorder
from django.test import override_settings

from tests.deploy.support import production_env, run_python
from trellis.core import health

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_ready_when_every_migration_is_applied(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": {"ok": True}, "migrations": {"ok": True}},
    }


def test_readyz_is_503_and_names_an_unapplied_migration(client):
    latest = MigrationRecorder.Migration.objects.filter(app="hours").order_by("-name").first()
    latest.delete()  # as if this code's newest hours migration had not been run yet
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["migrations"]["ok"] is False
    assert f"hours.{latest.name}" in body["checks"]["migrations"]["unapplied"]
    assert "manage.py migrate" in body["checks"]["migrations"]["error"]


def test_readyz_is_503_when_the_database_is_unreachable():
    # A fresh process whose database is a PostgreSQL port nobody listens on.
    code = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/readyz')\n"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))\n"
    )
    env = production_env(
        TRELLIS_TESTING="1",
        DJANGO_SETTINGS_MODULE="trellis.settings",
        DATABASE_URL="postgres://nobody@127.0.0.1:9/trellis_nowhere",
    )
    done = run_python(code, env=env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == 503
    assert result["body"]["status"] == "not ready"
    assert result["body"]["checks"]["database"]["ok"] is False
    assert "cannot reach the database" in result["body"]["checks"]["database"]["error"]
    assert "127.0.0.1" not in json.dumps(result["body"])  # no host or password in a public body


def test_probes_are_public_under_login_required_middleware(client):
    assert health.healthz.login_required is False and health.readyz.login_required is False
    middleware = [*settings.MIDDLEWARE, "django.contrib.auth.middleware.LoginRequiredMiddleware"]
    with override_settings(MIDDLEWARE=middleware):
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200
        assert client.get("/").status_code == 302  # the rest still needs a sign-in


def test_probes_are_not_redirected_to_https(client):
    with override_settings(SECURE_SSL_REDIRECT=True):
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200
        assert client.get("/").status_code == 301


def test_probes_refuse_writes(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405
