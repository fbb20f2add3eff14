"""Supply and demand by career cluster: the gap, who is unmet, and how to close it.

Demand
    Each interest a student lists weighs 1/rank: rank 1 = 1, rank 2 = 1/2, rank 3 = 1/3, …
    A cluster's demand is the sum of those weights over the students in view (active, in the
    user's scope, filtered by school and grade, and not graduated before the term's school
    year). So one student who puts a cluster first counts as one "student-equivalent"; a
    second choice counts half. Weights are summed in the database in exact whole units
    (WEIGHT_UNITS = lcm(1..12), so 1/rank is a whole number of units for ranks 1–12).

Supply
    Seats in published opportunities of the term (an opportunity belongs to the term when it
    names it, or when it names none and its dates overlap the term's). Seats are shared by
    every school, so supply is district-wide even when demand is filtered to one school.

Gap
    A seat serves a student only if the opportunity's weekdays fit inside the student's
    availability and the student's grade reaches its minimum grade. Students are grouped by
    (availability mask, grade) — at most 128 × 7 groups — and seats by (weekdays, minimum
    grade); the demand the seats can serve is the maximum flow between them (flow.py).
    Unmet demand = demand − served; spare seats = seats − served. Everything is two grouped
    queries, whatever the number of students.

Grow your own
    For a cluster with unmet demand, the built-in department roles (departments.py) that host
    in that cluster, with their labour limits, sized by what is still unmet after pending
    drafts. Clusters whose unmet demand exceeds what the district's own departments can add
    make the outside-partner prospecting list, sized in seats.

Each cluster is analysed on its own: a student with three interests adds demand to three
clusters, although they can hold only one placement at a time. Demand is counted per
interest: a student naming two sub-clusters of one cluster adds both weights to it (and
counts twice among its interested students); counting per interest keeps the aggregate a
single hash aggregation, with no DISTINCT over the whole district.
"""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from trellis.insights import departments
from trellis.insights.flow import fits, served_units
from trellis.opportunities.models import Opportunity
from trellis.partners.models import PartnerKind
from trellis.placements.models import Application, Placement, RoundRanking
from trellis.students.models import StudentInterest

WEIGHT_UNITS = 27720  # lcm(1, …, 12)
SUPPLY_STATUSES = (Opportunity.Status.PUBLISHED,)
PENDING_STATUSES = (Opportunity.Status.DRAFT, Opportunity.Status.PENDING)
OPEN_APPLICATIONS = (
    Application.Status.SUBMITTED,
    Application.Status.INTERVIEW,
    Application.Status.ACCEPTED,
)
HOLDING_PLACEMENTS = (
    Placement.Status.PROPOSED,
    Placement.Status.CONFIRMED,
    Placement.Status.ACTIVE,
    Placement.Status.COMPLETED,
)
OVERSUBSCRIBED_LIMIT = 100


def as_decimal(value: Fraction, places: str = "0.01") -> Decimal:
    """A Fraction rounded half-up for tables and exports."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal(places), ROUND_HALF_UP
    )


def rank_weight(rank: int) -> Fraction:
    """The documented weight of an interest ranked `rank` (1 = most wanted)."""
    return Fraction(1, rank)


def _units_expr():
    # Integer division in SQL: exact for ranks 1–12 (they divide WEIGHT_UNITS).
    return Value(WEIGHT_UNITS, output_field=IntegerField()) / F("rank")


# ---------------------------------------------------------------------------------------------
# What is in view


def resolve_term(terms, term_id=None, *, today=None):
    """The term asked for, else the one in progress, else the next, else the latest."""
    if term_id:
        for term in terms:
            if str(term.pk) == str(term_id):
                return term
    today = today or timezone.localdate()
    ordered = sorted(terms, key=lambda t: t.start_date)
    for term in ordered:
        if term.start_date <= today <= term.end_date:
            return term
    upcoming = [t for t in ordered if t.start_date > today]
    if upcoming:
        return upcoming[0]
    return ordered[-1] if ordered else None


def term_q(term, *, prefix: str = "", today: dt.date | None = None) -> Q:
    """Opportunities of the term: those naming it, or naming none and overlapping its dates."""
    if term is None:
        return Q(**{f"{prefix}end_date__gte": today or timezone.localdate()})
    return Q(**{f"{prefix}term": term}) | Q(
        **{
            f"{prefix}term__isnull": True,
            f"{prefix}start_date__lte": term.end_date,
            f"{prefix}end_date__gte": term.start_date,
        }
    )


def demand_filter(scope, *, term=None, school=None, grade=None, prefix: str = "") -> Q:
    """The students whose interests count as demand: in scope, active, filtered (as a Q)."""
    q = scope.student_q(prefix) & Q(**{f"{prefix}is_active": True})
    if school is not None:
        q &= Q(**{f"{prefix}school": school})
    if grade:
        q &= Q(**{f"{prefix}grade": grade})
    if term is not None:
        q &= Q(**{f"{prefix}graduation_year__gte": term.school_year.graduation_year})
    return q


def term_opportunities(scope, term, *, today=None):
    return Opportunity.objects.filter(district=scope.district).filter(term_q(term, today=today))


# ---------------------------------------------------------------------------------------------
# The analysis


@dataclass
class Suggestion:
    role: departments.RoleTemplate
    capacity: int
    seats: int

    @property
    def department_label(self) -> str:
        return self.role.department_label


@dataclass
class Gap:
    """One cluster's (or sub-cluster's) figures; demand figures are Fractions of a student."""

    key: object
    label: str
    students: int = 0
    first_choice: int = 0
    demand: Fraction = Fraction(0)
    seats: int = 0
    fitting_seats: int = 0
    served: Fraction = Fraction(0)
    pending_seats: int = 0
    in_district_seats: int = 0
    in_district_capacity: int = 0
    suggestions: list = field(default_factory=list)
    cluster: object = None

    @property
    def unmet(self) -> Fraction:
        return self.demand - self.served

    @property
    def spare_seats(self) -> Fraction:
        return self.seats - self.served

    @property
    def unmet_seats(self) -> int:
        """Unmet demand in whole seats, after the seats pending in drafts."""
        return max(0, math.ceil(self.unmet - self.pending_seats))

    @property
    def remaining_in_district_capacity(self) -> int:
        return max(0, self.in_district_capacity - self.in_district_seats)

    @property
    def outside_seats_needed(self) -> int:
        """Seats to find from outside partners once in-district capacity is used up."""
        return max(0, self.unmet_seats - self.remaining_in_district_capacity)


@dataclass
class GapAnalysis:
    term: object
    rows: list
    totals: Gap

    @property
    def unmet_rows(self) -> list:
        return [row for row in self.rows if row.unmet > 0]

    @property
    def prospecting(self) -> list:
        """Clusters where even the district's own departments cannot close the gap."""
        rows = [row for row in self.rows if row.outside_seats_needed > 0]
        return sorted(rows, key=lambda r: (-r.outside_seats_needed, r.label))


@dataclass
class _Acc:
    demand: dict = field(default_factory=lambda: defaultdict(int))
    supply: dict = field(default_factory=lambda: defaultdict(int))
    students: int = 0
    first_choice: int = 0
    seats: int = 0
    pending: int = 0
    in_district: int = 0


def _aggregate(students: Q, opportunities, key: str, interests: Q | None = None) -> dict:
    """Two grouped queries: demand by (key, mask, grade), seats by (key, weekdays, min grade)."""
    acc: dict = defaultdict(_Acc)
    demand_rows = (
        StudentInterest.objects.filter(students, interests or Q())
        .values(key, "student__availability", "student__grade")
        .annotate(
            units=Sum(_units_expr()), students=Count("pk"), first=Count("pk", filter=Q(rank=1))
        )
        .order_by()
    )
    for row in demand_rows:
        a = acc[row[key]]
        a.demand[(row["student__availability"], row["student__grade"])] += row["units"] or 0
        a.students += row["students"]
        a.first_choice += row["first"]
    supply_rows = (
        opportunities.filter(status__in=SUPPLY_STATUSES + PENDING_STATUSES)
        .values(key, "weekdays", "min_grade", "status", "partner__kind")
        .annotate(seats=Sum("seats"))
        .order_by()
    )
    for row in supply_rows:
        a = acc[row[key]]
        seats = row["seats"] or 0
        if row["status"] in SUPPLY_STATUSES:
            a.supply[(row["weekdays"], row["min_grade"])] += seats
            a.seats += seats
        else:
            a.pending += seats
        if row["partner__kind"] == PartnerKind.DISTRICT_DEPARTMENT:
            a.in_district += seats
    return acc


def _gap(key, label, a: _Acc) -> Gap:
    supply_units = {pattern: seats * WEIGHT_UNITS for pattern, seats in a.supply.items()}
    wanted = [g for g, units in a.demand.items() if units > 0]
    fitting = sum(
        seats
        for (w, min_grade), seats in a.supply.items()
        if any(fits(w, min_grade, mask, grade) for mask, grade in wanted)
    )
    return Gap(
        key=key,
        label=label,
        students=a.students,
        first_choice=a.first_choice,
        demand=Fraction(sum(a.demand.values()), WEIGHT_UNITS),
        seats=a.seats,
        fitting_seats=fitting,
        served=Fraction(served_units(a.demand, supply_units), WEIGHT_UNITS),
        pending_seats=a.pending,
        in_district_seats=a.in_district,
    )


def _suggest(gap: Gap, cluster_slug: str, school_count: int) -> None:
    """Size the department roles for a cluster: what is unmet, within what the roles can add."""
    roles = departments.roles_for_cluster(cluster_slug)
    gap.in_district_capacity = sum(role.capacity(school_count) for role in roles)
    if gap.unmet <= 0:
        return
    need = min(gap.unmet_seats, gap.remaining_in_district_capacity)
    for role in roles:
        capacity = role.capacity(school_count)
        seats = min(capacity, need)
        need -= seats
        gap.suggestions.append(Suggestion(role=role, capacity=capacity, seats=seats))


def _totals(rows) -> Gap:
    total = Gap(key=None, label="All clusters")
    for row in rows:
        total.students += row.students
        total.first_choice += row.first_choice
        total.demand += row.demand
        total.seats += row.seats
        total.fitting_seats += row.fitting_seats
        total.served += row.served
        total.pending_seats += row.pending_seats
        total.in_district_seats += row.in_district_seats
        total.in_district_capacity += row.in_district_capacity
    return total


def analyse_gaps(scope, clusters, *, term, school=None, grade=None, today=None) -> GapAnalysis:
    """The gap for every cluster (two queries); `clusters` is the loaded list of clusters."""
    students = demand_filter(scope, term=term, school=school, grade=grade, prefix="student__")
    acc = _aggregate(students, term_opportunities(scope, term, today=today), "cluster_id")
    rows = []
    for cluster in clusters:
        gap = _gap(cluster.pk, cluster.name, acc.get(cluster.pk, _Acc()))
        gap.cluster = cluster
        _suggest(gap, cluster.slug, scope.district_school_count)
        rows.append(gap)
    return GapAnalysis(term=term, rows=rows, totals=_totals(rows))


def analyse_cluster(
    scope, cluster, *, term, school=None, grade=None, today=None
) -> tuple[Gap, list[Gap]]:
    """One cluster's gap (with suggestions) and the same figures per sub-cluster, from one
    pair of queries keyed by sub-cluster; the cluster's figures merge its sub-clusters' groups.

    A sub-cluster row counts the interests and seats that name it; those naming none are
    shown as their own row.
    """
    students = demand_filter(scope, term=term, school=school, grade=grade, prefix="student__")
    acc = _aggregate(
        students,
        term_opportunities(scope, term, today=today).filter(cluster=cluster),
        "subcluster_id",
        interests=Q(cluster=cluster),
    )
    whole = _Acc()
    for part in acc.values():
        for group, units in part.demand.items():
            whole.demand[group] += units
        for pattern, seats in part.supply.items():
            whole.supply[pattern] += seats
        whole.students += part.students
        whole.first_choice += part.first_choice
        whole.seats += part.seats
        whole.pending += part.pending
        whole.in_district += part.in_district
    gap = _gap(cluster.pk, cluster.name, whole)
    gap.cluster = cluster
    _suggest(gap, cluster.slug, scope.district_school_count)
    rows = [_gap(sub.pk, sub.name, acc.get(sub.pk, _Acc())) for sub in cluster.subclusters.all()]
    general = acc.get(None)
    if general is not None and (general.demand or general.seats or general.pending):
        rows.append(_gap(None, "No sub-cluster named", general))
    return gap, rows


# ---------------------------------------------------------------------------------------------
# Drill-downs


def unmet_interests(scope, cluster, *, term, school=None, grade=None, today=None):
    """Interests in the cluster of students who hold no placement in it this term.

    One row per student (their best-ranked interest in the cluster), with the student and
    school joined. `has_fitting_seat` says whether any published seat in the cluster fits
    their days and grade: if not, the cluster needs seats on other days or for their grade,
    not just more seats.
    """
    better = StudentInterest.objects.filter(
        student=OuterRef("student"), cluster=cluster, rank__lt=OuterRef("rank")
    )
    held = Placement.objects.filter(
        Q(student=OuterRef("student"), opportunity__cluster=cluster, status__in=HOLDING_PLACEMENTS)
        & term_q(term, prefix="opportunity__", today=today)
    )
    fitting = (
        Opportunity.objects.filter(
            Q(district=scope.district, cluster=cluster, status__in=SUPPLY_STATUSES, seats__gt=0)
            & term_q(term, today=today),
            min_grade__lte=OuterRef("student__grade"),
        )
        .annotate(
            common=ExpressionWrapper(
                F("weekdays").bitand(OuterRef("student__availability")), output_field=IntegerField()
            )
        )
        .filter(common=F("weekdays"))
    )
    return (
        StudentInterest.objects.filter(
            demand_filter(scope, term=term, school=school, grade=grade, prefix="student__"),
            cluster=cluster,
        )
        .exclude(Exists(better))
        .exclude(Exists(held))
        .annotate(has_fitting_seat=Exists(fitting))
        .select_related("student__school")
        # Only the columns the page shows: the sort over every interested student stays in memory.
        .only(
            "rank",
            "student__first_name",
            "student__last_name",
            "student__preferred_name",
            "student__grade",
            "student__availability",
            "student__school__name",
        )
        .order_by("rank", "student__last_name", "student__first_name", "student_id")
    )


def oversubscribed_opportunities(scope, cluster, *, term, today=None, limit=OVERSUBSCRIBED_LIMIT):
    """Published opportunities in the cluster with more students asking than seats.

    Requests = distinct students with an open application or a ranking in a match round
    (from every school: the seats are shared).
    """
    applications = Application.objects.filter(
        opportunity=OuterRef("pk"), status__in=OPEN_APPLICATIONS
    )
    app_count = (
        applications.order_by()
        .values("opportunity")
        .annotate(n=Count("student", distinct=True))
        .values("n")
    )
    rankings = RoundRanking.objects.filter(opportunity=OuterRef("pk")).exclude(
        student__in=Application.objects.filter(
            opportunity=OuterRef(OuterRef("pk")), status__in=OPEN_APPLICATIONS
        ).values("student")
    )
    ranking_count = (
        rankings.order_by()
        .values("opportunity")
        .annotate(n=Count("student", distinct=True))
        .values("n")
    )
    first_choices = (
        RoundRanking.objects.filter(opportunity=OuterRef("pk"), rank=1)
        .order_by()
        .values("opportunity")
        .annotate(n=Count("student", distinct=True))
        .values("n")
    )
    zero = Value(0, output_field=IntegerField())
    rows = list(
        term_opportunities(scope, term, today=today)
        .filter(cluster=cluster, status__in=SUPPLY_STATUSES)
        .annotate(
            applications_count=Coalesce(Subquery(app_count, output_field=IntegerField()), zero),
            rankings_count=Coalesce(Subquery(ranking_count, output_field=IntegerField()), zero),
            first_choice_count=Coalesce(Subquery(first_choices, output_field=IntegerField()), zero),
        )
        .annotate(requests=F("applications_count") + F("rankings_count"))
        .annotate(excess=F("requests") - F("seats"))
        .filter(excess__gt=0)
        .select_related("partner")
        .order_by("-excess", "title", "pk")[:limit]
    )
    for row in rows:
        row.per_seat = (
            (Decimal(row.requests) / row.seats).quantize(Decimal("0.1")) if row.seats else None
        )
    return rows


def pending_opportunities(scope, cluster, *, term, today=None):
    """Drafts and opportunities awaiting approval: seats that will count once published."""
    return list(
        term_opportunities(scope, term, today=today)
        .filter(cluster=cluster, status__in=PENDING_STATUSES)
        .select_related("partner")
        .order_by("title", "pk")
    )
