"""The scope rules themselves: each persona's for_user() sets, and 404 outside them."""

import pytest
from django.http import Http404

from trellis.core.tenancy import get_for_user
from trellis.opportunities.models import Opportunity
from trellis.partners.models import Partner
from trellis.placements.models import Placement
from trellis.students.models import Student


def names(qs):
    return sorted(s.last_name for s in qs)


def test_school_coordinator_sees_only_own_school_students(personas):
    assert names(Student.objects.for_user(personas.coordinator_a)) == ["Alder"]
    assert names(Student.objects.for_user(personas.coordinator_b)) == ["Birch"]


def test_district_staff_see_whole_district_but_not_other_district(personas):
    for user in (personas.district_admin, personas.coordinator_district):
        assert names(Student.objects.for_user(user)) == ["Alder", "Birch"]
    assert names(Student.objects.for_user(personas.other_coordinator)) == ["Oak"]


def test_mentor_sees_only_own_interns(personas):
    assert names(Student.objects.for_user(personas.mentor_p)) == ["Alder"]
    assert names(Student.objects.for_user(personas.mentor_q)) == ["Birch"]
    assert list(Placement.objects.for_user(personas.mentor_p)) == [personas.placement_a]


def test_partner_admin_sees_own_partner_only(personas):
    assert list(Partner.objects.for_user(personas.partner_admin_p)) == [personas.partner_p]
    assert list(Opportunity.objects.for_user(personas.partner_admin_p)) == [personas.opportunity_p]
    assert list(Placement.objects.for_user(personas.partner_admin_p)) == [personas.placement_a]


def test_student_and_guardian_see_only_own_record(personas):
    assert list(Student.objects.for_user(personas.student_a_user)) == [personas.student_a]
    assert list(Student.objects.for_user(personas.guardian_a)) == [personas.student_a]
    assert list(Placement.objects.for_user(personas.guardian_a)) == [personas.placement_a]
    assert list(Placement.objects.for_user(personas.student_b_user)) == [personas.placement_b]


def test_user_without_membership_sees_nothing(personas, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x-very-long-pass")
    assert not Student.objects.for_user(nobody).exists()
    assert not Partner.objects.for_user(nobody).exists()


def test_get_for_user_404s_outside_scope(personas):
    with pytest.raises(Http404):
        get_for_user(Student.objects, personas.coordinator_a, personas.student_b.pk)
    with pytest.raises(Http404):
        get_for_user(Placement.objects, personas.other_coordinator, personas.placement_a.pk)
    assert get_for_user(Student.objects, personas.coordinator_a, personas.student_a.pk) == personas.student_a
