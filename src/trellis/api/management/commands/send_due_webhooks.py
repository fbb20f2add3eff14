from django.core.management.base import BaseCommand

from trellis.api import tasks


class Command(BaseCommand):
    help = "Attempt the webhook deliveries whose retry time has come (the worker does this itself)."

    def handle(self, *args, **options):
        count = tasks.send_due()
        self.stdout.write(f"Attempted {count} webhook deliver{'y' if count == 1 else 'ies'}.")
