"""The program reports, by slug, in the order the index and the board report show them."""

from django.http import Http404

from trellis.insights.reports.base import Report, ReportContext, ReportResult
from trellis.insights.reports.outcomes import career_fit, completion, evaluations, hours
from trellis.insights.reports.participation import equity, participation
from trellis.insights.reports.perkins import perkins
from trellis.insights.reports.programs import hires, partner_retention, wages

REPORTS: tuple[Report, ...] = (
    Report(
        "participation",
        "Participation",
        "Students taking part by school year (the growth chart), school, grade, cluster and kind.",
        participation,
    ),
    Report(
        "equity",
        "Equity of participation",
        "Participation rates against enrolment by demographic group, school and transportation need.",
        equity,
    ),
    Report(
        "hours",
        "Hours completed",
        "Approved hours by school year, cluster and school; targets reached.",
        hours,
    ),
    Report(
        "completion",
        "Completion and withdrawal",
        "How many placements are completed or withdrawn, and why students leave.",
        completion,
    ),
    Report(
        "evaluations",
        "Mentor evaluations",
        "Mean rubric scores at midpoint and end, by criterion and cluster.",
        evaluations,
    ),
    Report(
        "career-fit",
        "Career fit",
        "Students' verdicts — for me, unsure, not for me — by career cluster.",
        career_fit,
    ),
    Report(
        "partner-retention",
        "Partner retention",
        "Host partners year over year: returning, new and retained.",
        partner_retention,
    ),
    Report(
        "hires",
        "Job offers and hires",
        "Students offered jobs or hired after graduation, by year and employer.",
        hires,
    ),
    Report(
        "wages",
        "Wages and budget",
        "Wages paid for approved hours against the program budget.",
        wages,
    ),
    Report(
        "perkins",
        "Perkins V 5S3",
        "Share of CTE concentrators in the graduating cohort who took part in work-based learning.",
        perkins,
    ),
)
REPORTS_BY_SLUG = {report.slug: report for report in REPORTS}


def get_report(slug: str) -> Report:
    try:
        return REPORTS_BY_SLUG[slug]
    except KeyError:
        raise Http404("No such report.") from None


__all__ = ["REPORTS", "Report", "ReportContext", "ReportResult", "get_report"]
