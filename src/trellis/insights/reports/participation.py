"""Who takes part: participation by school year (the growth chart), school, grade, cluster, kind;
and equity: participation rates against enrolment by demographic group, school and transport."""

from collections import defaultdict

from django.db.models import Case, Count, F, IntegerField, Max, Q, When

from trellis.insights.reports.base import (
    STARTED,
    SUMMER,
    Chart,
    ReportContext,
    ReportResult,
    Section,
    Table,
    percent,
    regroup,
    started_placements,
)
from trellis.opportunities.models import OpportunityKind
from trellis.placements.models import Placement
from trellis.students.models import Gender, RaceEthnicity, Student, Transportation

KINDS = list(OpportunityKind)


def participation(ctx: ReportContext) -> ReportResult:
    base = started_placements(ctx)
    result = ReportResult()

    # Growth, by school and by grade in one pass: first one row per (student, year) with
    # flags for summer and each kind, then those rows counted per (year, school, graduation
    # year). A student has one school and one graduation year, so the counts add up across
    # schools and grades without counting anyone twice, and no DISTINCT is needed.
    def flag(q):
        return Max(Case(When(q, then=1), default=0, output_field=IntegerField()))

    kinds = {f"kind_{k.value}": Q(opportunity__kind=k.value) for k in KINDS}
    per_student = (
        base.annotate(
            sy=ctx.year_case("start_date"),
            school=F("student__school_id"),
            grad=F("student__graduation_year"),
        )
        .exclude(sy=None)
        .values("student_id", "sy", "school", "grad")
        .annotate(
            placements=Count("pk"),
            summer=flag(SUMMER),
            **{name: flag(q) for name, q in kinds.items()},
            **{f"n_{name}": Count("pk", filter=q) for name, q in kinds.items()},
        )
        .order_by()
    )
    sums = ["placements", "summer", *kinds, *[f"n_{name}" for name in kinds]]
    cells = regroup(per_student, ["sy", "school", "grad"], sums)
    growth: dict = defaultdict(lambda: defaultdict(int))
    for cell in cells:
        growth[cell["sy"]]["participants"] += cell["rows"]
        for name in sums:
            growth[cell["sy"]][name] += cell[name] or 0
    growth_rows = []
    for year in ctx.years:
        row = growth.get(year.pk, {})
        growth_rows.append(
            [year.name, row.get("participants", 0), row.get("placements", 0), row.get("summer", 0)]
            + [row.get(f"kind_{k.value}", 0) for k in KINDS]
        )
    result.sections.append(
        Section(
            heading="Participation by school year",
            table=Table(
                "by-year",
                "Students who took part in work-based learning, by school year",
                ["School year", "Participants", "Placements", "Summer participants"]
                + [k.label for k in KINDS],
                growth_rows,
            ),
            chart=Chart(
                "bar",
                "Participants by school year",
                [r[0] for r in growth_rows],
                [
                    ("All participants", [r[1] for r in growth_rows]),
                    ("Summer program", [r[3] for r in growth_rows]),
                ],
                value_label="students",
            ),
            note="A student counts once a year however many placements they held; summer "
            "placements count in the school year they follow.",
        )
    )
    if ctx.year is None:
        return result

    in_year = base.filter(ctx.year_q("start_date"))
    graduating = ctx.year.graduation_year

    by_school: dict = defaultdict(lambda: [0, 0])
    by_grade: dict = defaultdict(lambda: [0, 0])
    for cell in cells:
        if cell["sy"] != ctx.year.pk:
            continue
        for bucket in (by_school[cell["school"]], by_grade[12 + graduating - cell["grad"]]):
            bucket[0] += cell["rows"]
            bucket[1] += cell["placements"]
    school_rows = [[s.name, *by_school.get(s.pk, [0, 0])] for s in ctx.schools()]
    grade_rows = [[f"Grade {g}", *counts] for g, counts in sorted(by_grade.items())]
    by_cluster = {
        row["opportunity__cluster_id"]: row
        for row in in_year.values("opportunity__cluster_id")
        .annotate(participants=Count("student", distinct=True), placements=Count("pk"))
        .order_by()
    }
    cluster_rows = [
        [
            c.name,
            by_cluster.get(c.pk, {}).get("participants", 0),
            by_cluster.get(c.pk, {}).get("placements", 0),
        ]
        for c in ctx.clusters_in_view()
    ]
    # The growth pass already counted each kind's students and placements, year by year.
    this_year = growth[ctx.year.pk]
    kind_rows = [
        [k.label, this_year[f"kind_{k.value}"], this_year[f"n_kind_{k.value}"]] for k in KINDS
    ]
    header = ["Participants", "Placements"]
    year = ctx.year.name
    result.facts = [
        ("School year", year),
        ("Participants", sum(r[1] for r in growth_rows if r[0] == year)),
        ("Placements", sum(r[2] for r in growth_rows if r[0] == year)),
    ]
    result.sections += [
        Section(
            f"By school, {year}",
            Table("by-school", f"Participants by school, {year}", ["School", *header], school_rows),
            Chart(
                "hbar",
                f"Participants by school, {year}",
                [r[0] for r in school_rows],
                [("Participants", [r[1] for r in school_rows])],
            ),
        ),
        Section(
            f"By grade, {year}",
            Table("by-grade", f"Participants by grade in {year}", ["Grade", *header], grade_rows),
            Chart(
                "bar",
                f"Participants by grade, {year}",
                [r[0] for r in grade_rows],
                [("Participants", [r[1] for r in grade_rows])],
            ),
            note="Grade in that school year, from the graduation year.",
        ),
        Section(
            f"By career cluster, {year}",
            Table(
                "by-cluster",
                f"Participants by career cluster, {year}",
                ["Career cluster", *header],
                cluster_rows,
            ),
            Chart(
                "hbar",
                f"Participants by career cluster, {year}",
                [r[0] for r in cluster_rows],
                [("Participants", [r[1] for r in cluster_rows])],
            ),
        ),
        Section(
            f"By kind of experience, {year}",
            Table(
                "by-kind",
                f"Participants by kind of experience, {year}",
                ["Kind of experience", *header],
                kind_rows,
            ),
            Chart(
                "hbar",
                f"Participants by kind of experience, {year}",
                [r[0] for r in kind_rows],
                [("Participants", [r[1] for r in kind_rows])],
            ),
            note="A student with placements of two kinds counts under each.",
        ),
    ]
    return result


DIMENSIONS = (
    "race_ethnicity",
    "gender",
    "is_economically_disadvantaged",
    "is_english_learner",
    "has_iep",
    "transportation",
    "school_id",
)


def _groups(ctx: ReportContext):
    """(heading, table key, [(label, {dimension: value})]) for every equity breakdown."""
    yes_no = [("Yes", True), ("No", False)]
    return [
        (
            "By race and ethnicity",
            "race",
            [(label, {"race_ethnicity": value}) for value, label in RaceEthnicity.choices],
        ),
        ("By gender", "gender", [(label, {"gender": value}) for value, label in Gender.choices]),
        (
            "By program group",
            "program",
            [
                *[
                    (f"Economically disadvantaged: {t}", {"is_economically_disadvantaged": v})
                    for t, v in yes_no
                ],
                *[(f"English learner: {t}", {"is_english_learner": v}) for t, v in yes_no],
                *[(f"IEP or 504 plan: {t}", {"has_iep": v}) for t, v in yes_no],
            ],
        ),
        (
            "By transportation",
            "transportation",
            [
                (
                    label + (" (needs transportation)" if value == Transportation.NONE else ""),
                    {"transportation": value},
                )
                for value, label in Transportation.choices
            ],
        ),
        ("By school", "school", [(s.name, {"school_id": s.pk}) for s in ctx.schools()]),
    ]


def enrolled_students(ctx: ReportContext):
    """Students enrolled in the selected school year, in scope.

    There is no enrolment history, so a student counts if their graduation year puts them in
    grades 6–12 that year (students who left since still count for the years they were here).
    """
    graduating = ctx.year.graduation_year
    qs = Student.objects.for_user(ctx.user).filter(
        district=ctx.district, graduation_year__gte=graduating, graduation_year__lte=graduating + 6
    )
    if ctx.school is not None:
        qs = qs.filter(school=ctx.school)
    return qs


def equity(ctx: ReportContext) -> ReportResult:
    result = ReportResult()
    if ctx.year is None:
        result.notes.append("Add a school year to see participation rates.")
        return result
    participants = Placement.objects.filter(
        STARTED, ctx.year_q("start_date"), district=ctx.district
    )
    if ctx.cluster is not None:
        participants = participants.filter(opportunity__cluster=ctx.cluster)
    # One pass over the students: counts per combination of every dimension, summed below.
    # The participant ids are a hashed subplan, computed once (not a subquery per student).
    cells = list(
        enrolled_students(ctx)
        .values(*DIMENSIONS)
        .annotate(
            enrolled=Count("pk"),
            took_part=Count("pk", filter=Q(pk__in=participants.values("student_id"))),
        )
        .order_by()
    )

    sums: dict = defaultdict(lambda: [0, 0])
    for cell in cells:
        for key in (None, *DIMENSIONS):
            entry = sums[(key, cell[key] if key else None)]
            entry[0] += cell["enrolled"]
            entry[1] += cell["took_part"]

    def total(match: dict) -> tuple[int, int]:
        ((key, value),) = match.items() if match else ((None, None),)
        return tuple(sums.get((key, value), (0, 0)))

    all_enrolled, all_took_part = total({})
    overall = percent(all_took_part, all_enrolled)
    year = ctx.year.name
    result.facts = [
        ("School year", year),
        ("Students enrolled", all_enrolled),
        ("Participants", all_took_part),
        ("Participation rate", f"{overall} %" if overall is not None else "—"),
    ]
    header = [
        "Group",
        "Enrolled",
        "Participants",
        "Participation rate (%)",
        "Difference from all students (points)",
    ]
    for heading, key, groups in _groups(ctx):
        table_rows = []
        for label, match in groups:
            enrolled, took = total(match)
            rate = percent(took, enrolled)
            diff = rate - overall if rate is not None and overall is not None else None
            table_rows.append([label, enrolled, took, rate, diff])
        charted = [r for r in table_rows if r[1]]
        result.sections.append(
            Section(
                f"{heading}, {year}",
                Table(
                    f"equity-{key}",
                    f"Participation rate {heading.lower()}, {year}",
                    header,
                    table_rows,
                ),
                Chart(
                    "hbar",
                    f"Participation rate {heading.lower()}, {year}",
                    [r[0] for r in charted],
                    [("Participation rate", [float(r[3]) for r in charted])],
                    percent=True,
                ),
            )
        )
    result.notes.append(
        "Enrolment counts students whose graduation year places them in grades 6–12 that year. "
        "Small groups move a lot with one student; read rates for groups under 10 with care."
    )
    return result
