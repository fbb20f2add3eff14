"""Template context shared by every page: the signed-in user's roles and navigation links."""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from trellis.accounts.models import PARTNER_ROLES, STAFF_ROLES, Role


def _nav_items(request, roles, *, staff: bool):
    """Role-aware links: staff get the lists, others the sections of their home page."""
    home = reverse("core:home")
    items = [("Home", home)]
    if staff:
        items += [
            ("Students", reverse("students:list")),
            ("Partners", reverse("partners:list")),
            ("Opportunities", reverse("opportunities:list")),
            ("Placements", reverse("placements:list")),
            ("Match rounds", reverse("rounds:list")),
            ("Hours", reverse("hours:index")),
            ("Calendar", reverse("districts:calendar_home")),
        ]
        if roles & {Role.COORDINATOR, Role.DISTRICT_ADMIN} or request.user.is_superuser:
            items.append(("Placement board", reverse("lifecycle:board")))
            items.append(("Opportunity approvals", reverse("opportunities:approvals")))
        if roles & STAFF_ROLES:
            items.append(("Insights", reverse("insights:index")))
        if Role.DISTRICT_ADMIN in roles:
            items.append(("District staff", reverse("accounts:staff")))
    else:
        if Role.PARTNER_ADMIN in roles:
            items += [
                ("Our opportunities", reverse("opportunities:list")),
                ("Our placements", reverse("placements:list")),
            ]
        if Role.PARTNER_ADMIN in roles:
            items.append(("Partner portal", reverse("partner_portal:index")))
        if Role.MENTOR in roles:
            items.append(("My interns", reverse("mentor:home")))
            items.append(("Hours to approve", reverse("hours:approvals")))
        if Role.STUDENT in roles:
            # The student portal (portals/student/urls.py): browse, placements, record.
            items.append(("My learning", reverse("portal:home")))
            items.append(("Opportunities", reverse("portal:browse")))
            items.append(("My placements", reverse("portal:placements")))
            items.append(("My record", reverse("portal:record")))
            items.append(("Match rounds", reverse("rounds:list")))
        if Role.GUARDIAN in roles:
            items.append(("My children", f"{home}#guardian"))
        if Role.GUARDIAN in roles and Role.STUDENT not in roles:
            items.append(("Opportunities", reverse("opportunities:list")))
    if not staff and roles & {Role.MENTOR, Role.PARTNER_ADMIN, Role.STUDENT}:
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
    roles = user.roles()
    staff = user.is_superuser or bool(roles & STAFF_ROLES)
    return {
        "nav_roles": roles,
        "nav_items": _nav_items(request, roles, staff=staff),
        "is_staff_role": staff,
        "is_partner_role": bool(roles & PARTNER_ROLES),
        # Lazy: the count query runs only on pages whose header shows it.
        "unread_notifications": SimpleLazyObject(lambda: _unread_count(user)),
    }


def _unread_count(user) -> int:
    from trellis.core.models import Notification

    return Notification.objects.for_user(user).unread().count()
