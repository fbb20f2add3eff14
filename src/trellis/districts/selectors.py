"""Who may read and change a district's calendar (deny by default; 404 outside scope).

Staff read it (district admins, coordinators, counselors of that district). District admins
and district-wide coordinators import and edit any day; a school coordinator edits the days
of their own school only; counselors read. Partners, students and guardians get a 404.
"""

from dataclasses import dataclass, field

from django.http import Http404

from trellis.accounts.models import Role
from trellis.districts.models import District

CALENDAR_READERS = {Role.DISTRICT_ADMIN, Role.COORDINATOR, Role.COUNSELOR}


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
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return CalendarAccess(can_import=True)
    memberships = [
        m
        for m in user.get_memberships()
        if m.district_id == district.pk and m.role in CALENDAR_READERS
    ]
    if not memberships:
        return None
    can_import = any(
        m.role == Role.DISTRICT_ADMIN or (m.role == Role.COORDINATOR and m.school_id is None)
        for m in memberships
    )
    schools = frozenset(
        m.school_id for m in memberships if m.role == Role.COORDINATOR and m.school_id
    )
    return CalendarAccess(can_import=can_import, editable_school_ids=schools)


def get_district_for_calendar(user, slug: str) -> tuple[District, CalendarAccess]:
    """The district and the user's calendar rights, or 404 (existence is not disclosed)."""
    district = District.objects.filter(slug=slug).first()
    access = calendar_access(user, district) if district else None
    if access is None:
        raise Http404("No district found.")
    return district, access


def calendar_districts_for_user(user):
    """Districts whose calendar the user may read (for the short "my calendar" link)."""
    if not getattr(user, "is_authenticated", False):
        return District.objects.none()
    if user.is_superuser:
        return District.objects.all()
    ids = {m.district_id for m in user.get_memberships() if m.role in CALENDAR_READERS}
    return District.objects.filter(pk__in=ids)
