"""upsert_student: the one way a single student comes from the SIS (the API's upsert by SIS id)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from trellis.core.models import AuditEvent
from trellis.students.models import Gender, RaceEthnicity, Student
from trellis.students.sis import upsert_student

pytestmark = pytest.mark.django_db


def _fields(personas, **overrides):
    values = dict(school=personas.school_a, first_name="Uma", last_name="Upsert", grade=10,
                  graduation_year=2029, birth_date=dt.date(2010, 5, 1))
    values.update(overrides)
    return values


def test_creates_then_updates_by_sourced_id_even_when_the_number_changes_and_audits(personas):
    student, created = upsert_student(district=personas.district, student_number="U-1", sourced_id="sis-9",
                                      fields=_fields(personas, pronouns="she/her", gender=Gender.FEMALE,
                                                     race_ethnicity=RaceEthnicity.ASIAN),
                                      actor=personas.coordinator_district)
    assert created and (student.sourced_id, student.pronouns, student.race_ethnicity) == ("sis-9", "she/her", "asian")
    again, created = upsert_student(district=personas.district, student_number="U-1b", sourced_id="sis-9",
                                    fields=_fields(personas, last_name="Upsert-Lee"), actor=personas.district_admin)
    assert not created and again.pk == student.pk
    assert Student.objects.get(pk=student.pk).student_number == "U-1b"  # the sourcedId is the key
    event = AuditEvent.objects.filter(target_id=str(student.pk), action="student.rostered").latest("pk")
    assert event.data["fields"] == ["last_name", "student_number"]


def test_an_unrostered_student_found_by_number_adopts_the_sourced_id(personas):
    existing = personas.student_a
    student, created = upsert_student(district=personas.district, student_number=existing.student_number,
                                      sourced_id="sis-ava", fields={}, actor=personas.district_admin)
    assert not created and student.pk == existing.pk and student.sourced_id == "sis-ava"


def test_a_number_held_by_another_rostered_student_is_refused(personas):
    upsert_student(district=personas.district, student_number="U-2", sourced_id="sis-1",
                   fields=_fields(personas), actor=personas.district_admin)
    with pytest.raises(ValidationError, match="belongs to another rostered student"):
        upsert_student(district=personas.district, student_number="U-2", sourced_id="sis-2",
                       fields=_fields(personas), actor=personas.district_admin)


def test_refuses_outsiders_and_bad_values(personas):
    for outsider in (personas.coordinator_b, personas.other_coordinator, personas.mentor_p):
        with pytest.raises(PermissionDenied):
            upsert_student(district=personas.district, student_number="U-3", fields=_fields(personas), actor=outsider)
    with pytest.raises(ValidationError):
        upsert_student(district=personas.district, student_number="U-3", fields=_fields(personas, grade=4),
                       actor=personas.district_admin)
    with pytest.raises(ValidationError, match="another district"):
        upsert_student(district=personas.district, student_number="U-3",
                       fields=_fields(personas, school=personas.other_student.school), actor=personas.district_admin)
    assert not Student.objects.filter(student_number="U-3").exists()
