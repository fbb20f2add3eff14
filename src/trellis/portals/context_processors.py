"""Template context shared by every page: the navigation links the user's roles open.

Each link shows exactly when the capability table lets the user use the page it leads to.
"""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from trellis.accounts.permissions import can


def _nav_items(request, user, *, staff: bool):
    """One short navigation per role (it must fit a phone): the home page holds the work,
    so each role gets Home plus the few places it goes to, each page named once."""
    home = reverse("core:home")
    items = [("Home", home)]
    if staff:
        # The board is the coordinators' placements page; counselors read the list.
        placements = (
            reverse("lifecycle:board") if can(user, "placement.manage") else reverse("placements:list")
        )
        items += [
            ("Students", reverse("students:list")),
            ("Opportunities", reverse("opportunities:list")),
            ("Placements", placements),
            ("Match rounds", reverse("rounds:list")),
            ("Hours", reverse("hours:index")),
            ("Partners", reverse("partners:list")),
            ("Calendar", reverse("districts:calendar_home")),
        ]
        if can(user, "insights.view"):
            items.append(("Insights", reverse("insights:index")))
        if can(user, "staff.invite"):
            items.append(("District staff", reverse("accounts:staff")))
        if can(user, "roster.import"):
            items.append(("Roster imports", reverse("rostering:home")))
    else:
        partner_admin = can(user, "partner.manage")
        mentor = can(user, "placement.supervise")
        student = can(user, "student_portal.use")
        guardian = can(user, "guardian.follow")
        if partner_admin:
            # The partner portal's own tabs hold its opportunities, interns and mentors.
            items.append(("Our organisation", reverse("partner_portal:index")))
        if mentor:
            items.append(("My interns", reverse("mentor:interns")))
        if mentor or partner_admin:
            items.append(("Approve hours", reverse("hours:approvals")))
        if student:
            # The student portal (portals/student/urls.py): browse, placements, record.
            items.append(("Opportunities", reverse("portal:browse")))
            items.append(("My placements", reverse("portal:placements")))
            items.append(("My record", reverse("portal:record")))
        if guardian and not student:
            items.append(("Opportunities", reverse("opportunities:list")))
        if mentor or partner_admin or student:
            items.append(("Calendar links", reverse("feeds:index")))
    current = request.path
    seen, result = set(), []
    for label, url in items:
        if url in seen:
            continue
        seen.add(url)
        result.append({"label": label, "url": url, "current": url == current})
    return result


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    staff = can(user, "district.browse")
    return {
        "nav_items": _nav_items(request, user, staff=staff),
        "is_staff_role": staff,
        # Lazy: the count query runs only on pages whose header shows it.
        "unread_notifications": SimpleLazyObject(lambda: _unread_count(user)),
    }


def _unread_count(user) -> int:
    from trellis.core.models import Notification

    return Notification.objects.for_user(user).unread().count()
