"""A student's home is placed at the centre of their home ZIP code when the admin records it."""

from django.urls import reverse

from tests.admin_helpers import admin_post_data
from trellis.students.models import Student
from trellis.students.services import place_home


def test_place_home_uses_the_zip_centre_and_clears_without_one(personas):
    student = personas.student_a
    student.home_zip = "20147"
    place_home(student)
    assert (student.home_latitude, student.home_longitude) == (39.0373, -77.4805)
    student.home_zip = ""
    place_home(student)
    assert student.home_latitude is None and student.home_longitude is None


def _change(client, student, **changes):
    url = reverse("admin:students_student_change", args=[student.pk])
    data = admin_post_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


def test_a_changed_home_zip_moves_the_home_unless_coordinates_are_typed(
    district_admin_client, personas
):
    response = _change(district_admin_client, personas.student_a, home_zip="20176")
    assert response.status_code == 302
    student = Student.objects.get(pk=personas.student_a.pk)
    assert (student.home_latitude, student.home_longitude) == (39.1821, -77.5359)

    response = _change(
        district_admin_client,
        student,
        home_zip="20175",
        home_latitude="39.1001",
        home_longitude="-77.5002",
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert (student.home_zip, student.home_latitude) == ("20175", 39.1001)


def test_an_unknown_home_zip_is_refused_on_the_form(district_admin_client, personas):
    response = _change(district_admin_client, personas.student_a, home_zip="00000")
    assert response.status_code == 200
    assert "00000 is not a US ZIP code we can place on the map." in response.content.decode()
    assert Student.objects.get(pk=personas.student_a.pk).home_zip != "00000"
