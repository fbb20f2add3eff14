"""Shared set-up for calendar tests: the fixture ICS, the standard mappings, a school year."""

import datetime as dt
from pathlib import Path

from tests import factories as f
from trellis.districts.models import DayType, DayTypeMapping
from trellis.districts.services import import_calendar

FIXTURE = Path(__file__).parent / "fixtures" / "maple_valley_2026_27.ics"


def fixture_bytes() -> bytes:
    return FIXTURE.read_bytes()


def add_standard_mappings(district):
    """What a coordinator sets once for the Maple Valley calendar."""
    category, title = DayTypeMapping.MatchField.CATEGORY, DayTypeMapping.MatchField.SUMMARY_CONTAINS
    for field, pattern, day_type, time in [
        (category, "No School", DayType.NO_SCHOOL, None),
        (category, "Holiday", DayType.NO_SCHOOL, None),
        (category, "Early Release", DayType.EARLY_RELEASE, dt.time(12, 30)),
        (title, "early release", DayType.EARLY_RELEASE, dt.time(13, 0)),
    ]:
        DayTypeMapping.objects.create(
            district=district,
            match_field=field,
            pattern=pattern,
            day_type=day_type,
            early_release_time=time,
        )


def school_year(district):
    return f.SchoolYearFactory(
        district=district,
        name="2026–27",
        start_date=dt.date(2026, 8, 24),
        end_date=dt.date(2027, 6, 11),
    )


def imported(world, actor=None):
    """The personas' district with its school year, mappings and the fixture calendar imported."""
    school_year(world.district)
    add_standard_mappings(world.district)
    return import_calendar(
        district=world.district,
        ics_bytes=fixture_bytes(),
        actor=actor or world.coordinator_district,
        source_label="maple_valley_2026_27.ics",
    )
