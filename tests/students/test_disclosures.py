"""The FERPA disclosure record (issue 15 point 5): each disclosure leaves an entry kept with
the student's record, which the student and guardians read and coordinators export."""

import pytest
from django.urls import reverse

from tests import factories as f
from trellis.core.models import AuditEvent
from trellis.students import disclosures


def entries(student, action=None):
    qs = AuditEvent.objects.filter(target_type="students.student", target_id=str(student.pk))
    return qs.filter(action=action) if action else qs


def test_staff_viewing_a_student_page_is_recorded(client, personas):
    client.force_login(personas.coordinator_a)
    assert client.get(reverse("students:detail", args=[personas.student_a.pk])).status_code == 200
    event = entries(personas.student_a, disclosures.STUDENT_PAGE_VIEWED).get()
    assert event.actor == personas.coordinator_a and event.data["purpose"] == "full record"


def test_a_partner_viewing_applicants_is_recorded_for_each_applicant(client, personas):
    f.ApplicationFactory(student=personas.student_a, opportunity=personas.opportunity_p)
    client.force_login(personas.partner_admin_p)
    url = reverse("partner_portal:applicants", args=[personas.opportunity_p.pk])
    assert client.get(url).status_code == 200
    event = entries(personas.student_a, disclosures.APPLICANTS_VIEWED).get()
    assert event.actor == personas.partner_admin_p
    assert "Clinic front desk" in event.data["purpose"]
    assert not entries(personas.student_b, disclosures.APPLICANTS_VIEWED).exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_insights_and_gap_exports_are_recorded(client, personas, fmt):
    f.SchoolYearFactory(district=personas.district)
    client.force_login(personas.coordinator_district)
    assert client.get(f"/insights/gaps/export.{fmt}").status_code == 200
    assert client.get(f"/insights/reports/participation/by_school.{fmt}").status_code in (200, 404)
    exports = AuditEvent.objects.filter(action=disclosures.BULK_EXPORT, actor=personas.coordinator_district)
    assert exports.filter(data__export=f"gap by cluster ({fmt})").exists()


def test_every_report_table_export_is_recorded(client, personas):
    f.SchoolYearFactory(district=personas.district)
    client.force_login(personas.coordinator_district)
    page = client.get("/insights/reports/participation/")
    table = page.context["result"].sections[0].table.slug
    assert client.get(f"/insights/reports/participation/{table}.csv").status_code == 200
    event = AuditEvent.objects.get(action=disclosures.BULK_EXPORT, data__export=f"participation/{table} (csv)")
    assert event.district == personas.district and event.data["rows"] >= 0


def test_deleting_a_student_in_the_admin_is_recorded(client, personas, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    url = reverse("admin:students_student_delete", args=[personas.student_b.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    event = AuditEvent.objects.get(action=disclosures.STUDENT_DELETED)
    assert event.target_id == str(personas.student_b.pk) and event.actor == admin
    assert event.data["student_number"] == personas.student_b.student_number


def test_the_student_and_guardian_see_the_record_and_a_coordinator_exports_it(client, personas):
    client.force_login(personas.partner_admin_p)
    client.get(reverse("students:detail", args=[personas.student_a.pk]))
    for viewer, url in (
        (personas.student_a_user, reverse("portal:record")),
        (personas.guardian_a, reverse("portal:student_record", args=[personas.student_a.pk])),
    ):
        client.force_login(viewer)
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "Who has seen this record" in html and "Parker Persona" in html
    client.force_login(personas.coordinator_a)
    export = client.get(reverse("students:disclosures_export", args=[personas.student_a.pk]))
    assert export.status_code == 200
    body = export.content.decode()
    assert "Parker Persona" in body and "Gail Persona" in body  # the guardian's view is a disclosure too
    assert AuditEvent.objects.filter(action=disclosures.DISCLOSURE_LOG_EXPORTED).count() == 1


@pytest.mark.parametrize("who", ["partner_admin_p", "mentor_p", "coordinator_b", "other_coordinator", "student_a_user"])
def test_only_the_students_coordinators_export_the_disclosure_record(client, personas, who):
    client.force_login(getattr(personas, who))
    url = reverse("students:disclosures_export", args=[personas.student_a.pk])
    assert client.get(url).status_code == 404
