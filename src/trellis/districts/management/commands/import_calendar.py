"""manage.py import_calendar DISTRICT_SLUG FILE_OR_URL: import a district calendar from an ICS."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trellis.districts.ics import CalendarImportError, fetch_ics
from trellis.districts.models import District
from trellis.districts.services import import_calendar


class Command(BaseCommand):
    help = (
        "Import (or re-import) a district's calendar from an ICS file or an http(s)/webcal address."
    )

    def add_arguments(self, parser):
        parser.add_argument("district", help="The district's slug.")
        parser.add_argument(
            "source", help="Path to an .ics file, or an https:// or webcal:// address."
        )

    def handle(self, *args, district, source, **options):
        found = District.objects.filter(slug=district).first()
        if found is None:
            raise CommandError(f"No district with the slug {district!r}.")
        try:
            if source.lower().startswith(("http://", "https://", "webcal://")):
                ics_bytes, label = fetch_ics(source), source
            else:
                path = Path(source)
                if not path.is_file():
                    raise CommandError(f"No such file: {source}")
                ics_bytes, label = path.read_bytes(), path.name
            summary = import_calendar(
                district=found, ics_bytes=ics_bytes, actor=None, source_label=label
            )
        except CalendarImportError as exc:
            raise CommandError(
                "The calendar was not imported:\n  " + "\n  ".join(exc.problems)
            ) from None
        self.stdout.write(self.style.SUCCESS(summary.message))
