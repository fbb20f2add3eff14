"""upsert_student: one student by sourcedId, else student number (the API's upsert reuses it)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from trellis.core.models import AuditEvent
from trellis.rostering.services import ImportRefused, upsert_student
from trellis.students.models import Student

pytestmark = pytest.mark.django_db


def _upsert(personas, actor, **overrides):
    values = dict(
        district=personas.district, actor=actor, student_number="U-1", school=personas.school_a,
        first_name="Uma", last_name="Upsert", grade=10, birth_date=dt.date(2010, 5, 1), year_end=2027,
    )
    values.update(overrides)
    return upsert_student(**values)


def test_creates_then_updates_the_same_student_and_audits(personas):
    student, created = _upsert(personas, personas.coordinator_district, sourced_id="sis-9")
    assert created and (student.graduation_year, student.sourced_id) == (2029, "sis-9")
    again, created = _upsert(personas, personas.coordinator_district, sourced_id="sis-9", last_name="Upsert-Lee",
                             student_number="U-1b")
    assert not created and again.pk == student.pk
    assert Student.objects.get(pk=student.pk).student_number == "U-1b"  # the SIS id is the key, not the number
    assert AuditEvent.objects.filter(target_id=str(student.pk), action="student.updated").exists()


def test_matches_an_unrostered_student_by_number(personas):
    existing = personas.student_a
    student, created = _upsert(personas, personas.district_admin, student_number=existing.student_number,
                               sourced_id="sis-ava")
    assert not created and student.pk == existing.pk and student.sourced_id == "sis-ava"


def test_refuses_outsiders_and_bad_values(personas):
    with pytest.raises(PermissionDenied):
        _upsert(personas, personas.coordinator_b)  # another school's coordinator
    with pytest.raises(PermissionDenied):
        _upsert(personas, personas.other_coordinator)
    with pytest.raises(ImportRefused):
        _upsert(personas, personas.district_admin, grade=4)
    with pytest.raises(ImportRefused):
        _upsert(personas, personas.district_admin, school=personas.other_student.school)
    assert not Student.objects.filter(student_number="U-1").exists()
