"""Perkins V indicator 5S3: the share of CTE concentrators in a graduating cohort who took part
in work-based learning, under the district's own participation rule.

A concentrator participated when, by the end of their graduating school year, they had a
placement of a counted kind that started, and at least the rule's minimum of approved hours
across such placements (hours worked after that year's end do not count).
"""

from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    Exists,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from trellis.hours.models import HourLog
from trellis.insights.reports.base import (
    STARTED,
    Chart,
    ReportContext,
    ReportResult,
    Section,
    Table,
    kind_label,
    percent,
    started_q,
)
from trellis.placements.models import Placement
from trellis.students.models import Student

HOURS = DecimalField(max_digits=8, decimal_places=2)


def rule_text(district) -> str:
    kinds = district.perkins_counted_kinds
    kinds_text = (
        ", ".join(kind_label(k).lower() for k in kinds) if kinds else "every kind of experience"
    )
    hours = district.perkins_min_hours or Decimal(0)
    if hours > 0:
        return f"At least {hours.normalize():f} approved hours in {kinds_text}, by the end of the graduating year."
    return f"Any started placement in {kinds_text}, by the end of the graduating year."


def concentrators(ctx: ReportContext, *, cohort_years):
    """Scoped CTE concentrators of the given cohorts, annotated with `participated`."""
    district = ctx.district
    graduating = {y.graduation_year: y for y in cohort_years}
    qs = Student.objects.for_user(ctx.user).filter(
        district=district, is_cte_concentrator=True, graduation_year__in=list(graduating)
    )
    if ctx.school is not None:
        qs = qs.filter(school=ctx.school)
    if ctx.cluster is not None:
        qs = qs.filter(cte_cluster=ctx.cluster)
    cutoff = Case(
        *[When(graduation_year=g, then=Value(y.end_date)) for g, y in graduating.items()],
        output_field=DateField(),
    )
    counted = Placement.objects.filter(
        STARTED, student=OuterRef("pk"), start_date__lte=OuterRef("cutoff")
    )
    logs = HourLog.objects.filter(
        status=HourLog.Status.APPROVED,
        placement__student=OuterRef("pk"),
        date__lte=OuterRef("cutoff"),
    ).filter(started_q("placement__"))
    if district.perkins_counted_kinds:
        counted = counted.filter(opportunity__kind__in=district.perkins_counted_kinds)
        logs = logs.filter(placement__opportunity__kind__in=district.perkins_counted_kinds)
    qs = qs.annotate(cutoff=cutoff, started=Exists(counted))
    participated = Q(started=True)
    min_hours = district.perkins_min_hours or Decimal(0)
    if min_hours > 0:
        total = logs.order_by().values("placement__student").annotate(t=Sum("hours")).values("t")
        qs = qs.annotate(
            wbl_hours=Coalesce(
                Subquery(total, output_field=HOURS), Value(Decimal(0)), output_field=HOURS
            )
        )
        participated &= Q(wbl_hours__gte=min_hours)
    return qs, participated


def perkins(ctx: ReportContext) -> ReportResult:
    result = ReportResult()
    result.notes.append(f"Participation rule: {rule_text(ctx.district)}")
    if not ctx.years:
        return result
    trend_qs, participated = concentrators(ctx, cohort_years=ctx.years)
    trend = {
        row["graduation_year"]: row
        for row in trend_qs.values("graduation_year")
        .annotate(n=Count("pk"), took_part=Count("pk", filter=participated))
        .order_by()
    }
    trend_rows = []
    for year in ctx.years:
        row = trend.get(year.graduation_year, {})
        trend_rows.append(
            [
                f"Class of {year.graduation_year} ({year.name})",
                row.get("n", 0),
                row.get("took_part", 0),
                percent(row.get("took_part", 0), row.get("n", 0)),
            ]
        )
    header = ["Concentrators", "Participated in WBL", "5S3 rate (%)"]
    result.sections.append(
        Section(
            "5S3 by graduating cohort",
            Table(
                "by-cohort",
                "CTE concentrators who graduated having taken part in WBL, by cohort",
                ["Cohort", *header],
                trend_rows,
            ),
            Chart(
                "line",
                "5S3: concentrators who took part in WBL (%)",
                [r[0] for r in trend_rows],
                [("5S3 rate", [float(r[3]) if r[3] is not None else None for r in trend_rows])],
                percent=True,
            ),
        )
    )
    if ctx.year is None:
        return result
    cohort_qs, participated = concentrators(ctx, cohort_years=[ctx.year])
    by_school = {
        row["school_id"]: row
        for row in cohort_qs.values("school_id")
        .annotate(n=Count("pk"), took_part=Count("pk", filter=participated))
        .order_by()
    }
    school_rows = [
        [
            s.name,
            by_school.get(s.pk, {}).get("n", 0),
            by_school.get(s.pk, {}).get("took_part", 0),
            percent(
                by_school.get(s.pk, {}).get("took_part", 0), by_school.get(s.pk, {}).get("n", 0)
            ),
        ]
        for s in ctx.schools()
    ]
    by_cluster = {
        row["cte_cluster_id"]: row
        for row in cohort_qs.values("cte_cluster_id")
        .annotate(n=Count("pk"), took_part=Count("pk", filter=participated))
        .order_by()
    }
    cluster_rows = []
    for c in ctx.clusters_in_view():
        row = by_cluster.get(c.pk, {})
        cluster_rows.append(
            [
                c.name,
                row.get("n", 0),
                row.get("took_part", 0),
                percent(row.get("took_part", 0), row.get("n", 0)),
            ]
        )
    if None in by_cluster:
        row = by_cluster[None]
        cluster_rows.append(
            [
                "No program cluster recorded",
                row["n"],
                row["took_part"],
                percent(row["took_part"], row["n"]),
            ]
        )
    cohort = f"Class of {ctx.year.graduation_year}"
    current = next(r for r in trend_rows if r[0].startswith(cohort))
    result.facts = [
        ("Cohort", cohort),
        ("CTE concentrators", current[1]),
        ("Participated in WBL", current[2]),
        ("5S3 rate", f"{current[3]} %" if current[3] is not None else "—"),
    ]

    def student_rows():
        rows = (
            cohort_qs.annotate(
                took_part=Case(When(participated, then=Value(True)), default=Value(False))
            )
            .select_related("school", "cte_cluster")
            .order_by("school__name", "last_name", "first_name", "pk")
        )
        return [
            [
                s.student_number,
                s.last_name,
                s.first_name,
                s.school.name,
                s.graduation_year,
                s.cte_program,
                s.cte_cluster.name if s.cte_cluster else "",
                "Yes" if s.took_part else "No",
            ]
            for s in rows
        ]

    result.sections += [
        Section(
            f"By school, {cohort}",
            Table("by-school", f"5S3 by school, {cohort}", ["School", *header], school_rows),
            Chart(
                "hbar",
                f"5S3 rate by school, {cohort} (%)",
                [r[0] for r in school_rows],
                [("5S3 rate", [float(r[3]) if r[3] is not None else None for r in school_rows])],
                percent=True,
            ),
        ),
        Section(
            f"By CTE program cluster, {cohort}",
            Table(
                "by-cluster",
                f"5S3 by CTE program cluster, {cohort}",
                ["Program cluster", *header],
                cluster_rows,
            ),
        ),
        Section(
            f"Student-level flags, {cohort}",
            Table(
                "students",
                f"Each concentrator in the {cohort} and whether they count for 5S3",
                [
                    "Student number",
                    "Last name",
                    "First name",
                    "School",
                    "Graduation year",
                    "CTE program",
                    "Program cluster",
                    "Participated in WBL",
                ],
                student_rows,
                export_only=True,
            ),
            note="For the state's CTE accountability return: download the student-level list.",
        ),
    ]
    return result
