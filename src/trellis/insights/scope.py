"""Who may see insights, over which schools, and who may act on them.

District administrators and coordinators see and act; counselors only read. A coordinator or
counselor whose memberships all name a school is limited to those schools. Everyone else
gets a 404 (existence is not disclosed), as everywhere in Trellis.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404

from trellis.accounts.models import Role
from trellis.core.tenancy import prefixed_q
from trellis.districts.models import School
from trellis.students.models import Student

READ_ROLES = {Role.DISTRICT_ADMIN, Role.COORDINATOR, Role.COUNSELOR}
ACT_ROLES = {Role.DISTRICT_ADMIN, Role.COORDINATOR}


@dataclass
class InsightsScope:
    user: object
    district: object
    schools: list = field(default_factory=list)
    district_wide: bool = False
    can_act: bool = False
    can_configure: bool = False
    district_school_count: int = 0

    @property
    def school_ids(self) -> set[int]:
        return {s.pk for s in self.schools}

    def student_q(self, prefix: str = "") -> Q:
        """Students.for_user() as a Q through a relation, so aggregates join instead of IN (…).

        Same rule as Student.objects.for_user(user), narrowed to this district.
        """
        return prefixed_q(Student.objects.scope_q(self.user) & Q(district=self.district), prefix)

    def school(self, pk) -> School | None:
        """A school the user may filter by, or None; an id outside the scope is treated as absent."""
        for school in self.schools:
            if str(school.pk) == str(pk):
                return school
        return None


def get_insights_scope(user) -> InsightsScope:
    """The scope of the user's staff memberships in one district, or 404."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise Http404("No insights here.")
    staff = [m for m in user.get_memberships() if m.role in READ_ROLES]
    if not staff:
        raise Http404("No insights here.")
    # A person is staff in one district; if in several, the first membership's district wins.
    district = staff[0].district
    staff = [m for m in staff if m.district_id == district.pk]
    district_wide = any(m.is_district_wide for m in staff)
    schools = list(School.objects.filter(district=district).order_by("name"))
    district_school_count = len(schools)
    if not district_wide:
        allowed = {m.school_id for m in staff}
        schools = [s for s in schools if s.pk in allowed]
    return InsightsScope(
        user=user,
        district=district,
        schools=schools,
        district_wide=district_wide,
        district_school_count=district_school_count,
        can_act=any(m.role in ACT_ROLES for m in staff),
        can_configure=any(
            m.role == Role.DISTRICT_ADMIN or (m.role == Role.COORDINATOR and m.school_id is None)
            for m in staff
        ),
    )
