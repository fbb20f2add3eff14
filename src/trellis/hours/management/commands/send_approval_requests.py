"""E-mail every mentor with hour logs awaiting approval a single-use approval link."""

from django.core.management.base import BaseCommand, CommandError

from trellis.districts.models import District
from trellis.hours.models import HourLog
from trellis.hours.services import send_pending_approval_requests


class Command(BaseCommand):
    help = (
        "E-mail each mentor with submitted hour logs a signed, expiring link to approve them. "
        "Logs already covered by an open link are not sent again, so this is safe to run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--district", help="Only this district (its slug).")

    def handle(self, *args, district=None, **options):
        logs = HourLog.objects.all()
        if district:
            try:
                logs = logs.filter(placement__district=District.objects.get(slug=district))
            except District.DoesNotExist:
                raise CommandError(f"No district with slug {district!r}.") from None
        result = send_pending_approval_requests(logs=logs)
        self.stdout.write(
            f"E-mailed {result['sent']} mentor(s) about {result['logs']} log(s); "
            f"skipped {result['skipped_mentors']} mentor(s) without an e-mail address."
        )
