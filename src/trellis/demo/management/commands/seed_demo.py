"""`manage.py seed_demo`: load the Maple Valley demo district and print the demo logins."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from trellis.accounts.models import User
from trellis.core.models import AuditAction, AuditEvent
from trellis.demo.build import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DISTRICT_NAME,
    DISTRICT_SLUG,
    build_demo_district,
)
from trellis.demo.reset import delete_district
from trellis.districts.models import District
from trellis.rostering.export import write_roster_zip

MIN_STUDENTS = 100


class Command(BaseCommand):
    help = (
        "Load the fictional Maple Valley demo district (deterministic for a seed) and print a "
        "login per role. Does nothing if it is already loaded, unless --reset."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--students", type=int, default=1200, help="Enrolled students (default 1,200)."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo district and its accounts, then build it again.",
        )
        parser.add_argument(
            "--roster-zip",
            metavar="PATH",
            help="Also write the district as its SIS would export it (a OneRoster 1.2 ZIP), for import_oneroster.",
        )

    def handle(self, *args, students, seed, reset, roster_zip=None, **options):
        if students < MIN_STUDENTS:
            raise CommandError(f"--students must be at least {MIN_STUDENTS}.")
        existing = District.objects.filter(slug=DISTRICT_SLUG).first()
        if existing and not reset:
            self.stdout.write("Demo district already loaded (use --reset to rebuild it).")
            self._write_roster(existing, roster_zip)
            self._print_logins()
            return
        started = time.perf_counter()
        with transaction.atomic():
            if existing:
                delete_district(existing)
            usernames = [login[1] for login in DEMO_LOGINS]
            taken = sorted(
                User.objects.filter(username__in=usernames).values_list("username", flat=True)
            )
            if taken:
                raise CommandError(
                    f"These usernames already belong to accounts outside the demo district: {', '.join(taken)}."
                )
            counts = build_demo_district(students=students, seed=seed)
            district = District.objects.get(slug=DISTRICT_SLUG)
            AuditEvent.record(
                actor=None,
                action=AuditAction.DEMO_SEEDED,
                district=district,
                data={"students": students, "seed": seed},
            )
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Built {DISTRICT_NAME} in {seconds:.1f} s: {students:,} students, "
                f"{counts['partners.Partner']:,} partners, {counts['opportunities.Opportunity']:,} opportunities, "
                f"{counts['placements.Placement']:,} placements, {counts['hours.HourLog']:,} hour logs "
                f"({sum(counts.values()):,} rows)."
            )
        )
        if options["verbosity"] > 1:
            for label, count in sorted(counts.items()):
                self.stdout.write(f"  {label:<40} {count:>10,}")
        self._write_roster(district, roster_zip)
        self._print_logins()

    def _write_roster(self, district, path):
        """The demo's SIS export: `make demo` imports it, so every run exercises the importer."""
        if not path:
            return
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        write_roster_zip(district, path)
        self.stdout.write(f"Wrote the district's OneRoster export to {path}.")

    def _print_logins(self):
        rows = [("Role", "Username", "Password", "What to look at")]
        rows += [
            (role, username, DEMO_PASSWORD, what) for role, username, _f, _l, what in DEMO_LOGINS
        ]
        widths = [max(len(r[k]) for r in rows) for k in range(3)]
        for n, row in enumerate(rows):
            self.stdout.write(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
                + "  "
                + row[3]
            )
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths) + "  " + "-" * len(row[3]))
