"""Over which district and schools a user sees insights, and whether they may act on them.

Who may is the capability table's (insights.view, insights.act, insights.configure): district
administrators and coordinators see and act, counselors only read, and a coordinator or
counselor whose memberships all name a school is limited to those schools. Everyone else
gets a 404 (existence is not disclosed), as everywhere in Trellis.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404

from trellis.accounts.permissions import can, granting_memberships
from trellis.core.tenancy import prefixed_q
from trellis.districts.models import School
from trellis.students.models import Student


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
    staff = granting_memberships(user, "insights.view")
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
        # A school coordinator acts for their schools: any acting role in the district will do.
        can_act=any(m.district_id == district.pk for m in granting_memberships(user, "insights.act")),
        can_configure=can(user, "insights.configure", district),
    )
