"""The student's browse: the published catalog filtered in SQL, and per row whether they may apply.

Filtering, seats taken, the student's own application and placement, and the distance from home
are all computed in the one query that fetches a page, so a page costs the same whatever its
length. Why an opportunity is closed to a student is the one eligibility rule set
(`rules.eligibility.for_browse`: a match round's rules, plus what only a direct application
cares about: a full opportunity, one already applied to or placed at, one that has ended, and
the youth labour hour rules for the opportunity's own schedule).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import (
    ASin,
    Cos,
    Least,
    Power,
    Radians,
    Sin,
    Sqrt,
)

from trellis.districts.calendar import DistrictCalendar
from trellis.opportunities.models import Opportunity, OpportunityKind
from trellis.partners.models import PartnerKind
from trellis.rules import eligibility
from trellis.rules.capacity import SEAT_HOLDING_STATUSES
from trellis.rules.eligibility import EARTH_RADIUS_MILES
from trellis.students.models import StudentInterest


@dataclass(frozen=True)
class BrowseFilters:
    """What the student asked for; None means "any"."""

    q: str = ""
    cluster: object = None
    kind: str = ""
    paid: bool | None = None
    virtual: bool | None = None
    weekday: int | None = None  # date.weekday(): 0 = Monday
    in_district: bool | None = None
    near: bool = False


def distance_expression(latitude: float, longitude: float):
    """Haversine miles from a fixed point to the worksite, in SQL (NULL without coordinates)."""
    lat1 = Radians(Value(latitude, output_field=FloatField()))
    lat2 = Radians(F("worksite__latitude"))
    dlat = Radians(F("worksite__latitude") - Value(latitude, output_field=FloatField()))
    dlon = Radians(F("worksite__longitude") - Value(longitude, output_field=FloatField()))
    a = Power(Sin(dlat / 2), 2) + Cos(lat1) * Cos(lat2) * Power(Sin(dlon / 2), 2)
    # Least() guards asin's domain against rounding just above 1 for antipodal points.
    return Value(2 * EARTH_RADIUS_MILES) * ASin(Least(Sqrt(a), Value(1.0)))


def has_home(student) -> bool:
    return student.home_latitude is not None and student.home_longitude is not None


def for_student(user, student) -> QuerySet:
    """The catalog the student may browse, annotated with everything a row and its reasons need.

    The student's own applications and placements are read through the student's reverse
    relations, so the catalog needs nothing from the placements app above it.
    """
    mine = student.applications.filter(opportunity=OuterRef("pk"))
    interest = StudentInterest.objects.filter(
        student=student, cluster=OuterRef("cluster")
    ).order_by("rank")
    # scope_q rather than for_user(): a learner's scope joins nothing, so the DISTINCT that
    # for_user() adds (for staff scopes) would only make the count compute every annotation.
    qs = (
        Opportunity.objects.filter(
            Opportunity.objects.scope_q(user), district_id=student.district_id
        )
        .select_related("partner", "worksite", "cluster", "subcluster")
        .with_seats_left()
        .annotate(
            my_application_id=Subquery(mine.values("pk")[:1]),
            my_application_status=Subquery(mine.values("status")[:1]),
            placed_here=Exists(
                student.placements.filter(
                    opportunity=OuterRef("pk"), status__in=SEAT_HOLDING_STATUSES
                )
            ),
            interest_rank=Subquery(interest.values("rank")[:1]),
        )
    )
    if has_home(student):
        qs = qs.annotate(
            distance_miles=distance_expression(student.home_latitude, student.home_longitude)
        )
    else:
        qs = qs.annotate(distance_miles=Value(None, output_field=FloatField()))
    return qs


def _virtual_q() -> Q:
    return Q(kind=OpportunityKind.VIRTUAL) | Q(worksite__is_virtual=True)


def browse(user, student, filters: BrowseFilters) -> QuerySet:
    """The filtered catalog, the student's interests first, then by start date."""
    qs = for_student(user, student)
    if filters.q:
        q = filters.q
        qs = qs.filter(
            Q(title__icontains=q) | Q(description__icontains=q) | Q(partner__name__icontains=q)
        )
    if filters.cluster is not None:
        qs = qs.filter(cluster=filters.cluster)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.paid is not None:
        qs = qs.filter(is_paid=filters.paid)
    if filters.virtual is True:
        qs = qs.filter(_virtual_q())
    elif filters.virtual is False:
        qs = qs.exclude(_virtual_q())
    if filters.weekday is not None:
        bit = 1 << filters.weekday
        qs = qs.annotate(_on_day=F("weekdays").bitand(bit)).filter(_on_day=bit)
    if filters.in_district is True:
        qs = qs.filter(partner__kind=PartnerKind.DISTRICT_DEPARTMENT)
    elif filters.in_district is False:
        qs = qs.exclude(partner__kind=PartnerKind.DISTRICT_DEPARTMENT)
    if filters.near and has_home(student):
        # Virtual work is near everyone; a worksite without coordinates cannot be shown as near.
        qs = qs.filter(_virtual_q() | Q(distance_miles__lte=student.max_travel_miles))
    return qs.order_by(F("interest_rank").asc(nulls_last=True), "start_date", "title", "pk")


def get_for_student(user, student, pk) -> Opportunity | None:
    """One annotated opportunity of the student's catalog, or None."""
    return for_student(user, student).filter(pk=pk).first()


# ---------------------------------------------------------------------------------------------
# Why an opportunity is not open to this student: the one rule set, `rules.eligibility.for_browse`


def standing(opportunity) -> eligibility.Standing:
    """The student's own standing, from the annotations `for_student()` adds (no query)."""
    return eligibility.Standing(
        seats=opportunity.seats,
        seats_taken=opportunity.seats_taken,
        placed_here=opportunity.placed_here,
        application_status=opportunity.my_application_status,
    )


def reasons_not_open(
    student, opportunity, *, today: dt.date, calendar=None, span=None
) -> list[dict]:
    """Every reason the student cannot apply, as {code, label, text}; [] when they can.

    `opportunity` comes from `for_student()` (it carries seats taken and the student's own
    application and placement). `calendar` and `span` (the dates of a whole page) are shared
    across a page so the labour check, when a student's age calls for it, loads the calendar once.
    """
    facts = opportunity.eligibility_facts()

    def schedule():
        nonlocal calendar
        calendar = calendar or DistrictCalendar(student.district, student.school)
        return eligibility.schedule_reason(student, facts, calendar, span)

    return eligibility.for_browse(
        student.eligibility_facts(), facts, standing(opportunity), today=today, schedule=schedule
    )


def attach_reasons(student, opportunities, *, today: dt.date) -> list:
    """Set `.reasons` and `.can_apply` on each opportunity of a page; the calendar loads once."""
    opportunities = list(opportunities)
    calendar = DistrictCalendar(student.district, student.school)
    span = None
    if opportunities:
        span = (min(o.start_date for o in opportunities), max(o.end_date for o in opportunities))
    for opportunity in opportunities:
        opportunity.reasons = reasons_not_open(
            student, opportunity, today=today, calendar=calendar, span=span
        )
        opportunity.can_apply = not opportunity.reasons
    return opportunities
