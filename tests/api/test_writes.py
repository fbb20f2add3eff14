"""The write endpoints call the domain's services: opportunities from a partner's system,
hours logged and approved, students upserted by SIS id; refusals are problem details."""

from django.urls import reverse

from tests import factories as f
from tests.api.helpers import client_for, make_token
from tests.hours.hours_helpers import MONDAY, current
from trellis.api.scopes import Scope
from trellis.core.models import AuditEvent
from trellis.hours.models import HourLog
from trellis.opportunities.models import Opportunity
from trellis.students.models import Student

OPPORTUNITY = {
    "title": "Pharmacy assistant", "kind": "internship", "cluster": "healthcare-human-services",
    "seats": 2, "start_date": "2027-02-01", "end_date": "2027-05-28", "weekdays": 5,
}


def test_a_partner_system_drafts_and_edits_its_opportunity(personas):
    token, key = make_token(personas.partner_admin_p, partner=personas.partner_p,
                            scopes=[Scope.READ_OPPORTUNITIES, Scope.WRITE_OPPORTUNITIES])
    client = client_for(key)
    response = client.post(reverse("api:opportunity-list"), OPPORTUNITY, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    opportunity = Opportunity.objects.get(pk=body["id"])
    assert opportunity.partner == personas.partner_p and opportunity.status == "draft"
    assert body["start_date"] == "2027-02-01" and body["cluster"] == "healthcare-human-services"
    event = AuditEvent.objects.get(action="opportunity.created")
    assert event.actor == token.identity and "Pharmacy" in event.target_label
    response = client.patch(reverse("api:opportunity-detail", args=[opportunity.pk]), {"seats": 3}, format="json")
    assert response.status_code == 200 and response.json()["seats"] == 3
    # Another partner's opportunity does not exist for this token.
    response = client.patch(reverse("api:opportunity-detail", args=[personas.opportunity_q.pk]), {"seats": 9}, format="json")
    assert response.status_code == 404


def test_bad_input_says_which_field(personas):
    _, key = make_token(personas.partner_admin_p, partner=personas.partner_p,
                        scopes=[Scope.WRITE_OPPORTUNITIES])
    response = client_for(key).post(
        reverse("api:opportunity-list"), {**OPPORTUNITY, "end_date": "2027-01-01", "cluster": "nope"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert body["title"] == "Bad request" and "cluster" in body["errors"]


def test_a_district_token_cannot_draft_for_a_partner(personas):
    _, key = make_token(personas.district_admin, scopes=[Scope.READ_HOURS])
    response = client_for(key).post(reverse("api:opportunity-list"), OPPORTUNITY, format="json")
    assert response.status_code == 403


def test_a_partner_time_clock_logs_hours_and_approves_them(personas):
    token, key = make_token(personas.partner_admin_p, partner=personas.partner_p, scopes=[Scope.WRITE_HOURS, Scope.READ_HOURS])
    client = client_for(key)
    current(personas.placement_a)
    monday = MONDAY
    response = client.post(reverse("api:hour-log-list"), {
        "placement": personas.placement_a.pk, "date": monday.isoformat(),
        "start_time": "09:00", "end_time": "12:30", "description": "Front desk",
    }, format="json")
    assert response.status_code == 201, response.content
    log = HourLog.objects.get(pk=response.json()["id"])
    assert log.hours == 3.5 and log.status == "submitted"
    response = client.post(reverse("api:hour-log-approve"), {"ids": [log.pk]}, format="json")
    assert response.status_code == 200, response.content
    log.refresh_from_db()
    assert log.status == "approved" and log.approver == token.identity
    assert AuditEvent.objects.get(action="hour_log.approved").actor_label.startswith("API token")
    # The other partner's student: no such placement, no such log.
    other = f.HourLogFactory(placement=personas.placement_b)
    assert client.post(reverse("api:hour-log-approve"), {"ids": [other.pk]}, format="json").status_code == 404
    response = client.post(reverse("api:hour-log-list"), {
        "placement": personas.placement_b.pk, "date": monday.isoformat(), "start_time": "09:00", "end_time": "10:00",
    }, format="json")
    assert response.status_code == 400 and "placement" in response.json()["errors"]


def test_a_district_token_cannot_approve_hours(personas):
    """Approval is the supervisors' (the table's hours.approve): the district corrects, not approves."""
    log = f.HourLogFactory(placement=personas.placement_a)
    _, key = make_token(personas.district_admin, scopes=[Scope.WRITE_HOURS])
    response = client_for(key).post(reverse("api:hour-log-approve"), {"ids": [log.pk]}, format="json")
    assert response.status_code == 403
    log.refresh_from_db()
    assert log.status == "submitted"


def test_students_are_upserted_by_sis_id(personas):
    _, key = make_token(personas.district_admin, scopes=[Scope.WRITE_STUDENTS, Scope.READ_STUDENTS])
    client = client_for(key)
    url = reverse("api:student-upsert", args=["SIS-0042"])
    body = {"school": personas.school_a.pk, "first_name": "Nia", "last_name": "North", "grade": 10,
            "graduation_year": 2029, "birth_date": "2011-03-04"}
    response = client.put(url, body, format="json")
    assert response.status_code == 201, response.content
    student = Student.objects.get(district=personas.district, student_number="SIS-0042")
    response = client.put(url, {**body, "grade": 11}, format="json")
    assert response.status_code == 200 and response.json()["id"] == student.pk
    student.refresh_from_db()
    assert student.grade == 11
    assert AuditEvent.objects.filter(action="student.rostered", target_id=str(student.pk)).count() == 2
    # A school of another district is not one this token can name.
    response = client.put(url, {**body, "school": personas.other_student.school_id}, format="json")
    assert response.status_code == 400 and "school" in response.json()["errors"]
    response = client.put(url, {**body, "grade": 3}, format="json")
    assert response.status_code == 400 and "grade" in response.json()["errors"]
