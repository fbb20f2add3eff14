"""Rebuild the reports' roll-up of approved hours from the hour logs."""

from django.core.management.base import BaseCommand, CommandError

from trellis.districts.models import District
from trellis.hours.models import ApprovedHoursByYear
from trellis.hours.totals import recount_district


class Command(BaseCommand):
    help = (
        "Recount approved hours per placement and school year from the hour logs. The app keeps "
        "these in step by itself; run this after changing hour logs or school years by SQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--district", help="Only this district (its slug).")

    def handle(self, *args, district=None, **options):
        districts = District.objects.order_by("slug")
        if district:
            districts = districts.filter(slug=district)
            if not districts.exists():
                raise CommandError(f"No district with slug {district!r}.")
        for each in districts:
            recount_district(each)
            rows = ApprovedHoursByYear.objects.filter(placement__district=each).count()
            self.stdout.write(f"{each.slug}: {rows} placement-year row(s) counted.")
