"""The demo's SIS export: a district written as a OneRoster ZIP imports onto itself, then changes nothing."""

import io

import pytest
from django.core.management import call_command

from trellis.rostering.export import write_roster_zip
from trellis.students.models import GuardianLink, Student

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_a_district_written_as_oneroster_imports_onto_itself_then_changes_nothing(personas, tmp_path):
    district = personas.district
    students_before = Student.objects.filter(district=district).count()
    path = tmp_path / "export.zip"
    write_roster_zip(district, path)
    first = io.StringIO()
    call_command("import_oneroster", district.slug, str(path), stdout=first)
    assert "students: 0 new, 2 updated" in first.getvalue()  # keyed to the export's sourcedIds
    assert Student.objects.filter(district=district).count() == students_before
    assert GuardianLink.objects.get(student=personas.student_a).guardian_user == personas.guardian_a

    write_roster_zip(district, path)
    second = io.StringIO()
    call_command("import_oneroster", district.slug, str(path), stdout=second)
    summary = second.getvalue()
    assert " 0 updated, 0 deactivated" in summary and " 1 updated" not in summary
    assert "students: 0 new, 0 updated, 0 deactivated, 2 unchanged" in summary
