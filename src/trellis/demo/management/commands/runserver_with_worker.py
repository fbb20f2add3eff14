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

    def handle(self, *args, addrport, **options):
        # The worker is a child process so match rounds run in the background as in production.
        manage = str(settings.BASE_DIR / "manage.py")
        # Fixed argument list, no shell: nothing here comes from user input.
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, manage, "db_worker", "--interval", "0.5", "--no-reload"]
        )
        # A plain `kill` of the server must not leave the worker running on its own.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
