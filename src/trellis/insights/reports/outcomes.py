"""What placements lead to: hours completed, completion and withdrawal, evaluations, career fit."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce

from trellis.hours.models import ApprovedHoursByYear, HourLog
from trellis.insights.reports.base import (
    ONE_DP,
    Chart,
    ReportContext,
    ReportResult,
    Section,
    Table,
    dec,
    mean,
    percent,
    placement_q,
    placements,
    regroup,
    started_placements,
    started_q,
)
from trellis.placements.models import CareerFit, Evaluation, Placement, Reflection, RubricCriterion


def approved_hours_by_year(ctx: ReportContext):
    """The roll-up rows of in-scope placements (one per placement and school year), filtered."""
    qs = ApprovedHoursByYear.objects.for_user(ctx.user).filter(placement__district=ctx.district)
    if ctx.school is not None:
        qs = qs.filter(placement__student__school=ctx.school)
    if ctx.cluster is not None:
        qs = qs.filter(placement__opportunity__cluster=ctx.cluster)
    return qs


def _participants(qs, field) -> dict:
    """Distinct students per value of `field`, over placements (far fewer rows than hour logs)."""
    return {
        row["key"]: row["n"]
        for row in qs.annotate(key=field)
        .values("key")
        .annotate(n=Count("student", distinct=True))
        .order_by()
    }


def _hours_row(label, hours_total, participants):
    return [label, dec(hours_total), participants, mean(hours_total, participants, ONE_DP)]


def hours(ctx: ReportContext) -> ReportResult:
    """Approved hours by school year, school and cluster, from the per-placement yearly roll-up.

    Summing the hour logs themselves (the biggest table) took most of this page's time on a
    large district; `ApprovedHoursByYear` holds the same sums, one row per placement and year.
    Students are counted over placements, as the participants of the year.
    """
    result = ReportResult()
    cells = (
        approved_hours_by_year(ctx)
        .values("school_year_id", cluster=F("placement__opportunity__cluster_id"))
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    by_year, by_cluster = defaultdict(Decimal), defaultdict(Decimal)
    for cell in cells:
        by_year[cell["school_year_id"]] += cell["hours"]
        if ctx.year is not None and cell["school_year_id"] == ctx.year.pk:
            by_cluster[cell["cluster"]] += cell["hours"]
    started = started_placements(ctx)
    # Participants per year: one row per (student, year), then counted (no DISTINCT sort).
    per_student = (
        started.annotate(sy=ctx.year_case("start_date"))
        .exclude(sy=None)
        .values("student_id", "sy")
        .annotate(placements=Count("pk"))
        .order_by()
    )
    participants = {row["sy"]: row["rows"] for row in regroup(per_student, ["sy"], [])}
    year_rows = [
        _hours_row(y.name, by_year.get(y.pk), participants.get(y.pk, 0)) for y in ctx.years
    ]
    header = ["Approved hours", "Participants", "Mean hours per participant"]
    result.sections.append(
        Section(
            "Approved hours by school year",
            Table("by-year", "Approved hours by school year", ["School year", *header], year_rows),
            Chart(
                "bar",
                "Approved hours by school year",
                [r[0] for r in year_rows],
                [("Approved hours", [float(r[1]) for r in year_rows])],
                value_label="hours",
            ),
            note="Hours count in the school year of the day they were worked, once a mentor approved them; "
            "participants are the students whose placement started that year.",
        )
    )
    if ctx.year is None:
        return result
    year = ctx.year.name
    started_in_year = started.filter(ctx.year_q("start_date"))
    cluster_people = _participants(started_in_year, F("opportunity__cluster_id"))
    cluster_rows = [
        _hours_row(c.name, by_cluster.get(c.pk), cluster_people.get(c.pk, 0))
        for c in ctx.clusters_in_view()
    ]

    # Placements of the year with a target of hours: how many reached it.
    approved = (
        HourLog.objects.filter(placement=OuterRef("pk"), status=HourLog.Status.APPROVED)
        .order_by()
        .values("placement")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    targets = (
        started_placements(ctx)
        .filter(ctx.year_q("start_date"), opportunity__target_hours__isnull=False)
        .annotate(
            done=Coalesce(
                Subquery(approved, output_field=DecimalField(max_digits=8, decimal_places=2)),
                0,
                output_field=DecimalField(max_digits=8, decimal_places=2),
            )
        )
        .aggregate(
            with_target=Count("pk"),
            reached=Count("pk", filter=Q(done__gte=F("opportunity__target_hours"))),
        )
    )
    result.facts = [
        ("School year", year),
        ("Approved hours", dec(by_year.get(ctx.year.pk))),
        ("Participants", participants.get(ctx.year.pk, 0)),
        (
            "Placements that reached their target hours",
            f"{targets['reached']} of {targets['with_target']}",
        ),
    ]
    # By school for the chosen year only: joining students over every year costs more.
    by_school = {
        row["school"]: row["hours"]
        for row in approved_hours_by_year(ctx)
        .filter(school_year=ctx.year)
        .values(school=F("placement__student__school_id"))
        .annotate(hours=Sum("hours"))
        .order_by()
    }
    school_people = _participants(started_in_year, F("student__school_id"))
    school_rows = [
        _hours_row(school.name, by_school.get(school.pk), school_people.get(school.pk, 0))
        for school in ctx.schools()
    ]
    result.sections += [
        Section(
            f"By school, {year}",
            Table(
                "by-school",
                f"Approved hours by school, {year}",
                ["School", *header],
                school_rows,
            ),
            Chart(
                "hbar",
                f"Approved hours by school, {year}",
                [r[0] for r in school_rows],
                [("Approved hours", [float(r[1]) for r in school_rows])],
                value_label="hours",
            ),
        ),
        Section(
            f"By career cluster, {year}",
            Table(
                "by-cluster",
                f"Approved hours by career cluster, {year}",
                ["Career cluster", *header],
                cluster_rows,
            ),
            Chart(
                "hbar",
                f"Approved hours by career cluster, {year}",
                [r[0] for r in cluster_rows],
                [("Approved hours", [float(r[1]) for r in cluster_rows])],
                value_label="hours",
            ),
        ),
    ]
    return result


def completion(ctx: ReportContext) -> ReportResult:
    result = ReportResult()
    # Every placement that started, or that was withdrawn before it could: both are outcomes.
    base = placements(ctx).exclude(status=Placement.Status.PROPOSED)
    by_year = {
        row["sy"]: row
        for row in base.annotate(sy=ctx.year_case("start_date"))
        .exclude(sy=None)
        .values("sy")
        .annotate(
            completed=Count("pk", filter=Q(status=Placement.Status.COMPLETED)),
            withdrawn=Count("pk", filter=Q(status=Placement.Status.WITHDRAWN)),
            open=Count(
                "pk", filter=Q(status__in=[Placement.Status.CONFIRMED, Placement.Status.ACTIVE])
            ),
        )
        .order_by()
    }
    year_rows = []
    for year in ctx.years:
        row = by_year.get(year.pk, {})
        done, gone = row.get("completed", 0), row.get("withdrawn", 0)
        year_rows.append(
            [
                year.name,
                done,
                gone,
                row.get("open", 0),
                percent(done, done + gone),
                percent(gone, done + gone),
            ]
        )
    result.sections.append(
        Section(
            "Completion and withdrawal by school year",
            Table(
                "by-year",
                "Placements completed and withdrawn, by school year of start",
                [
                    "School year",
                    "Completed",
                    "Withdrawn",
                    "Still open",
                    "Completion rate (%)",
                    "Withdrawal rate (%)",
                ],
                year_rows,
            ),
            Chart(
                "stacked_bar",
                "Placements completed and withdrawn",
                [r[0] for r in year_rows],
                [
                    ("Completed", [r[1] for r in year_rows]),
                    ("Withdrawn", [r[2] for r in year_rows]),
                ],
                value_label="placements",
            ),
            note="Rates are shares of placements that have ended (completed or withdrawn).",
        )
    )
    if ctx.year is None:
        return result
    year = ctx.year.name
    withdrawn = base.filter(ctx.year_q("start_date"), status=Placement.Status.WITHDRAWN)
    reasons = {
        row["withdrawal_reason"]: row["n"]
        for row in withdrawn.values("withdrawal_reason").annotate(n=Count("pk")).order_by()
    }
    initiators = {
        row["withdrawal_initiator"]: row["n"]
        for row in withdrawn.values("withdrawal_initiator").annotate(n=Count("pk")).order_by()
    }
    total_withdrawn = sum(reasons.values())
    reason_rows = [
        [label, reasons.get(value, 0), percent(reasons.get(value, 0), total_withdrawn)]
        for value, label in Placement.WithdrawalReason.choices
    ]
    initiator_rows = [
        [label, initiators.get(value, 0), percent(initiators.get(value, 0), total_withdrawn)]
        for value, label in Placement.Initiator.choices
    ]
    current = next((r for r in year_rows if r[0] == year), None)
    result.facts = [
        ("School year", year),
        ("Completed", current[1]),
        ("Withdrawn", current[2]),
        ("Completion rate", f"{current[4]} %" if current[4] is not None else "—"),
    ]
    result.sections += [
        Section(
            f"Withdrawal reasons, {year}",
            Table(
                "reasons",
                f"Why placements were withdrawn, {year}",
                ["Reason", "Placements", "Share (%)"],
                reason_rows,
            ),
            Chart(
                "hbar",
                f"Withdrawal reasons, {year}",
                [r[0] for r in reason_rows],
                [("Placements", [r[1] for r in reason_rows])],
                value_label="placements",
            ),
        ),
        Section(
            f"Who withdrew, {year}",
            Table(
                "initiators",
                f"Who initiated withdrawals, {year}",
                ["Initiated by", "Placements", "Share (%)"],
                initiator_rows,
            ),
            Chart(
                "bar",
                f"Who initiated withdrawals, {year}",
                [r[0] for r in initiator_rows],
                [("Placements", [r[1] for r in initiator_rows])],
                value_label="placements",
            ),
        ),
    ]
    return result


def evaluations(ctx: ReportContext) -> ReportResult:
    """One pass over the evaluations, grouped by (school year, cluster): sums and counts of
    each kind's mean score and of every rubric criterion, turned into means below."""
    result = ReportResult()
    kinds = list(Evaluation.Kind)
    criteria = list(
        RubricCriterion.objects.filter(district=ctx.district).order_by("sort_order", "pk")
    )
    sums = {}
    for k in kinds:
        is_kind = Q(kind=k.value)
        sums[f"n_{k.value}"] = Count("pk", filter=is_kind)
        sums[f"sum_{k.value}"] = Sum("mean_score", filter=is_kind)
        for i, criterion in enumerate(criteria):
            score = Cast(KeyTextTransform(criterion.key, "scores"), FloatField())
            sums[f"c{i}_{k.value}_n"] = Count(score, filter=is_kind)
            sums[f"c{i}_{k.value}_sum"] = Sum(score, filter=is_kind)
    cells = list(
        Evaluation.objects.filter(placement_q(ctx, "placement__"), mean_score__isnull=False)
        .annotate(sy=ctx.year_case("placement__start_date"))
        .exclude(sy=None)
        .values("sy", "placement__opportunity__cluster_id")
        .annotate(
            again=Count("pk", filter=Q(would_host_again=True)),
            asked=Count("pk", filter=Q(would_host_again__isnull=False)),
            **sums,
        )
        .order_by()
    )
    names = ["again", "asked", *sums]

    def add(rows):
        total = dict.fromkeys(names, 0)
        for row in rows:
            for name in names:
                total[name] += row[name] or 0
        return total

    def kind_means(total, prefix=""):
        return [mean(total[f"{prefix}sum_{k.value}"], total[f"{prefix}n_{k.value}"]) for k in kinds]

    year_rows = []
    for year in ctx.years:
        total = add(c for c in cells if c["sy"] == year.pk)
        year_rows.append([year.name, sum(total[f"n_{k.value}"] for k in kinds), *kind_means(total)])
    kind_headers = [f"Mean {k.label.lower()} score" for k in kinds]
    result.sections.append(
        Section(
            "Mean evaluation scores by school year",
            Table(
                "by-year",
                "Mean mentor evaluation scores (1–4), by school year",
                ["School year", "Evaluations", *kind_headers],
                year_rows,
            ),
            Chart(
                "line",
                "Mean evaluation score (1–4) by school year",
                [r[0] for r in year_rows],
                [
                    (
                        k.label,
                        [float(r[2 + i]) if r[2 + i] is not None else None for r in year_rows],
                    )
                    for i, k in enumerate(kinds)
                ],
                value_label="score",
            ),
        )
    )
    if ctx.year is None:
        return result
    year = ctx.year.name
    in_year = [c for c in cells if c["sy"] == ctx.year.pk]
    this_year = add(in_year)
    if criteria:
        criterion_rows = [
            [c.label]
            + [
                mean(this_year[f"c{i}_{k.value}_sum"], this_year[f"c{i}_{k.value}_n"])
                for k in kinds
            ]
            for i, c in enumerate(criteria)
        ]
        result.sections.append(
            Section(
                f"By rubric criterion, {year}",
                Table(
                    "by-criterion",
                    f"Mean score per rubric criterion (1–4), {year}",
                    ["Criterion", *kind_headers],
                    criterion_rows,
                ),
                Chart(
                    "hbar",
                    f"Mean score per rubric criterion, {year}",
                    [r[0] for r in criterion_rows],
                    [
                        (
                            k.label,
                            [
                                float(r[1 + i]) if r[1 + i] is not None else None
                                for r in criterion_rows
                            ],
                        )
                        for i, k in enumerate(kinds)
                    ],
                    value_label="score",
                ),
            )
        )
    cluster_rows = []
    for c in ctx.clusters_in_view():
        total = add(row for row in in_year if row["placement__opportunity__cluster_id"] == c.pk)
        cluster_rows.append(
            [
                c.name,
                sum(total[f"n_{k.value}"] for k in kinds),
                *kind_means(total),
                percent(total["again"], total["asked"]),
            ]
        )
    result.facts = [
        ("School year", year),
        ("Evaluations", sum(this_year[f"n_{k.value}"] for k in kinds)),
    ] + [
        (f"Mean {k.label.lower()} score", m or "—")
        for k, m in zip(kinds, kind_means(this_year), strict=True)
    ]
    result.sections.append(
        Section(
            f"By career cluster, {year}",
            Table(
                "by-cluster",
                f"Mean evaluation scores by career cluster, {year}",
                ["Career cluster", "Evaluations", *kind_headers, "Mentor would host again (%)"],
                cluster_rows,
            ),
        )
    )
    return result


def career_fit(ctx: ReportContext) -> ReportResult:
    """The student's latest reflection per placement: is this career for them?"""
    result = ReportResult()
    reflections = Reflection.objects.filter(
        placement_q(ctx, "placement__"),
        started_q("placement__"),
        ctx.year_q("placement__start_date"),
    )
    # Each placement's latest reflection: no later one exists (an anti-join, not a subquery
    # per placement), grouped by cluster and verdict in one pass.
    later = Reflection.objects.filter(placement=OuterRef("placement")).filter(
        Q(created_at__gt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk"))
    )
    fits = list(CareerFit)
    counts: dict = defaultdict(dict)
    for row in (
        reflections.exclude(Exists(later))
        .values("placement__opportunity__cluster_id", "career_fit")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["placement__opportunity__cluster_id"]][f"fit_{row['career_fit']}"] = row["n"]
    for row in counts.values():
        row["reflected"] = sum(row.values())
    rows = []
    for c in ctx.clusters_in_view():
        row = counts.get(c.pk, {})
        n = row.get("reflected", 0)
        rows.append(
            [c.name]
            + [row.get(f"fit_{f.value}", 0) for f in fits]
            + [n]
            + [percent(row.get(f"fit_{f.value}", 0), n) for f in fits]
        )
    label = ctx.year.name if ctx.year is not None else "all years"
    totals = [sum(r[1 + i] for r in rows) for i in range(len(fits))]
    reflected = sum(totals)
    result.facts = [("School year", label), ("Placements with a reflection", reflected)] + [
        (f.label, f"{totals[i]} ({percent(totals[i], reflected) or 0} %)")
        for i, f in enumerate(fits)
    ]
    charted = [r for r in rows if r[1 + len(fits)]]
    result.sections.append(
        Section(
            f"Career fit by cluster, {label}",
            Table(
                "by-cluster",
                f"Students' career-fit verdicts by career cluster, {label}",
                [
                    "Career cluster",
                    *[f.label for f in fits],
                    "Reflections",
                    *[f"{f.label} (%)" for f in fits],
                ],
                rows,
            ),
            Chart(
                "stacked_hbar",
                f"Career fit by cluster, {label}",
                [r[0] for r in charted],
                [(f.label, [r[1 + i] for r in charted]) for i, f in enumerate(fits)],
                value_label="placements",
            ),
            note='"This career is not for me" is a good outcome: the student learned it before choosing a path.',
        )
    )
    return result
