"""A user's rights on a district's calendar (deny by default; 404 outside scope).

The rules are the capability table's (calendar.view, calendar.import, calendar.edit_day),
asked through the user because districts sits below accounts: staff read it (district
admins, coordinators, counselors of that district); district admins and district-wide
coordinators import and edit any day; a school coordinator edits the days of their own
school only; counselors read. Partners, students and guardians get a 404.
"""

from dataclasses import dataclass, field

from django.http import Http404

from trellis.core.tenancy import signed_in
from trellis.districts.models import District, School


@dataclass(frozen=True)
class CalendarAccess:
    can_import: bool = False
    editable_school_ids: frozenset = field(default_factory=frozenset)

    @property
    def can_edit_any(self) -> bool:
        return self.can_import or bool(self.editable_school_ids)

    def can_edit(self, school) -> bool:
        """District-wide days need import rights; a school's own days need rights for that school."""
        if self.can_import:
            return True
        return school is not None and school.pk in self.editable_school_ids


def calendar_access(user, district) -> CalendarAccess | None:
    """The user's rights on this district's calendar, or None when they may not see it."""
    if not signed_in(user) or not user.can("calendar.view", district):
        return None
    if user.can("calendar.import", district):
        return CalendarAccess(can_import=True)
    if not user.can("calendar.edit_day"):
        return CalendarAccess()  # counselors read
    schools = user.permitted("calendar.edit_day", School.objects.filter(district=district))
    return CalendarAccess(editable_school_ids=frozenset(schools.values_list("pk", flat=True)))


def get_calendar_district_for_user(user, slug: str) -> tuple[District, CalendarAccess]:
    """The district and the user's calendar rights, or 404 (existence is not disclosed)."""
    district = District.objects.filter(slug=slug).first()
    access = calendar_access(user, district) if district else None
    if access is None:
        raise Http404("No district found.")
    return district, access


def calendar_districts_for_user(user):
    """Districts whose calendar the user may read (for the short "my calendar" link)."""
    if not signed_in(user):
        return District.objects.none()
    return user.permitted("calendar.view", District.objects.all())
