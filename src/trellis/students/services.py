"""Changes to a student's own profile: availability, travel, sharing consent, ranked interests.

The student edits these themselves (their coordinator may too). Each change is audited: sharing
consent decides what host partners may read, so granting or withdrawing it gets its own event.
Reads of the experience record by anyone are logged here as well (FERPA access record).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from trellis.accounts.permissions import require
from trellis.core.models import AuditAction, AuditEvent
from trellis.core.places import UnknownZip, locate_zip
from trellis.students.models import StudentInterest, Transportation

MAX_INTERESTS = 5
MAX_TRAVEL_MILES = 100


class ProfileRefused(ValidationError):
    """A profile change the rules forbid; the message says why."""


def _require_editor(actor, student):
    """The student themself, or a coordinator (or district administrator) in scope."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("Sign in to change a profile.")
    require(actor, "student.edit_profile", student, refusal="You cannot change this student's profile.")


@transaction.atomic
def update_student_profile(
    *,
    student,
    actor,
    availability: int,
    transportation: str,
    max_travel_miles: int,
    shares_profile_with_partners: bool,
):
    """Save the weekdays, travel and sharing choices; audit what changed."""
    _require_editor(actor, student)
    if not 0 <= availability <= 127:
        raise ProfileRefused("Availability must be a set of weekdays.")
    if transportation not in Transportation.values:
        raise ProfileRefused("Choose how you get to a worksite.")
    if not 0 <= max_travel_miles <= MAX_TRAVEL_MILES:
        raise ProfileRefused(f"Travel distance must be between 0 and {MAX_TRAVEL_MILES} miles.")
    new = {
        "availability": availability,
        "transportation": transportation,
        "max_travel_miles": max_travel_miles,
        "shares_profile_with_partners": bool(shares_profile_with_partners),
    }
    changed = {
        name: [getattr(student, name), value]
        for name, value in new.items()
        if getattr(student, name) != value
    }
    if not changed:
        return student
    for name, (_, value) in changed.items():
        setattr(student, name, value)
    student.save(update_fields=list(changed))
    AuditEvent.record(
        actor=actor,
        action=AuditAction.STUDENT_PROFILE_UPDATED,
        target=student,
        district=student.district,
        data={"changed": changed},
    )
    if "shares_profile_with_partners" in changed:
        granted = student.shares_profile_with_partners
        AuditEvent.record(
            actor=actor,
            action=AuditAction.STUDENT_SHARING_GRANTED if granted else AuditAction.STUDENT_SHARING_WITHDRAWN,
            target=student,
            district=student.district,
        )
    return student


def _label(cluster, subcluster) -> str:
    return f"{cluster.name}: {subcluster.name}" if subcluster else cluster.name


@transaction.atomic
def set_student_interests(*, student, actor, interests) -> list[StudentInterest]:
    """Replace the ranked interests with `interests`, a list of (cluster, subcluster or None), best first."""
    _require_editor(actor, student)
    interests = list(interests)
    if len(interests) > MAX_INTERESTS:
        raise ProfileRefused(f"You can rank up to {MAX_INTERESTS} interests.")
    seen = set()
    for cluster, subcluster in interests:
        if subcluster is not None and subcluster.cluster_id != cluster.pk:
            raise ProfileRefused(f"{subcluster.name} is not part of {cluster.name}.")
        key = (cluster.pk, getattr(subcluster, "pk", None))
        if key in seen:
            raise ProfileRefused(f"{_label(cluster, subcluster)} is already on your list.")
        seen.add(key)
    before = [
        _label(i.cluster, i.subcluster)
        for i in student.interests.select_related("cluster", "subcluster").order_by("rank")
    ]
    after = [_label(c, s) for c, s in interests]
    if before == after:
        return list(student.interests.all())
    # Ranks are unique per student, so the list is rewritten rather than shuffled in place.
    student.interests.all().delete()
    rows = StudentInterest.objects.bulk_create(
        StudentInterest(student=student, cluster=c, subcluster=s, rank=rank)
        for rank, (c, s) in enumerate(interests, start=1)
    )
    AuditEvent.record(
        actor=actor,
        action=AuditAction.STUDENT_INTERESTS_UPDATED,
        target=student,
        district=student.district,
        data={"before": before, "after": after},
    )
    return rows


@transaction.atomic
def record_access(*, student, actor, fmt: str, ip_address=None):
    """Log a read of the experience record: who, which student, HTML or PDF, from where."""
    action = AuditAction.RECORD_DOWNLOADED if fmt == "pdf" else AuditAction.RECORD_VIEWED
    return AuditEvent.record(
        actor=actor,
        action=action,
        target=student,
        district=student.district,
        data={"format": fmt, "own": student.user_id == getattr(actor, "pk", None)},
        ip_address=ip_address,
    )


def place_home(student) -> None:
    """Put the home at the centre of its ZIP code (none without one).

    Only distance to worksites is ever computed from it, so the ZIP centre is enough, and it
    keeps a minor's street address out of the coordinates.
    """
    try:
        place = locate_zip(student.home_zip)
    except UnknownZip:
        student.home_latitude = student.home_longitude = None
        return
    student.home_latitude, student.home_longitude = place.latitude, place.longitude
