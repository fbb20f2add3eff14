"""The roster import pages: upload -> preview -> confirm -> history, and who may use them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.rostering import samples
from trellis.core.models import AuditEvent
from trellis.rostering.models import RosterImport
from trellis.students.models import Student

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def upload(client, district, data, name="sis-export.zip", capture=None):
    with capture(execute=True):
        return client.post(
            reverse("rostering:imports", args=[district.slug]),
            {"file": SimpleUploadedFile(name, data, content_type="application/zip")},
        )


def test_upload_previews_without_writing_then_confirm_imports_and_audits(
    client, personas, django_capture_on_commit_callbacks
):
    district = personas.district
    client.force_login(personas.coordinator_district)
    response = upload(client, district, samples.sample_12(), capture=django_capture_on_commit_callbacks)
    roster_import = RosterImport.objects.get(district=district)
    assert response.url == reverse("rostering:detail", args=[district.slug, roster_import.pk])
    assert roster_import.status == RosterImport.Status.PREVIEWED
    assert roster_import.counts["students"]["new"] == 2
    assert not Student.objects.filter(district=district, sourced_id__isnull=False).exists()  # a preview writes nothing

    page = client.get(response.url)
    assert page.status_code == 200
    assert "What the import would do" in page.text and "Confirm and import" in page.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("rostering:confirm", args=[district.slug, roster_import.pk]))
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.DONE
    assert roster_import.confirmed_by == personas.coordinator_district
    assert Student.objects.filter(district=district, sourced_id="stu-1").exists()
    event = AuditEvent.objects.get(action="roster.imported", district=district)
    assert event.actor == personas.coordinator_district and event.data["file"] == "sis-export.zip"

    history = client.get(reverse("rostering:imports", args=[district.slug]))
    assert "sis-export.zip" in history.text and "Imported" in history.text


def test_refused_rows_need_the_explicit_choice_and_the_csv_lists_them(
    client, personas, django_capture_on_commit_callbacks
):
    district = personas.district
    client.force_login(personas.district_admin)
    users = [list(r) for r in samples.USERS_11]
    users[2][4] = "org-nowhere"
    upload(client, district, samples.sample_11(users=users), capture=django_capture_on_commit_callbacks)
    roster_import = RosterImport.objects.get(district=district)
    assert roster_import.problems == [["users.csv", 3, "orgSourcedIds", "no org with sourcedId 'org-nowhere'"]]
    page = client.get(reverse("rostering:detail", args=[district.slug, roster_import.pk]))
    assert "Import the rest and leave the refused rows out" in page.text

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rostering:confirm", args=[district.slug, roster_import.pk]))
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.PREVIEWED  # not without the choice
    assert not Student.objects.filter(sourced_id="stu-1").exists()

    report = client.get(reverse("rostering:problems_csv", args=[district.slug, roster_import.pk]))
    assert report["Content-Type"].startswith("text/csv")
    assert "users.csv,3,orgSourcedIds,no org with sourcedId 'org-nowhere'" in report.content.decode("utf-8-sig")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rostering:confirm", args=[district.slug, roster_import.pk]), {"skip_invalid": "on"})
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.DONE and roster_import.skip_invalid
    assert Student.objects.filter(sourced_id="stu-1").exists()
    assert not Student.objects.filter(sourced_id="stu-2").exists()


def test_a_file_that_is_not_a_roster_is_refused_on_the_preview(client, personas, django_capture_on_commit_callbacks):
    client.force_login(personas.district_admin)
    upload(client, personas.district, b"not a zip", capture=django_capture_on_commit_callbacks)
    roster_import = RosterImport.objects.get()
    assert roster_import.status == RosterImport.Status.REFUSED
    page = client.get(reverse("rostering:detail", args=[personas.district.slug, roster_import.pk]))
    assert "not a ZIP file" in page.text and "Confirm and import" not in page.text


@pytest.mark.parametrize("persona", ["coordinator_a", "counselor_a", "mentor_p", "student_a_user", "other_coordinator"])
def test_only_district_wide_managers_of_the_district_reach_the_pages(client, personas, persona):
    roster_import = RosterImport.objects.create(district=personas.district, filename="x.zip", file="x.zip")
    client.force_login(getattr(personas, persona))
    slug = personas.district.slug
    assert client.get(reverse("rostering:imports", args=[slug])).status_code == 404
    assert client.get(reverse("rostering:detail", args=[slug, roster_import.pk])).status_code == 404
    assert client.post(reverse("rostering:confirm", args=[slug, roster_import.pk])).status_code == 404
    assert client.get(reverse("rostering:problems_csv", args=[slug, roster_import.pk])).status_code == 404


def test_the_history_is_paginated_with_a_fixed_number_of_queries(client, personas, django_assert_max_num_queries):
    for n in range(55):
        RosterImport.objects.create(district=personas.district, filename=f"f{n}.zip", file=f"f{n}.zip",
                                    uploaded_by=personas.district_admin)
    client.force_login(personas.district_admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("rostering:imports", args=[personas.district.slug]))
    assert response.status_code == 200
    assert "Page 1 of" in response.text


def test_the_navigation_links_roster_imports_for_those_who_may(client, personas):
    client.force_login(personas.district_admin)
    assert "Roster imports" in client.get(reverse("core:home")).text
    assert client.get(reverse("rostering:home")).url == reverse("rostering:imports", args=[personas.district.slug])
    client.force_login(personas.coordinator_a)
    assert "Roster imports" not in client.get(reverse("core:home")).text


def test_a_coordinator_makes_a_rostered_teacher_a_mentor_for_a_district_department(client, personas):
    from trellis.accounts.models import Membership, Role, User
    from trellis.partners.models import Mentor

    teacher = User.objects.create(username="tteach", first_name="Terry", last_name="Teach", email="t@x.org",
                                  rostered_district=personas.district, sourced_id="tea-1", sis_role="teacher")
    client.force_login(personas.coordinator_district)
    url = reverse("rostering:staff", args=[personas.district.slug])
    page = client.get(url)
    assert "Terry Teach" in page.text and "District IT" in page.text
    response = client.post(url, {"user": teacher.pk, "partner": personas.department.pk})
    assert response.status_code == 302
    mentor = Mentor.objects.get(user=teacher, partner=personas.department)
    assert mentor.title == "teacher"
    assert Membership.objects.filter(user=teacher, role=Role.MENTOR, partner=personas.department).exists()
    assert AuditEvent.objects.filter(action="mentor.added", target_id=str(mentor.pk)).exists()
    # An outside business is not a department; staff of another district are not offered.
    client.post(url, {"user": teacher.pk, "partner": personas.partner_p.pk})
    assert not Mentor.objects.filter(user=teacher, partner=personas.partner_p).exists()
    client.force_login(personas.coordinator_a)
    assert client.get(url).status_code == 404
