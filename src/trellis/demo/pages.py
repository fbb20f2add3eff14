"""Every page of the app, with real arguments, for each demo login: what the page-speed
benchmark times and the query-count test compares between a small and a large district.

Each route that takes an object gets the first object of its kind the signed-in persona may
see (`for_user`), or the demo district's own when the model has no row rule of its own; a
route the persona has no object for is left out for that persona. Action routes (those that
only answer POST, or send mail, or change state on GET) are not pages and are not listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from trellis.districts.models import District, School
from trellis.hours.models import HourLog, PayPeriod, ProgramBudget
from trellis.insights import departments
from trellis.insights.reports import REPORTS
from trellis.opportunities.models import CareerCluster, Opportunity
from trellis.partners.models import Mentor, Partner, Worksite
from trellis.placements.models import Agreement, MatchRound, Placement
from trellis.students.models import Student

PERSONAS = (
    "coordinator",
    "coordinator.alder",
    "counselor",
    "admin",
    "partner",
    "mentor",
    "student",
    "guardian",
)
"""The demo logins the crawl signs in as (district-wide and one-school staff, the partner
side, and the student side)."""


@dataclass(frozen=True)
class Page:
    name: str  # the route name, e.g. "hours:payroll"
    url: str


def _first(qs):
    return qs.order_by("pk").values_list("pk", flat=True).first()


def _objects(user, district: District) -> dict[str, object]:
    """The sample object of each kind this persona may see (None where there is none)."""
    placements = Placement.objects.for_user(user).filter(district=district)
    active = placements.filter(status=Placement.Status.ACTIVE)
    published_round = MatchRound.objects.for_user(user).filter(
        district=district, status=MatchRound.Status.PUBLISHED
    )
    open_round = MatchRound.objects.for_user(user).filter(
        district=district, status=MatchRound.Status.RANKING
    )
    round_pk = _first(published_round)
    round_student = (
        _first(Student.objects.for_user(user).filter(match_rounds=round_pk)) if round_pk else None
    )
    partner = _first(Partner.objects.for_user(user).filter(district=district, kind="business"))
    return {
        "student": _first(Student.objects.for_user(user).filter(district=district, is_active=True)),
        "partner": partner,
        "opportunity": _first(
            Opportunity.objects.for_user(user).filter(
                district=district, status=Opportunity.Status.PUBLISHED
            )
        ),
        "placement": _first(active) or _first(placements),
        "agreement": _first(Agreement.objects.for_user(user).filter(placement__district=district)),
        "hour_log": _first(
            HourLog.objects.for_user(user).filter(
                placement__district=district, status=HourLog.Status.SUBMITTED
            )
        ),
        "worksite": _first(Worksite.objects.filter(partner_id=partner)) if partner else None,
        "mentor": _first(Mentor.objects.for_user(user).filter(partner__district=district)),
        "pay_period": _first(PayPeriod.objects.filter(district=district)),
        "budget": _first(ProgramBudget.objects.filter(district=district)),
        "round": round_pk,
        "open_round": _first(open_round),
        "round_student": round_student,
    }


# route name → the sample objects (by kind, in argument order) it takes.
OBJECT_ROUTES = {
    "students:detail": ["student"],
    "portal:opportunity": ["opportunity"],
    "portal:placement": ["placement"],
    "portal:reflect": ["placement"],
    "portal:student_record": ["student"],
    "portal:student_record_pdf": ["student"],
    "partners:detail": ["partner"],
    "partner_portal:home": ["partner"],
    "partner_portal:profile": ["partner"],
    "partner_portal:worksites": ["partner"],
    "partner_portal:worksite_add": ["partner"],
    "partner_portal:worksite_edit": ["worksite"],
    "partner_portal:mentors": ["partner"],
    "partner_portal:mentor_invite": ["partner"],
    "partner_portal:mentor_edit": ["mentor"],
    "partner_portal:opportunities": ["partner"],
    "partner_portal:opportunity_create": ["partner"],
    "partner_portal:opportunity": ["opportunity"],
    "partner_portal:opportunity_edit": ["opportunity"],
    "partner_portal:applicants": ["opportunity"],
    "partner_portal:interns": ["partner"],
    "mentor:intern": ["placement"],
    "mentor:concern": ["placement"],
    "opportunities:detail": ["opportunity"],
    "placements:detail": ["placement"],
    "lifecycle:placement": ["placement"],
    "lifecycle:withdraw": ["placement"],
    "lifecycle:replace": ["placement"],
    "lifecycle:agreement": ["agreement"],
    "lifecycle:relationship": ["partner"],
    "rounds:detail": ["round"],
    "rounds:compare": ["round"],
    "rounds:follow_up": ["round"],
    "rounds:placements": ["round"],
    "rounds:my_result": ["round"],
    "rounds:open_seats": ["round"],
    "rounds:rank": ["open_round"],
    "rounds:student_result": ["round", "round_student"],
    "feeds:mentor": ["mentor"],
    "feeds:opportunity": ["opportunity"],
    "schedules:placement": ["placement"],
    "hours:placement": ["placement"],
    "hours:log": ["placement"],
    "hours:edit": ["hour_log"],
    "hours:payroll": ["pay_period"],
    "hours:pay_period_edit": ["pay_period"],
    "hours:budget": ["budget"],
    "hours:budget_edit": ["budget"],
}

PLAIN_ROUTES = [
    "core:home",
    "core:notifications",
    "accounts:staff",
    "accounts:staff_invite",
    "students:list",
    "portal:home",
    "portal:profile",
    "portal:interests",
    "portal:browse",
    "portal:applications",
    "portal:placements",
    "portal:schedule",
    "portal:record",
    "portal:record_pdf",
    "partners:list",
    "partner_portal:index",
    "mentor:home",
    "mentor:interns",
    "mentor:sessions",
    "rubric:edit",
    "opportunities:list",
    "opportunities:approvals",
    "placements:list",
    "lifecycle:board",
    "lifecycle:propose",
    "lifecycle:concerns",
    "lifecycle:outcome",
    "lifecycle:agreement_texts",
    "rounds:list",
    "rounds:create",
    "districts:calendar_home",
    "feeds:index",
    "hours:index",
    "hours:approvals",
    "hours:flagged",
    "hours:pay_periods",
    "hours:budgets",
    "insights:index",
    "insights:gaps",
    "insights:board_report",
    "insights:perkins_rule",
]


def pages_for(user, district: District) -> list[Page]:
    """Every page the crawl opens as `user` in `district` (whether the user may see it or not:
    a refusal is timed too, and the benchmark reports its status)."""
    objects = _objects(user, district)
    pages = [Page(name, reverse(name)) for name in PLAIN_ROUTES]
    for name, kinds in OBJECT_ROUTES.items():
        args = [objects[k] for k in kinds]
        if None not in args:
            pages.append(Page(name, reverse(name, args=args)))
    placement = objects["placement"]
    if placement is not None:
        pages.append(
            Page("mentor:evaluate", reverse("mentor:evaluate", args=[placement, "midpoint"]))
        )
    pages.append(
        Page(
            "lifecycle:agreement_text_edit",
            reverse("lifecycle:agreement_text_edit", args=[Agreement.Kind.TRAINING_AGREEMENT]),
        )
    )
    if objects["pay_period"] is not None:
        for fmt in ("csv", "xlsx"):
            pages.append(
                Page(
                    f"hours:payroll_export.{fmt}",
                    reverse("hours:payroll_export", args=[objects["pay_period"], fmt]),
                )
            )
    pages.append(Page("districts:calendar", reverse("districts:calendar", args=[district.slug])))
    cluster = CareerCluster.objects.order_by("pk").values_list("slug", flat=True).first()
    if cluster:
        pages.append(Page("insights:gap_cluster", reverse("insights:gap_cluster", args=[cluster])))
    pages.append(Page("insights:gap_export.csv", reverse("insights:gap_export", args=["csv"])))
    role = departments.ROLE_TEMPLATES[0].key
    pages.append(
        Page("insights:draft_opportunity", reverse("insights:draft_opportunity", args=[role]))
    )
    for report in REPORTS:
        pages.append(
            Page(f"insights:report.{report.slug}", reverse("insights:report", args=[report.slug]))
        )
        pages.append(
            Page(
                f"insights:report_print.{report.slug}",
                reverse("insights:report_print", args=[report.slug]),
            )
        )
    if School.objects.filter(district=district).exists():
        pages.append(
            Page(
                "insights:report_export.participation",
                reverse("insights:report_export", args=["participation", "by-year", "xlsx"]),
            )
        )
    return pages
