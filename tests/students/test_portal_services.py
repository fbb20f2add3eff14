"""Profile and interest services: the student's own edits, their limits, and the audit trail."""

import pytest
from django.core.exceptions import PermissionDenied

from tests import factories as f
from trellis.core.models import AuditEvent
from trellis.opportunities.models import CareerCluster
from trellis.students.models import Transportation
from trellis.students.services import (
    ProfileRefused,
    record_access,
    set_student_interests,
    update_student_profile,
)


def update(personas, actor=None, **changes):
    values = {
        "availability": 0b0010101,
        "transportation": Transportation.PUBLIC_TRANSIT,
        "max_travel_miles": 15,
        "shares_profile_with_partners": True,
    }
    values.update(changes)
    return update_student_profile(
        student=personas.student_a, actor=actor or personas.student_a_user, **values
    )


def test_student_updates_availability_travel_and_consent(personas):
    student = update(personas)
    student.refresh_from_db()
    assert student.availability == 0b0010101
    assert student.transportation == Transportation.PUBLIC_TRANSIT
    assert student.max_travel_miles == 15
    assert student.shares_profile_with_partners is True
    event = AuditEvent.objects.get(action="student.profile_updated")
    assert event.actor == personas.student_a_user
    assert event.data["changed"]["max_travel_miles"] == [10, 15]


def test_granting_and_withdrawing_consent_each_get_their_own_event(personas):
    update(personas, shares_profile_with_partners=True)
    update(personas, shares_profile_with_partners=False)
    actions = list(
        AuditEvent.objects.filter(action__startswith="student.sharing").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["student.sharing_granted", "student.sharing_withdrawn"]


def test_saving_without_changes_writes_no_event(personas):
    update(personas)
    update(personas)
    assert AuditEvent.objects.filter(action="student.profile_updated").count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"availability": 128}, "weekdays"),
        ({"transportation": "teleport"}, "worksite"),
        ({"max_travel_miles": 101}, "between 0 and 100"),
    ],
)
def test_invalid_profile_values_are_refused(personas, changes, message):
    with pytest.raises(ProfileRefused, match=message):
        update(personas, **changes)


def test_another_student_guardian_or_partner_cannot_change_the_profile(personas):
    for actor in (personas.student_b_user, personas.guardian_a, personas.partner_admin_p):
        with pytest.raises(PermissionDenied):
            update(personas, actor=actor)


def test_coordinator_in_scope_may_change_it_but_not_another_schools(personas):
    update(personas, actor=personas.coordinator_a)
    with pytest.raises(PermissionDenied):
        update(personas, actor=personas.coordinator_b, max_travel_miles=3)


def test_interests_are_replaced_in_rank_order_and_audited(personas):
    health = f.cluster("healthcare-human-services")
    tech = f.cluster("digital-technology")
    sub = tech.subclusters.first()
    set_student_interests(
        student=personas.student_a,
        actor=personas.student_a_user,
        interests=[(health, None), (tech, sub)],
    )
    rows = list(personas.student_a.interests.order_by("rank"))
    assert [(r.rank, r.cluster, r.subcluster) for r in rows] == [(1, health, None), (2, tech, sub)]
    set_student_interests(
        student=personas.student_a,
        actor=personas.student_a_user,
        interests=[(tech, sub), (health, None)],
    )
    rows = list(personas.student_a.interests.order_by("rank"))
    assert [r.cluster for r in rows] == [tech, health]
    event = AuditEvent.objects.filter(action="student.interests_updated").first()
    assert event.data["after"] == [f"{tech.name}: {sub.name}", health.name]


def test_more_than_five_interests_are_refused(personas):
    clusters = list(CareerCluster.objects.order_by("sort_order")[:6])
    with pytest.raises(ProfileRefused, match="up to 5"):
        set_student_interests(
            student=personas.student_a,
            actor=personas.student_a_user,
            interests=[(c, None) for c in clusters],
        )


def test_duplicate_interest_and_foreign_subcluster_are_refused(personas):
    tech = f.cluster("digital-technology")
    health = f.cluster("healthcare-human-services")
    with pytest.raises(ProfileRefused, match="already on your list"):
        set_student_interests(
            student=personas.student_a,
            actor=personas.student_a_user,
            interests=[(tech, None), (tech, None)],
        )
    with pytest.raises(ProfileRefused, match="not part of"):
        set_student_interests(
            student=personas.student_a,
            actor=personas.student_a_user,
            interests=[(tech, health.subclusters.first())],
        )


def test_another_student_cannot_set_my_interests(personas):
    with pytest.raises(PermissionDenied):
        set_student_interests(
            student=personas.student_a, actor=personas.student_b_user, interests=[]
        )


def test_record_access_logs_format_and_whether_it_was_the_student(personas):
    record_access(
        student=personas.student_a, actor=personas.guardian_a, fmt="pdf", ip_address="10.0.0.1"
    )
    event = AuditEvent.objects.get(action="record.downloaded")
    assert event.data == {"format": "pdf", "own": False}
    assert event.ip_address == "10.0.0.1"
