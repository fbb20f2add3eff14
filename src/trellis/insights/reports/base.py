"""The shape every program report returns, and the filters and helpers they share.

A report is a function from a ReportContext (who is asking, which year, school and cluster)
to a ReportResult: headline facts and sections, each a table (exportable as CSV and XLSX)
with an optional chart drawn from the same numbers. Every figure is aggregated in the
database with a fixed number of queries, whatever the district's size.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q
from django.utils import timezone

from trellis.core.tenancy import prefixed_q
from trellis.districts.years import school_year_case
from trellis.placements.models import Placement

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
ONE_DP = Decimal("0.1")
TWO_DP = Decimal("0.01")


@dataclass
class Table:
    slug: str
    caption: str
    header: list[str]
    rows: list | Callable[[], list] = field(default_factory=list)
    export_only: bool = False

    def get_rows(self) -> list:
        if callable(self.rows):
            self.rows = self.rows()
        return self.rows


@dataclass
class Chart:
    """What to draw; charts.py turns it into an SVG. Kinds: bar, hbar, stacked_hbar, line."""

    kind: str
    title: str
    labels: list[str]
    series: list[tuple[str, list]]
    percent: bool = False
    value_label: str = ""


@dataclass
class Section:
    heading: str
    table: Table
    chart: Chart | None = None
    note: str = ""


@dataclass
class ReportResult:
    facts: list[tuple[str, object]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, slug: str) -> Table | None:
        for section in self.sections:
            if section.table.slug == slug:
                return section.table
        return None


@dataclass
class ReportContext:
    scope: object
    years: list  # SchoolYear rows, oldest first
    clusters: list
    year: object = None
    school: object = None
    cluster: object = None
    today: dt.date = field(default_factory=timezone.localdate)

    @property
    def user(self):
        return self.scope.user

    @property
    def district(self):
        return self.scope.district

    def schools(self) -> list:
        """The schools a by-school table lists: the filtered one, or every school in scope."""
        return [self.school] if self.school is not None else list(self.scope.schools)

    def cluster_name(self, pk) -> str:
        for cluster in self.clusters:
            if cluster.pk == pk:
                return cluster.name
        return "No cluster"

    def clusters_in_view(self) -> list:
        return [self.cluster] if self.cluster is not None else list(self.clusters)

    def next_year(self, year):
        later = [y for y in self.years if y.start_date > year.start_date]
        return later[0] if later else None

    def year_q(self, field_name: str, year=None) -> Q:
        """Rows whose date falls in the school year (up to the next year's start: summers count)."""
        year = year or self.year
        if year is None:
            return Q()
        q = Q(**{f"{field_name}__gte": year.start_date})
        following = self.next_year(year)
        if following is not None:
            q &= Q(**{f"{field_name}__lt": following.start_date})
        return q

    def year_case(self, field_name: str):
        """The school year (pk) a date belongs to: the latest year starting on or before it."""
        return school_year_case(field_name, self.years)


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    summary: str
    build: Callable[[ReportContext], ReportResult]
    filters: tuple[str, ...] = ("year", "school", "cluster")


# Participation: a placement that started (active or completed, or withdrawn after it began).
def started_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": [Placement.Status.ACTIVE, Placement.Status.COMPLETED]}) | Q(
        **{f"{prefix}status": Placement.Status.WITHDRAWN, f"{prefix}activated_at__isnull": False}
    )


STARTED = started_q()
SUMMER = Q(opportunity__term__kind="summer") | Q(
    opportunity__term__isnull=True, start_date__month__in=[6, 7, 8]
)


def placement_q(ctx: ReportContext, prefix: str = "") -> Q:
    """Placement.objects.for_user() plus the district, school and cluster filters, as a Q
    through a relation (`prefix`), so rows hanging off placements join instead of IN (…)."""
    q = Placement.objects.scope_q(ctx.user) & Q(district=ctx.district)
    if ctx.school is not None:
        q &= Q(student__school=ctx.school)
    if ctx.cluster is not None:
        q &= Q(opportunity__cluster=ctx.cluster)
    return prefixed_q(q, prefix) if prefix else q


def placements(ctx: ReportContext):
    """Placements in the user's scope and district, filtered by school and cluster."""
    return Placement.objects.filter(placement_q(ctx))


def regroup(inner, keys: list[str], sums: list[str]) -> list[dict]:
    """A two-level aggregation: group `inner` (an aggregated values() queryset, typically one
    row per student) again by `keys`, counting its rows and summing its `sums` columns.

    Distinct counts over big tables sort once per DISTINCT aggregate; counting the rows of a
    per-student grouping gives the same numbers with two hash aggregations. Identifiers are
    the code's own annotation names (quoted); values stay parameters of the inner query.
    """
    if not all(_IDENTIFIER.fullmatch(name) for name in (*keys, *sums)):
        raise ValueError("regroup() takes annotation names only.")
    # The read goes where the router sends the inner query's reads (the report replica, if any).
    connection = connections[inner.db]
    try:
        sql, params = inner.query.get_compiler(using=inner.db).as_sql()
    except EmptyResultSet:  # the inner filter can match nothing (e.g. no school year yet)
        return []
    quote = connection.ops.quote_name
    columns = ", ".join(quote(k) for k in keys)
    totals = ", ".join(f"SUM({quote(name)}) AS {quote(name)}" for name in sums)
    # Names are checked above and quoted; values stay parameters of the inner query.
    select = f"SELECT {columns}, COUNT(*) AS {quote('rows')}{', ' + totals if totals else ''}"
    outer = f"{select} FROM ({sql}) AS {quote('inner')} GROUP BY {columns}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def started_placements(ctx: ReportContext):
    return placements(ctx).filter(STARTED)


def percent(part, whole) -> Decimal | None:
    """A percentage to one decimal place, or None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part or 0) * 100 / Decimal(whole)).quantize(ONE_DP, rounding=ROUND_HALF_UP)


def mean(total, count, places=TWO_DP) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total or 0) / Decimal(count)).quantize(places, rounding=ROUND_HALF_UP)


def dec(value, places=ONE_DP) -> Decimal:
    return Decimal(value or 0).quantize(places, rounding=ROUND_HALF_UP)


def year_labels(ctx: ReportContext) -> list[str]:
    return [y.name for y in ctx.years]


def kind_label(kind: str) -> str:
    from trellis.opportunities.models import OpportunityKind

    try:
        return OpportunityKind(kind).label
    except ValueError:
        return kind
