"""The role-aware home page at /: a section per role, each a fixed number of aggregate queries."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse

from trellis.accounts.permissions import can, permitted
from trellis.opportunities.models import Opportunity
from trellis.partners.models import Partner, PartnerKind
from trellis.placements.models import Application, Placement
from trellis.students.models import Student

SECTION_ROWS = 20  # rows shown per home section; the full list is one link away


@dataclass
class Tile:
    label: str
    count: int
    url: str


@dataclass
class StaffSummary:
    students: list[Tile] = field(default_factory=list)
    partners: list[Tile] = field(default_factory=list)
    opportunities: list[Tile] = field(default_factory=list)
    placements: list[Tile] = field(default_factory=list)


def _url(name, **params):
    url = reverse(name)
    return f"{url}?{urlencode(params)}" if params else url


def _status_tiles(queryset, choices, list_name):
    """One query: a conditional count per status, each linking to the list filtered by it."""
    counts = queryset.aggregate(
        **{value: Count("pk", filter=Q(status=value)) for value in choices.values}
    )
    return [
        Tile(label, counts[value], _url(list_name, status=value))
        for value, label in choices.choices
    ]


def staff_summary(user) -> StaffSummary:
    """Counts for district staff; a school coordinator's student and placement counts are their school's."""
    dept = PartnerKind.DISTRICT_DEPARTMENT
    partners = Partner.objects.for_user(user).aggregate(
        business=Count("pk", filter=~Q(kind=dept)), department=Count("pk", filter=Q(kind=dept))
    )
    return StaffSummary(
        students=[Tile("Students", Student.objects.for_user(user).count(), _url("students:list"))],
        partners=[
            Tile(
                "Business and community partners",
                partners["business"],
                _url("partners:list", kind="business"),
            ),
            Tile("District departments", partners["department"], _url("partners:list", kind=dept)),
        ],
        opportunities=_status_tiles(
            Opportunity.objects.for_user(user), Opportunity.Status, "opportunities:list"
        ),
        placements=_status_tiles(
            Placement.objects.for_user(user), Placement.Status, "placements:list"
        ),
    )


def _placement_rows(queryset):
    return list(
        queryset.select_related("student__school", "opportunity__partner", "mentor__user").order_by(
            "start_date", "pk"
        )[:SECTION_ROWS]
    )


def student_section(user):
    applications = (
        Application.objects.for_user(user)
        .filter(student__user=user)
        .select_related("opportunity__partner")
        .order_by("-created_at")[:SECTION_ROWS]
    )
    placements = Placement.objects.for_user(user).filter(student__user=user)
    return {"applications": list(applications), "placements": _placement_rows(placements)}


def mentor_section(user):
    interns = Placement.objects.for_user(user).filter(mentor__user=user).current()
    return {"interns": _placement_rows(interns)}


def partner_section(user):
    opportunities = (
        permitted(user, "partner.manage", Opportunity.objects.for_user(user))
        .exclude(status=Opportunity.Status.CLOSED)
        .select_related("partner", "cluster")
        .annotate(
            filled=Count("placements", filter=Q(placements__status__in=Placement.OPEN_STATUSES))
        )
        .order_by("start_date", "title")[:SECTION_ROWS]
    )
    placements = permitted(user, "partner.manage", Placement.objects.for_user(user)).current()
    return {"opportunities": list(opportunities), "placements": _placement_rows(placements)}


def guardian_section(user):
    placements = (
        Placement.objects.for_user(user)
        .filter(student__guardian_links__guardian_user=user)
        .distinct()
    )
    children = (
        Student.objects.for_user(user)
        .filter(guardian_links__guardian_user=user)
        .distinct()
        .order_by("last_name", "first_name", "pk")[:SECTION_ROWS]
    )
    return {"placements": _placement_rows(placements), "children": list(children)}


def home_sections(user) -> dict:
    """The sections this user's roles call for; an empty dict means no access yet."""
    sections = {}
    if can(user, "district.browse"):
        sections["staff"] = staff_summary(user)
    if can(user, "student_portal.use"):
        sections["student"] = student_section(user)
    if can(user, "placement.supervise"):
        sections["mentor"] = mentor_section(user)
    if can(user, "partner.manage"):
        sections["partner"] = partner_section(user)
    if can(user, "guardian.follow"):
        sections["guardian"] = guardian_section(user)
    return sections


def home(request):
    """One page per person: a section for each of their roles, or a note that access is pending."""
    return render(request, "portals/home.html", {"sections": home_sections(request.user)})
