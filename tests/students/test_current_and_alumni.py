"""Current students apart from alumni: the list, its filter and the grade shown."""

from django.urls import reverse

from tests import factories as f
from trellis.students.models import Student


def names(response):
    return [s.full_name for s in response.context["page_obj"]]


def test_student_list_shows_current_students_unless_alumni_are_asked_for(client, personas):
    f.StudentFactory(school=personas.school_a, first_name="Gwen", last_name="Graduate",
                     grade=12, graduation_year=2022, is_active=False)
    client.force_login(personas.coordinator_district)
    url = reverse("students:list")
    current = client.get(url)
    assert "Gwen Graduate" not in names(current) and len(names(current)) == 2
    alumni = client.get(url, {"enrolment": "alumni"})
    assert names(alumni) == ["Gwen Graduate"]
    html = alumni.content.decode()
    assert "Alumni, class of 2022" in html  # not "grade 12"
    assert len(names(client.get(url, {"enrolment": "all"}))) == 3


def test_a_senior_of_this_school_year_is_current_and_last_years_class_is_not(personas):
    import datetime as dt

    december = dt.date(2026, 12, 3)
    senior = f.StudentFactory(school=personas.school_a, graduation_year=2027)
    graduate = f.StudentFactory(school=personas.school_a, graduation_year=2026)
    current = set(Student.objects.current(today=december).values_list("pk", flat=True))
    assert senior.pk in current and graduate.pk not in current
    # In June the class of 2026 is still this year's seniors.
    assert graduate.pk in set(
        Student.objects.current(today=dt.date(2026, 6, 1)).values_list("pk", flat=True)
    )
