"""The role-aware home page at /: the work queues of portals.queues that the user's
capabilities open, then the staff summary; a fixed number of queries whatever the rows."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from trellis.accounts.permissions import can
from trellis.core.pagination import paginate
from trellis.opportunities.models import Opportunity
from trellis.partners.models import Partner, PartnerKind
from trellis.placements.models import Placement
from trellis.portals import queues
from trellis.portals.mentor.views import mentor_overview
from trellis.portals.student.views import student_overview
from trellis.students.models import Student, current_q


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


def _student_counts(user):
    """Current students and alumni, apart (one query)."""
    counts = Student.objects.for_user(user).aggregate(
        current=Count("pk", filter=current_q()), alumni=Count("pk", filter=~current_q())
    )
    return [
        ("current", "Current students", counts["current"]),
        ("alumni", "Alumni and students who left", counts["alumni"]),
    ]


def staff_summary(user) -> StaffSummary:
    """Counts for district staff; a school coordinator's student and placement counts are their school's."""
    dept = PartnerKind.DISTRICT_DEPARTMENT
    partners = Partner.objects.for_user(user).aggregate(
        business=Count("pk", filter=~Q(kind=dept)), department=Count("pk", filter=Q(kind=dept))
    )
    return StaffSummary(
        students=[
            Tile(label, count, _url("students:list", enrolment=key))
            for key, label, count in _student_counts(user)
        ],
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


def home_sections(user) -> dict:
    """The staff summary, when the user browses the district; an empty dict means no access yet."""
    sections = {}
    if can(user, "district.browse"):
        sections["staff"] = staff_summary(user)
    if can(user, "guardian.follow"):
        sections["children"] = list(
            Student.objects.for_user(user)
            .filter(guardian_links__guardian_user=user)
            .distinct()
            .order_by("last_name", "first_name", "pk")[:20]
        )
    return sections


def home(request):
    """One home per person: what needs them now (each queue their capabilities open, with its
    count and first rows), then, for staff, the program at a glance."""
    user = request.user
    today = queues.today_for(user)
    filled = [queues.fill(q, user, today) for q in queues.queues_for(user)]
    context = {
        "to_do": [f for f in filled if f.count],
        "done": [f for f in filled if not f.count],
        "sections": home_sections(user),
        "has_role": bool(filled) or bool(user.get_memberships()),
    }
    if can(user, "placement.supervise"):
        context["mentor"] = mentor_overview(user)
    if can(user, "student_portal.use"):
        context["student"] = student_overview(user, today)
    return render(request, "portals/home.html", context)


def queue(request, key):
    """The whole of one home-page queue, paged: the same rows the home page counted."""
    user = request.user
    q = queues.QUEUES_BY_KEY.get(key)
    if q is None or not q.visible_to(user):
        raise Http404("No such list.")
    page_obj = paginate(request, q.rows(user, queues.today_for(user)))
    items = [q.item(row, user) for row in page_obj.object_list]
    return render(
        request,
        "portals/queue.html",
        {
            "queue": q,
            "page_obj": page_obj,
            "items": items,
            "app_page": reverse(q.page) if q.page else "",
        },
    )
