"""Reads of student records, always inside the viewer's scope (FERPA: deny by default)."""

from trellis.accounts.permissions import district_ids
from trellis.core.tenancy import get_for_user
from trellis.districts.models import School
from trellis.students.models import Student


def get_student_for_user(user, pk) -> Student:
    """One student the user may see, or 404."""
    return get_for_user(
        Student.objects.select_related("school", "district", "cte_cluster"), user, pk
    )


def students_for_user(user):
    """The list queryset: scoped, with what each row shows joined in."""
    return (
        Student.objects.for_user(user)
        .select_related("school")
        .order_by("last_name", "first_name", "pk")
    )


def schools_for_user(user):
    """Schools of the students the user may see (the choices of a school filter)."""
    return School.objects.filter(pk__in=Student.objects.for_user(user).values("school_id"))


def own_student(user) -> Student | None:
    """The signed-in student's own active record (with a student membership in its district)."""
    districts = district_ids(user, "student_portal.use")
    if not districts:
        return None
    return (
        Student.objects.select_related("school", "district")
        .filter(user=user, district_id__in=districts, is_active=True)
        .first()
    )
