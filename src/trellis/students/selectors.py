"""Reads of student records, always inside the viewer's scope (FERPA: deny by default)."""

from trellis.accounts.models import Role
from trellis.core.tenancy import get_for_user
from trellis.districts.models import School
from trellis.students.models import GuardianLink, Student


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


def sees_full_record(user, student) -> bool:
    """Staff in scope, the student and their guardians see the whole record.

    Partner roles (mentors, partner administrators) see a summary: name, school and grade,
    plus contact details and interests only if the student agreed to share them.
    """
    if user.is_superuser or student.user_id == user.pk:
        return True
    for m in user.get_memberships():
        if m.district_id != student.district_id:
            continue
        if m.role == Role.DISTRICT_ADMIN:
            return True
        if m.role in (Role.COORDINATOR, Role.COUNSELOR) and m.school_id in (
            None,
            student.school_id,
        ):
            return True
    if Role.GUARDIAN in user.roles():
        return GuardianLink.objects.filter(student=student, guardian_user=user).exists()
    return False


def own_student(user) -> Student | None:
    """The signed-in student's own active record (with a student membership in its district)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    districts = {m.district_id for m in user.get_memberships() if m.role == Role.STUDENT}
    if not districts:
        return None
    return (
        Student.objects.select_related("school", "district")
        .filter(user=user, district_id__in=districts, is_active=True)
        .first()
    )
