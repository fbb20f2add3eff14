"""The image, compose file, crontab and gunicorn config say what docs/deployment.md promises.
(CI also builds the image when a Docker daemon is there, or runs hadolint and
`docker compose config` when not; these checks run everywhere.)"""

import re
import runpy

import pytest
import yaml
from django.core.management import get_commands
from django.test import override_settings

from tests.deploy.support import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]


def stages():
    """[(stage name, [instruction lines])] with continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            name = line.split(" AS ")[-1] if " AS " in line else line.split()[1]
            out.append((name, []))
        elif out:
            out[-1][1].append(line)
    return out


def test_the_image_is_multi_stage_and_runs_as_a_non_root_user():
    names = [name for name, _ in stages()]
    assert len(names) >= 2 and names[-1] == "runtime"
    runtime = stages()[-1][1]
    users = [line.split()[1] for line in runtime if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert any(line.startswith("COPY --from=build /opt/venv") for line in runtime)
    assert not any("uv" in line.split() for line in runtime if line.startswith("RUN"))


def test_the_image_installs_the_lock_with_uv_and_collects_static_files_at_build():
    build = dict(stages())["build"]
    assert any("uv pip sync" in line and "requirements.lock" in line for line in build)
    assert any("collectstatic" in line for line in build)
    assert any("-e ." in line for line in build if "uv pip install" in line)


def test_no_secret_is_baked_into_the_image():
    for _name, lines in stages():
        for line in lines:
            if line.startswith(("ENV ", "ARG ")):
                assert not re.search(r"(SECRET|PASSWORD|TOKEN)\w*=", line), line
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ".env" in ignored and ".git" in ignored


def test_the_image_starts_gunicorn_with_the_config_file():
    assert 'CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py"]' in DOCKERFILE


def test_compose_runs_the_whole_stack():
    assert {"db", "migrate", "web", "worker", "scheduler"} <= set(SERVICES)
    assert SERVICES["web"]["command"] == ["gunicorn", "-c", "deploy/gunicorn.conf.py"]
    assert SERVICES["worker"]["command"][:3] == ["python", "manage.py", "run_task_worker"]
    assert SERVICES["scheduler"]["command"][0] == "supercronic"
    assert SERVICES["scheduler"]["command"][-1] == "/app/deploy/crontab"
    assert SERVICES["db"]["image"].startswith("postgres:")
    for name in ("web", "worker", "scheduler"):
        assert SERVICES[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert SERVICES[name]["image"] == SERVICES["migrate"]["image"]  # one image for all
    assert "/readyz" in " ".join(SERVICES["web"]["healthcheck"]["test"])


def test_compose_requires_secrets_from_the_environment_and_holds_none():
    env = SERVICES["web"]["environment"]
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert "${POSTGRES_PASSWORD:?" in env["DATABASE_URL"]
    assert SERVICES["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    for service in SERVICES.values():
        for key, value in (service.get("environment") or {}).items():
            if re.search(r"SECRET|PASSWORD|TOKEN", key):
                assert str(value).startswith("${"), (key, value)


def crontab_lines():
    lines = (ROOT / "deploy" / "crontab").read_text().splitlines()
    return [line for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_every_scheduled_job_is_a_real_management_command():
    commands = get_commands()
    names = []
    for line in crontab_lines():
        fields = line.split()
        schedule, command = fields[:5], fields[5:]
        assert all(re.fullmatch(r"[\d*/,-]+", f) for f in schedule), line
        assert command[:2] == ["python", "manage.py"], line
        assert command[2] in commands, f"no management command {command[2]!r}: {line}"
        names.append(command[2])
    assert "send_approval_requests" in names


def load_gunicorn_config(monkeypatch, tmp_path, **env):
    for key in list(env) + ["GUNICORN_WORKERS", "WEB_CONCURRENCY", "GUNICORN_MAX_REQUESTS_JITTER"]:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "metrics"))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))


def test_gunicorn_config_recycles_workers_and_reads_the_environment(monkeypatch, tmp_path):
    config = load_gunicorn_config(
        monkeypatch, tmp_path, GUNICORN_WORKERS="5", GUNICORN_THREADS="8",
        GUNICORN_TIMEOUT="45", GUNICORN_MAX_REQUESTS="500", GUNICORN_BIND="0.0.0.0:9000",
    )
    assert (config["workers"], config["threads"], config["worker_class"]) == (5, 8, "gthread")
    assert (config["timeout"], config["max_requests"], config["max_requests_jitter"]) == (45, 500, 50)
    assert config["bind"] == ["0.0.0.0:9000"]
    assert config["wsgi_app"] == "trellis.wsgi:application"
    assert config["control_socket_disable"] is True


def test_gunicorn_config_defaults_and_web_concurrency(monkeypatch, tmp_path):
    config = load_gunicorn_config(monkeypatch, tmp_path, WEB_CONCURRENCY="3")
    assert config["workers"] == 3
    assert config["max_requests"] == 1000 and config["max_requests_jitter"] == 100
    assert config["accesslog"] is None  # Trellis logs each request itself


def test_gunicorn_config_names_a_bad_value(monkeypatch, tmp_path):
    with pytest.raises(SystemExit, match="GUNICORN_WORKERS='many'"):
        load_gunicorn_config(monkeypatch, tmp_path, GUNICORN_WORKERS="many")


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_task_worker_command_is_db_worker_plus_a_metrics_port():
    from django_tasks_db.management.commands.db_worker import Command as DbWorker

    from trellis.core.management.commands.run_task_worker import Command

    assert issubclass(Command, DbWorker)
    options = Command().create_parser("manage.py", "run_task_worker").parse_args(
        ["--metrics-port", "9100", "--metrics-address", "0.0.0.0", "--batch"]
    )
    assert (options.metrics_port, options.metrics_address, options.batch) == (9100, "0.0.0.0", True)


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}, METRICS_TOKEN=""
)
def test_the_task_worker_will_not_open_a_metrics_port_without_a_token():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="METRICS_TOKEN"):
        call_command("run_task_worker", "--batch", "--no-startup-delay", "--metrics-port", "9", "--no-reload")


def names_read():
    """Every environment variable the settings, the gunicorn config, compose and the drill read."""
    settings_py = (ROOT / "src" / "trellis" / "settings.py").read_text()
    gunicorn_py = (ROOT / "deploy" / "gunicorn.conf.py").read_text()
    compose = (ROOT / "compose.yaml").read_text()
    drill = (ROOT / "deploy" / "backup-restore-drill.sh").read_text()
    names = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', settings_py))
    names |= set(re.findall(r'os\.environ\.get\("([A-Z][A-Z0-9_]+)"', settings_py + gunicorn_py))
    names |= set(re.findall(r'_int\("([A-Z][A-Z0-9_]+)"', gunicorn_py))
    names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", compose))
    names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+):-", drill))  # the drill's own, with defaults
    return names - {"PGDATABASE", "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD"}  # libpq's own


def test_env_example_lists_every_variable_read():
    listed = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    read = names_read()
    assert {"SECRET_KEY", "CACHE_URL", "METRICS_TOKEN", "GUNICORN_WORKERS", "POSTGRES_PASSWORD"} <= read
    assert read - listed == set()
