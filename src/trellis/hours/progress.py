"""Progress toward a placement's target hours, and credits earned under the district's rule.

The arithmetic is pure (dates and Decimals in, a result out) so it is tested without a
database; the thin loaders below run one aggregate query each.
"""

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Min, Q, Sum
from django.db.models.functions import Coalesce

from trellis.hours.models import HourLog

ZERO = Decimal("0")
MIN_DAYS_FOR_PACE = 14


@dataclass(frozen=True)
class Progress:
    """Where a placement stands against its target; `state` drives the wording on the page."""

    approved_hours: Decimal
    pending_hours: Decimal
    target_hours: Decimal | None
    state: str  # no_target | reached | not_enough_data | no_pace | projected
    percent: int | None = None
    remaining_hours: Decimal | None = None
    pace_per_week: Decimal | None = None
    projected_date: dt.date | None = None
    ends_after_placement: bool = False

    @property
    def has_projection(self) -> bool:
        return self.state == "projected"


def project_completion(
    *,
    approved_hours: Decimal,
    target_hours: Decimal | None,
    first_log_date: dt.date | None,
    as_of: dt.date,
    placement_end: dt.date | None = None,
    pending_hours: Decimal = ZERO,
) -> Progress:
    """Approved hours per week since the first log, projected forward to the target.

    Fewer than two weeks since the first log is "not enough data": one busy week would
    otherwise promise a finish date the student cannot keep.
    """
    approved = Decimal(approved_hours or 0)
    pending = Decimal(pending_hours or 0)
    if not target_hours:
        return Progress(approved, pending, None, "no_target")
    target = Decimal(target_hours)
    percent = min(100, int((approved * 100 / target).to_integral_value(rounding=ROUND_HALF_UP)))
    remaining = max(target - approved, ZERO)
    base = {"percent": percent, "remaining_hours": remaining}
    if approved >= target:
        return Progress(approved, pending, target, "reached", **base)
    if first_log_date is None or (as_of - first_log_date).days < MIN_DAYS_FOR_PACE:
        return Progress(approved, pending, target, "not_enough_data", **base)
    weeks = Decimal((as_of - first_log_date).days) / 7
    pace = (approved / weeks).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if approved <= 0:
        return Progress(approved, pending, target, "no_pace", pace_per_week=ZERO, **base)
    days_left = math.ceil(remaining / approved * (as_of - first_log_date).days)
    projected = as_of + dt.timedelta(days=days_left)
    return Progress(
        approved,
        pending,
        target,
        "projected",
        pace_per_week=pace,
        projected_date=projected,
        ends_after_placement=bool(placement_end and projected > placement_end),
        **base,
    )


def progress_from_totals(placement, *, approved, pending, first_log_date, today) -> Progress:
    """Progress for a placement whose totals are already loaded (annotated lists)."""
    as_of = min(today, placement.end_date) if placement.end_date else today
    return project_completion(
        approved_hours=approved or ZERO,
        pending_hours=pending or ZERO,
        target_hours=placement.opportunity.target_hours,
        first_log_date=first_log_date,
        as_of=as_of,
        placement_end=placement.end_date,
    )


def hour_totals():
    """Aggregates over a placement's logs; used with .aggregate() or .annotate()."""
    return {
        "approved_total": Coalesce(
            Sum("hour_logs__hours", filter=Q(hour_logs__status=HourLog.Status.APPROVED)), ZERO
        ),
        "pending_total": Coalesce(
            Sum("hour_logs__hours", filter=Q(hour_logs__status=HourLog.Status.SUBMITTED)), ZERO
        ),
        "first_log_date": Min("hour_logs__date"),
    }


def placement_progress(placement, *, today: dt.date) -> Progress:
    totals = HourLog.objects.filter(placement=placement).aggregate(
        approved_total=Coalesce(Sum("hours", filter=Q(status=HourLog.Status.APPROVED)), ZERO),
        pending_total=Coalesce(Sum("hours", filter=Q(status=HourLog.Status.SUBMITTED)), ZERO),
        first_log_date=Min("date"),
    )
    return progress_from_totals(
        placement,
        approved=totals["approved_total"],
        pending=totals["pending_total"],
        first_log_date=totals["first_log_date"],
        today=today,
    )


@dataclass(frozen=True)
class CreditSummary:
    """Credits a student has earned from approved hours, and what the next step needs."""

    approved_hours: Decimal
    hours_per_credit: Decimal
    increment: Decimal
    credits: Decimal
    hours_per_increment: Decimal
    next_increment_at: Decimal | None
    hours_to_next: Decimal | None


def credits_for_hours(approved: Decimal, hours_per_credit: Decimal, increment: Decimal) -> Decimal:
    """floor(approved / (hours per credit × increment)) × increment, e.g. 130 h at 120/0.5 → 1.0."""
    step_hours = Decimal(hours_per_credit) * Decimal(increment)
    if step_hours <= 0:
        return ZERO
    steps = int(Decimal(approved) // step_hours)
    return steps * Decimal(increment)


def summarise_credits(approved, hours_per_credit, increment) -> CreditSummary:
    approved = Decimal(approved or 0)
    hours_per_credit = Decimal(hours_per_credit or 0)
    increment = Decimal(increment or 0)
    step_hours = hours_per_credit * increment
    credits = credits_for_hours(approved, hours_per_credit, increment)
    if step_hours > 0:
        next_at = (int(approved // step_hours) + 1) * step_hours
        to_next = next_at - approved
    else:
        next_at = to_next = None
    return CreditSummary(
        approved_hours=approved,
        hours_per_credit=hours_per_credit,
        increment=increment,
        credits=credits,
        hours_per_increment=step_hours,
        next_increment_at=next_at,
        hours_to_next=to_next,
    )


def credit_summary(student) -> CreditSummary:
    """Credits from all the student's approved hours under their district's rule (one query)."""
    approved = HourLog.objects.filter(
        placement__student=student, status=HourLog.Status.APPROVED
    ).aggregate(total=Coalesce(Sum("hours"), ZERO))["total"]
    district = student.district
    return summarise_credits(approved, district.hours_per_credit, district.credit_increment)
