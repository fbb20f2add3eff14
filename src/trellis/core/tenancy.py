"""Deny-by-default scoping: which rows of each kind a user may see, from their memberships.

`scoped_q(user, kind)` returns a Q for the model named by `kind`; every `for_user()`
QuerySet method uses it, and every `get_<model>_for_user()` 404s outside it.
A user with no membership sees nothing. Superusers see everything (installation admins).
"""

from django.db.models import Q, Subquery
from django.http import Http404

NOTHING = Q(pk__in=[])


def _staff_q(m, *, district_path: str, school_path: str | None):
    """District staff see their district; school staff see their school's students' records."""
    if m.role == "district_admin" or (m.role in ("coordinator", "counselor") and m.school_id is None):
        return Q(**{district_path: m.district_id})
    if m.role in ("coordinator", "counselor") and school_path:
        return Q(**{school_path: m.school_id})
    return None


def scoped_q(user, kind: str) -> Q:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Q()
    builder = _BUILDERS[kind]
    q = NOTHING
    for m in user.get_memberships():
        part = builder(user, m)
        if part is not None:
            q |= part
    return q


def _student(user, m):
    from trellis.placements.models import Application, Placement

    staff = _staff_q(m, district_path="district_id", school_path="school_id")
    if staff is not None:
        return staff
    if m.role == "mentor":
        return Q(pk__in=Subquery(Placement.objects.filter(mentor__user=user, mentor__partner=m.partner_id).values("student_id")))
    if m.role == "partner_admin":
        return Q(pk__in=Subquery(Placement.objects.filter(opportunity__partner=m.partner_id).values("student_id"))) | Q(
            pk__in=Subquery(Application.objects.filter(opportunity__partner=m.partner_id).values("student_id"))
        )
    if m.role == "student":
        return Q(user=user, district_id=m.district_id)
    if m.role == "guardian":
        from trellis.students.models import GuardianLink

        return Q(pk__in=Subquery(GuardianLink.objects.filter(guardian_user=user).values("student_id")), district_id=m.district_id)
    return None


def _placement(user, m):
    staff = _staff_q(m, district_path="district_id", school_path="student__school_id")
    if staff is not None:
        return staff
    if m.role == "mentor":
        return Q(mentor__user=user, mentor__partner_id=m.partner_id)
    if m.role == "partner_admin":
        return Q(opportunity__partner_id=m.partner_id)
    if m.role == "student":
        return Q(student__user=user, district_id=m.district_id)
    if m.role == "guardian":
        from trellis.students.models import GuardianLink

        return Q(student_id__in=Subquery(GuardianLink.objects.filter(guardian_user=user).values("student_id")), district_id=m.district_id)
    return None


def _application(user, m):
    staff = _staff_q(m, district_path="student__district_id", school_path="student__school_id")
    if staff is not None:
        return staff
    if m.role in ("mentor", "partner_admin"):
        # Mentors review applicants with their partner admin; both see the partner's applications.
        return Q(opportunity__partner_id=m.partner_id)
    if m.role == "student":
        return Q(student__user=user)
    if m.role == "guardian":
        from trellis.students.models import GuardianLink

        return Q(student_id__in=Subquery(GuardianLink.objects.filter(guardian_user=user).values("student_id")))
    return None


def _hour_log(user, m):
    inner = _placement(user, m)
    if inner is None:
        return None
    return prefixed_q(inner, "placement__")


def prefixed_q(q, prefix):
    """Rewrite a Q's lookups under a relation prefix (keeps connectors and negation)."""
    new = Q()
    new.connector = q.connector
    new.negated = q.negated
    new.children = [
        prefixed_q(c, prefix) if isinstance(c, Q) else (prefix + c[0], c[1]) for c in q.children
    ]
    return new


def _partner(user, m):
    if m.role in ("district_admin", "coordinator", "counselor"):
        # Partners are district-wide: a school coordinator places students with any district partner.
        return Q(district_id=m.district_id)
    if m.role in ("mentor", "partner_admin"):
        return Q(pk=m.partner_id)
    return None


def _opportunity(user, m):
    if m.role in ("district_admin", "coordinator", "counselor"):
        return Q(district_id=m.district_id)
    if m.role in ("mentor", "partner_admin"):
        return Q(partner_id=m.partner_id)
    if m.role in ("student", "guardian"):
        # Learners browse the published catalog of their own district only.
        return Q(district_id=m.district_id, status="published")
    return None


def _match_round(user, m):
    if m.role in ("district_admin", "coordinator", "counselor"):
        return Q(district_id=m.district_id)
    if m.role == "student":
        return Q(district_id=m.district_id, eligible_students__user=user)
    return None


_BUILDERS = {
    "student": _student,
    "placement": _placement,
    "application": _application,
    "hour_log": _hour_log,
    "partner": _partner,
    "opportunity": _opportunity,
    "match_round": _match_round,
}


def get_for_user(queryset, user, pk):
    """Fetch one row inside the user's scope, or 404 (never 403: existence is not disclosed)."""
    try:
        return queryset.for_user(user).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {queryset.model._meta.verbose_name} found.") from None


def staff_memberships(user):
    return [m for m in user.get_memberships() if m.role in ("district_admin", "coordinator", "counselor")]


def user_districts(user):
    return {m.district_id for m in user.get_memberships()}
