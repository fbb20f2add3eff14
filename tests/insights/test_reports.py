"""Every program report against the figures worked out by hand for the report world (conftest.py)."""

from decimal import Decimal

import pytest

from trellis.insights.reports import REPORTS_BY_SLUG, ReportContext
from trellis.insights.scope import get_insights_scope
from trellis.opportunities.models import CareerCluster
from trellis.students.models import Student

D = Decimal


def build(world, slug, *, year=1, user=None, school=None, cluster=None):
    """year: index into world.years (0 = 2024–25, 1 = 2025–26, 2 = 2026–27)."""
    scope = get_insights_scope(user or world.coordinator)
    ctx = ReportContext(
        scope=scope,
        years=world.years,
        clusters=list(CareerCluster.objects.all()),
        year=world.years[year] if year is not None else None,
        school=scope.school(school.pk)
        if school
        else None,  # as the view does: out-of-scope is ignored
        cluster=CareerCluster.objects.get(slug=cluster) if cluster else None,
    )
    return REPORTS_BY_SLUG[slug].build(ctx)


def table(result, slug):
    return result.table(slug).get_rows()


def rows_by_label(result, slug):
    return {row[0]: row[1:] for row in table(result, slug)}


def test_participation_growth_by_year_counts_students_once_and_summer_in_the_year_it_follows(
    report_world,
):
    result = build(report_world, "participation")
    by_year = rows_by_label(result, "by-year")
    # participants, placements, summer, then kinds: job shadow, internship, TA, service, clinical, pre-app, virtual
    assert by_year["2024–25"] == [3, 3, 1, 1, 2, 0, 0, 0, 0, 0]
    assert by_year["2025–26"] == [3, 3, 1, 0, 3, 0, 0, 0, 0, 0]
    assert by_year["2026–27"] == [0] * 10
    chart = result.sections[0].chart
    assert chart.labels == ["2024–25", "2025–26", "2026–27"]
    assert chart.series[0] == ("All participants", [3, 3, 0])


def test_participation_by_school_grade_cluster_and_kind(report_world):
    result = build(report_world, "participation")
    assert table(result, "by-school") == [["Alpine High", 2, 2], ["Bayside High", 1, 1]]
    assert table(result, "by-grade") == [["Grade 11", 1, 1], ["Grade 12", 2, 2]]
    clusters = rows_by_label(result, "by-cluster")
    assert clusters["Digital Technology"] == [2, 2]
    assert clusters["Education"] == [1, 1]
    assert clusters["Healthcare & Human Services"] == [0, 0]
    assert rows_by_label(result, "by-kind")["Internship"] == [3, 3]


def test_participation_filters_by_school_and_cluster(report_world):
    school_a = build(report_world, "participation", school=report_world.school_a)
    assert [r[1] for r in table(school_a, "by-year")] == [2, 2, 0]
    assert table(school_a, "by-school") == [["Alpine High", 2, 2]]
    healthcare = build(report_world, "participation", cluster="healthcare-human-services")
    assert [r[1] for r in table(healthcare, "by-year")] == [1, 0, 0]


def test_school_coordinator_reports_cover_only_their_school(report_world):
    result = build(
        report_world, "participation", user=report_world.coordinator_a, school=report_world.school_b
    )
    assert [r[1] for r in table(result, "by-year")] == [2, 2, 0]
    assert [r[0] for r in table(result, "by-school")] == ["Alpine High"]


def test_equity_rates_against_enrolment(report_world):
    result = build(report_world, "equity")
    assert dict(result.facts)["Students enrolled"] == 6
    assert dict(result.facts)["Participation rate"] == "50.0 %"
    race = rows_by_label(result, "equity-race")
    assert race["Hispanic or Latino"] == [2, 2, D("100.0"), D("50.0")]
    assert race["White"] == [3, 0, D("0.0"), D("-50.0")]
    assert race["Black or African American"] == [1, 1, D("100.0"), D("50.0")]
    assert race["Asian"] == [0, 0, None, None]
    gender = rows_by_label(result, "equity-gender")
    assert gender["Female"][:3] == [3, 1, D("33.3")]
    assert gender["Non-binary"][:3] == [1, 1, D("100.0")]
    transport = rows_by_label(result, "equity-transportation")
    assert transport["No transportation (needs transportation)"][:3] == [1, 0, D("0.0")]
    assert transport["Family drives"][:3] == [5, 3, D("60.0")]
    schools = rows_by_label(result, "equity-school")
    assert schools["Alpine High"][:3] == [3, 2, D("66.7")]
    assert schools["Bayside High"][:3] == [3, 1, D("33.3")]


def test_equity_in_a_cluster_counts_only_its_participants(report_world):
    result = build(report_world, "equity", cluster="digital-technology")
    assert dict(result.facts)["Participants"] == 2


def test_hours_by_year_cluster_school_and_targets(report_world):
    result = build(report_world, "hours")
    by_year = rows_by_label(result, "by-year")
    # approved hours, participants (placements started that year), mean per participant
    assert by_year["2024–25"] == [D("16.5"), 3, D("5.5")]
    assert by_year["2025–26"] == [D("13.0"), 3, D("4.3")]
    assert rows_by_label(result, "by-cluster")["Digital Technology"] == [D("13.0"), 2, D("6.5")]
    assert rows_by_label(result, "by-cluster")["Education"] == [D("0.0"), 1, D("0.0")]
    # x1 and x6 (Alpine) worked 5 + 8 h in 2025–26; x5 (Bayside) started but logged none.
    assert rows_by_label(result, "by-school") == {
        "Alpine High": [D("13.0"), 2, D("6.5")],
        "Bayside High": [D("0.0"), 1, D("0.0")],
    }
    alpine = build(report_world, "hours", school=report_world.school_a)
    assert rows_by_label(alpine, "by-year")["2025–26"] == [D("13.0"), 2, D("6.5")]
    assert list(rows_by_label(alpine, "by-school")) == ["Alpine High"]
    assert dict(result.facts)["Placements that reached their target hours"] == "0 of 1"


def test_completion_and_withdrawal(report_world):
    result = build(report_world, "completion")
    by_year = rows_by_label(result, "by-year")
    assert by_year["2024–25"] == [2, 1, 0, D("66.7"), D("33.3")]
    assert by_year["2025–26"] == [2, 1, 1, D("66.7"), D("33.3")]
    assert by_year["2026–27"] == [0, 0, 0, None, None]
    reasons = rows_by_label(result, "reasons")
    assert reasons["Transportation"] == [1, D("100.0")]
    assert reasons["Schedule conflict"] == [0, D("0.0")]
    assert rows_by_label(result, "initiators")["School"] == [1, D("100.0")]
    earlier = build(report_world, "completion", year=0)
    assert rows_by_label(earlier, "reasons")["Schedule conflict"] == [1, D("100.0")]
    assert rows_by_label(earlier, "initiators")["Student"] == [1, D("100.0")]


def test_mean_evaluations_by_year_criterion_and_cluster(report_world):
    result = build(report_world, "evaluations", year=0)
    assert rows_by_label(result, "by-year")["2024–25"] == [3, D("3.00"), D("4.00")]
    assert table(result, "by-criterion") == [
        ["Attendance", D("3.00"), D("4.00")],
        ["Communication", D("3.00"), D("4.00")],
    ]
    clusters = rows_by_label(result, "by-cluster")
    assert clusters["Digital Technology"] == [2, D("3.50"), D("4.00"), D("100.0")]
    assert clusters["Healthcare & Human Services"] == [1, D("2.50"), None, None]


def test_career_fit_uses_each_placements_latest_reflection(report_world):
    result = build(report_world, "career-fit", year=0)
    digital = rows_by_label(result, "by-cluster")["Digital Technology"]
    # for me, unsure, not for me, reflections, then the three shares
    assert digital == [1, 0, 1, 2, D("50.0"), D("0.0"), D("50.0")]
    later = build(report_world, "career-fit", year=1)
    assert rows_by_label(later, "by-cluster")["Digital Technology"][:4] == [1, 0, 0, 1]


def test_partner_retention_year_over_year(report_world):
    result = build(report_world, "partner-retention")
    by_year = rows_by_label(result, "by-year")
    # hosting, outside, departments, returning, new, retention %
    assert by_year["2024–25"] == [3, 2, 1, None, 3, None]
    assert by_year["2025–26"] == [3, 2, 1, 2, 1, D("66.7")]
    assert by_year["2026–27"] == [0, 0, 0, 0, 0, D("0.0")]


def test_hires_after_graduation(report_world):
    result = build(report_world, "hires", year=0)
    assert rows_by_label(result, "by-year")["2024–25"] == [1, 1, 1]
    employers = rows_by_label(result, "by-employer")
    assert employers["Business"] == [0, 1]
    assert employers["District department"] == [1, 0]


def test_wages_paid_against_budget(report_world):
    result = build(report_world, "wages")
    by_year = rows_by_label(result, "by-year")
    assert by_year["2024–25"] == [D("12.50"), 1, D("106.25"), D("1000"), D("10.6")]
    assert by_year["2025–26"] == [D("8.00"), 1, D("68.00"), D("500"), D("13.6")]
    assert by_year["2026–27"] == [D("0.00"), 0, D("0.00"), None, None]
    assert table(result, "by-budget") == [
        ["Summer internship", D("500"), D("68.00"), D("432.00"), D("13.6")]
    ]


def test_perkins_5s3_with_the_default_rule(report_world):
    result = build(report_world, "perkins")
    cohorts = {r[0]: r[1:] for r in table(result, "by-cohort")}
    assert cohorts["Class of 2026 (2025–26)"] == [3, 2, D("66.7")]
    # x3's only placement began after graduation: it does not count for the class of 2025.
    assert cohorts["Class of 2025 (2024–25)"] == [1, 0, D("0.0")]
    assert cohorts["Class of 2027 (2026–27)"] == [0, 0, None]
    assert table(result, "by-school") == [
        ["Alpine High", 1, 1, D("100.0")],
        ["Bayside High", 2, 1, D("50.0")],
    ]
    clusters = rows_by_label(result, "by-cluster")
    assert clusters["Digital Technology"] == [2, 1, D("50.0")]
    assert clusters["Education"] == [1, 1, D("100.0")]
    assert [(r[1], r[7]) for r in table(result, "students")] == [
        ("Learner1", "Yes"),
        ("Learner5", "Yes"),
        ("Learner7", "No"),
    ]


@pytest.mark.parametrize(
    ("min_hours", "kinds", "expected"),
    [
        (D("5"), [], [3, 1, D("33.3")]),  # x1 has 4 + 5 approved hours; x5 none
        (D("10"), [], [3, 0, D("0.0")]),
        (D("0"), ["job_shadow"], [3, 0, D("0.0")]),
        (D("0"), ["internship"], [3, 2, D("66.7")]),
    ],
)
def test_perkins_5s3_follows_the_districts_rule(report_world, min_hours, kinds, expected):
    district = report_world.district
    district.perkins_min_hours, district.perkins_counted_kinds = min_hours, kinds
    district.save()
    result = build(report_world, "perkins")
    cohorts = {r[0]: r[1:] for r in table(result, "by-cohort")}
    assert cohorts["Class of 2026 (2025–26)"] == expected


def test_reports_without_a_year_show_the_trend_only(report_world):
    result = build(report_world, "participation", year=None)
    assert [s.table.slug for s in result.sections] == ["by-year"]


@pytest.mark.parametrize("slug", list(REPORTS_BY_SLUG))
def test_every_report_runs_in_a_fixed_number_of_queries(
    report_world, django_assert_max_num_queries, slug
):
    scope = get_insights_scope(report_world.coordinator)
    ctx = ReportContext(
        scope=scope,
        years=report_world.years,
        clusters=list(CareerCluster.objects.all()),
        year=report_world.years[1],
    )
    with django_assert_max_num_queries(8):
        result = REPORTS_BY_SLUG[slug].build(ctx)
        for section in result.sections:
            if not section.table.export_only:
                section.table.get_rows()
    assert Student.objects.exists()
