"""manage.py import_oneroster DISTRICT_SLUG FILE.zip [--dry-run] [--skip-invalid]"""

from django.core.management.base import BaseCommand, CommandError

from trellis.districts.models import District
from trellis.rostering.models import RosterImport
from trellis.rostering.oneroster import RosterFileError
from trellis.rostering.services import import_file


class Command(BaseCommand):
    help = (
        "Import a OneRoster 1.1 or 1.2 CSV ZIP (bulk or delta) into a district. A file with any "
        "unusable row is refused whole and nothing is written, unless --skip-invalid."
    )

    def add_arguments(self, parser):
        parser.add_argument("district", help="The district's slug.")
        parser.add_argument("file", help="The OneRoster ZIP.")
        parser.add_argument("--dry-run", action="store_true", help="Check and count; write nothing.")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Import the usable rows and leave the refused ones out."
        )

    def handle(self, *args, district, file, dry_run, skip_invalid, **options):
        try:
            target = District.objects.get(slug=district)
        except District.DoesNotExist:
            raise CommandError(f"No district with slug {district!r}.") from None
        try:
            roster_import, plan = import_file(
                district=target, path=file, dry_run=dry_run, skip_invalid=skip_invalid
            )
        except FileNotFoundError:
            raise CommandError(f"No file {file!r}.") from None
        except RosterFileError as exc:
            raise CommandError("Refused, nothing written: " + "; ".join(str(p) for p in exc.problems)) from None
        if plan is not None:  # dry run
            refused, summary, warnings = plan.refused, plan.summary(), plan.warnings
            problems = [str(p) for p in plan.problems]
        else:
            problems = [_describe(row) for row in roster_import.problems]
            refused = roster_import.status != RosterImport.Status.DONE
            summary, warnings = _summary(roster_import), roster_import.warnings
        for warning in warnings:
            self.stderr.write(f"warning: {warning}")
        for problem in problems:
            self.stderr.write(problem)
        if refused:
            raise CommandError(
                f"Refused, nothing written: {len(problems)} unusable rows (use --skip-invalid to import the rest)."
                if problems else "Refused, nothing written."
            )
        prefix = "Dry run, nothing written" if dry_run else f"Imported {file}"
        left_out = f" ({len(problems)} refused rows left out)" if problems else ""
        self.stdout.write(f"{prefix}: {summary}{left_out}.")


def _describe(row) -> str:
    file, line, column, message = row
    where = f"{file} line {line}" if line else file
    return f"{where}, column {column}: {message}" if column else f"{where}: {message}"


def _summary(roster_import) -> str:
    parts = [
        f"{label.lower()}: {new} new, {updated} updated, {deactivated} deactivated, {unchanged} unchanged"
        for label, new, updated, deactivated, unchanged in roster_import.count_rows()
        if new or updated or deactivated or unchanged
    ]
    return "; ".join(parts) or "nothing to import"
