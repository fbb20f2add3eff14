"""Helpers for the deployment tests that start real processes (gunicorn, a second Django)."""

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(**overrides) -> dict:
    """The environment of a production-like process: no test or demo switches, HTTP allowed."""
    env = {k: v for k, v in os.environ.items() if k not in {"TRELLIS_TESTING", "TRELLIS_DEMO", "DEBUG"}}
    env.pop("PYTEST_XDIST_WORKER", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        {
            "SECRET_KEY": "deploy-tests-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "HTTPS": "false",
            "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
        }
    )
    env.update(overrides)
    return env


def run_python(code: str, *, env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter (settings read at start-up need a fresh process)."""
    return subprocess.run(  # noqa: S603 - fixed interpreter, test-authored code
        [PYTHON, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
