"""manage.py sync_oneroster [--district SLUG]: the nightly pull from each district's SIS."""

from django.core.management.base import BaseCommand, CommandError

from trellis.rostering.models import RosterImport
from trellis.rostering.pull import pull_enabled_sources


class Command(BaseCommand):
    help = (
        "Pull the roster from every enabled OneRoster 1.2 REST connection (or one district's) and "
        "import it as a bulk file. Exit status 1 when any pull was refused or failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--district", help="Only this district (its slug).")

    def handle(self, *args, district=None, **options):
        imports = pull_enabled_sources(district_slug=district)
        if district and not imports:
            raise CommandError(f"District {district!r} has no enabled SIS connection.")
        failed = 0
        for roster_import in imports:
            line = f"{roster_import.district.slug}: {roster_import.get_status_display().lower()}"
            if roster_import.status == RosterImport.Status.DONE:
                counts = roster_import.counts.get("students", {})
                self.stdout.write(f"{line} (students: {counts.get('new', 0)} new, {counts.get('updated', 0)} "
                                  f"updated, {counts.get('deactivated', 0)} deactivated)")
            else:
                failed += 1
                reason = roster_import.error or f"{roster_import.problem_count} refused rows"
                self.stderr.write(f"{line}: {reason}")
        if failed:
            raise CommandError(f"{failed} of {len(imports)} pulls did not import.")
        self.stdout.write(f"{len(imports)} roster pull{'s' if len(imports) != 1 else ''} imported.")
