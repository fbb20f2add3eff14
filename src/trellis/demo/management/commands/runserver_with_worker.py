"""Serve the app and run the background-task worker beside it (for `make demo`)."""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def served_site_url(addrport: str) -> str:
    """The address people reach the server on, for e-mailed links: `8611` or `0.0.0.0:8611`
    become http://127.0.0.1:8611 (a wildcard address is not one a browser can open)."""
    host, _, port = addrport.rpartition(":")
    if not host and not port.isdigit():
        host, port = port, "8000"
    host = host.strip("[]") or "127.0.0.1"
    if host in ("0.0.0.0", "::", "0"):  # noqa: S104 (recognising a wildcard, not binding one)
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def follow_served_address(addrport: str) -> str:
    """Unless SITE_URL is set (production, or a chosen demo address), e-mailed links follow
    the address this server is started on; the worker process inherits it."""
    if not os.environ.get("SITE_URL"):
        os.environ["SITE_URL"] = served_site_url(addrport)
        settings.SITE_URL = os.environ["SITE_URL"]
    return settings.SITE_URL


class Command(BaseCommand):
    help = "Run the development server together with a django-tasks database worker."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--idp-port", type=int, default=8001,
            help="Port of the demo's local identity provider (0: none)",
        )

    def handle(self, *args, addrport, idp_port, **options):
        site = follow_served_address(addrport)
        self.stdout.write(f"E-mailed links point to {site}")
        # The worker is a child process so match rounds run in the background as in production.
        manage = str(settings.BASE_DIR / "manage.py")
        # Fixed argument list, no shell: nothing here comes from user input.
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, manage, "db_worker", "--interval", "0.5", "--no-reload"]
        )
        children = [worker]
        if idp_port:
            from trellis.demo.sso import prepare_demo_sso

            host = addrport.rpartition(":")[0] or "127.0.0.1"
            port = addrport.rpartition(":")[2]
            directory = prepare_demo_sso(
                site_url=f"http://{host}:{port}", idp_url=f"http://127.0.0.1:{idp_port}"
            )
            if directory is not None:
                # The district's identity provider, its own process and database (offline SSO).
                children.append(subprocess.Popen(  # noqa: S603
                    [sys.executable, "-m", "trellis.demo.idp", str(directory), "--port", str(idp_port)]
                ))
                self.stdout.write(
                    f"District SSO (demo): http://127.0.0.1:{idp_port}/o; sign in with any demo "
                    "e-mail (e.g. student@maple-valley.example.org) and the demo password."
                )
        # A plain `kill` of the server must not leave the worker running on its own.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            for child in children:
                child.terminate()
                child.wait(timeout=10)
