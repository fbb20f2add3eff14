"""Shared set-up for the hours tests: placements that run in the past, logs, paid opportunities.

The persona placements start in 2027; logging refuses future dates, so these helpers move
a placement into autumn 2026 (always in the past from now on).
"""

import datetime as dt
from decimal import Decimal

from tests import factories as f
from trellis.hours.models import HourLog

START = dt.date(2026, 9, 1)
END = dt.date(2027, 6, 11)
MONDAY = dt.date(2026, 10, 5)  # a school day in the 2026–27 school year


def current(placement, *, start=START, end=END):
    """Make the placement run over past dates (its opportunity too, for budgets)."""
    placement.start_date, placement.end_date = start, end
    placement.save(update_fields=["start_date", "end_date"])
    return placement


def paid(opportunity, rate="8.50", target=None):
    opportunity.is_paid = True
    opportunity.hourly_rate = Decimal(rate)
    if target is not None:
        opportunity.target_hours = Decimal(target)
    opportunity.save()
    return opportunity


def log(placement, day=MONDAY, start=(9, 0), end=(12, 0), status=HourLog.Status.SUBMITTED, **extra):
    """An hour log written directly (not through the service), for set-up."""
    start_t, end_t = dt.time(*start), dt.time(*end)
    seconds = (end_t.hour * 60 + end_t.minute - start_t.hour * 60 - start_t.minute) * 60
    return f.HourLogFactory(
        placement=placement,
        date=day,
        start_time=start_t,
        end_time=end_t,
        hours=(Decimal(seconds) / 3600).quantize(Decimal("0.01")),
        status=status,
        **extra,
    )


def school_year(district):
    return f.SchoolYearFactory(district=district)
