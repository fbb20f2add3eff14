"""Who may run a placement's lifecycle: coordinators and district administrators in scope.

Seeing a placement (`Placement.objects.for_user`) is wider than managing it: mentors, partner
administrators, students and guardians see theirs, counselors see their school's, but only a
coordinator (of the student's school or the whole district) or a district administrator may
propose, confirm, activate, complete, withdraw or re-place, and record outcomes.
"""

from django.db.models import Q
from django.http import Http404

from trellis.accounts.models import Role
from trellis.core.tenancy import NOTHING

MANAGER_ROLES = (Role.DISTRICT_ADMIN, Role.COORDINATOR)


def manager_memberships(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return [m for m in user.get_memberships() if m.role in MANAGER_ROLES]


def is_manager(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active) or bool(
        manager_memberships(user)
    )


def _q(user, *, district_path: str, school_path: str) -> Q:
    if getattr(user, "is_superuser", False) and user.is_active:
        return Q()
    q = NOTHING
    for m in manager_memberships(user):
        if m.is_district_wide:
            q |= Q(**{district_path: m.district_id})
        else:
            q |= Q(**{school_path: m.school_id})
    return q


def managed_placements_q(user) -> Q:
    return _q(user, district_path="district_id", school_path="student__school_id")


def managed_students_q(user) -> Q:
    return _q(user, district_path="district_id", school_path="school_id")


def manager_districts(user) -> set[int]:
    return {m.district_id for m in manager_memberships(user)}


def can_manage_student(user, student) -> bool:
    """In Python from the cached memberships: no query."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    for m in manager_memberships(user):
        if m.district_id != student.district_id:
            continue
        if m.is_district_wide or m.school_id == student.school_id:
            return True
    return False


def can_manage_placement(user, placement) -> bool:
    return can_manage_student(user, placement.student)


def managed_or_404(queryset, user, pk):
    """Fetch one placement the user manages, or 404 (a student or mentor gets a 404, not a 403)."""
    try:
        return queryset.filter(managed_placements_q(user)).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("No placement found.") from None


def require_manager(user):
    if not is_manager(user):
        raise Http404("Not found.")
