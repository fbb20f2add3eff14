"""Serve the app and run the background-task worker beside it (for `make demo`)."""

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the development server together with a django-tasks database worker."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--idp-port", type=int, default=8001,
            help="Port of the demo's local identity provider (0: none)",
        )

    def handle(self, *args, addrport, idp_port, **options):
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
