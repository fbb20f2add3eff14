"""Persona tests: the portal is the student's own; nobody else reads or changes it (404)."""

import pytest

from tests import factories as f
from tests.portals.student.support import PORTAL_PAGES, htmx, url
from trellis.placements.models import Application, Reflection

OTHERS = ["partner_admin_p", "mentor_p", "guardian_a", "coordinator_a", "district_admin"]


@pytest.mark.parametrize("persona", OTHERS)
def test_portal_pages_are_404_for_everyone_but_a_student(client, personas, persona):
    client.force_login(getattr(personas, persona))
    for name in PORTAL_PAGES:
        assert client.get(url(name)).status_code == 404, name
    assert client.post(url("portal:profile"), {"max_travel_miles": 1}).status_code == 404
    assert client.post(url("portal:schedule"), {"action": "issue"}).status_code == 404


@pytest.mark.parametrize("persona", OTHERS)
def test_portal_object_pages_are_404_for_other_roles(client, personas, persona):
    client.force_login(getattr(personas, persona))
    placement = personas.placement_a
    assert client.get(url("portal:placement", placement.pk)).status_code == 404
    assert client.get(url("portal:reflect", placement.pk)).status_code == 404
    assert client.get(url("portal:opportunity", personas.opportunity_p.pk)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, personas):
    response = client.get(url("portal:browse"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.get(url("portal:student_record", personas.student_a.pk))
    assert response.status_code == 302


def test_student_cannot_open_another_students_placement_or_reflect_on_it(client, personas):
    client.force_login(personas.student_b_user)
    other = personas.placement_a
    assert client.get(url("portal:placement", other.pk)).status_code == 404
    assert client.get(url("portal:reflect", other.pk)).status_code == 404
    response = client.post(
        url("portal:reflect", other.pk), {"career_fit": "for_me", "text": "Not mine"}
    )
    assert response.status_code == 404
    assert not Reflection.objects.exists()


def test_student_cannot_withdraw_another_students_application_even_by_htmx(client, personas):
    application = f.ApplicationFactory(
        student=personas.student_a, opportunity=personas.opportunity_q
    )
    client.force_login(personas.student_b_user)
    path = url("portal:withdraw_application", application.pk)
    assert client.post(path).status_code == 404
    assert client.post(path, **htmx("application-list")).status_code == 404
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_other_students_applications_do_not_appear_in_my_list(client, personas):
    f.ApplicationFactory(student=personas.student_a, opportunity=personas.opportunity_q)
    client.force_login(personas.student_b_user)
    response = client.get(url("portal:applications"))
    assert list(response.context["page_obj"]) == []
    fragment = client.get(url("portal:applications"), **htmx("application-list"))
    assert "Junior developer" not in fragment.content.decode()


def test_student_cannot_read_another_students_record_or_pdf(client, personas):
    client.force_login(personas.student_b_user)
    assert client.get(url("portal:student_record", personas.student_a.pk)).status_code == 404
    assert client.get(url("portal:student_record_pdf", personas.student_a.pk)).status_code == 404


def test_my_record_urls_show_only_my_own_record(client, personas):
    f.ReflectionFactory(placement=personas.placement_a, text="Ava's private thoughts")
    client.force_login(personas.student_b_user)
    html = client.get(url("portal:record")).content.decode()
    assert "Ben" in html and "Ava's private thoughts" not in html


def test_guardian_reads_their_childs_record_and_pdf_but_not_another_child(client, personas):
    client.force_login(personas.guardian_a)
    assert client.get(url("portal:student_record", personas.student_a.pk)).status_code == 200
    assert client.get(url("portal:student_record_pdf", personas.student_a.pk)).status_code == 200
    assert client.get(url("portal:student_record", personas.student_b.pk)).status_code == 404
    assert client.get(url("portal:student_record_pdf", personas.student_b.pk)).status_code == 404


def test_guardian_record_is_read_only(client, personas):
    client.force_login(personas.guardian_a)
    html = client.get(url("portal:student_record", personas.student_a.pk)).content.decode()
    assert url("portal:reflect", personas.placement_a.pk) not in html
    assert url("portal:student_record_pdf", personas.student_a.pk) in html
    # And the student's own pages stay closed to the guardian.
    assert client.post(url("portal:profile"), {"max_travel_miles": 1}).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator_a", 200),
        ("coordinator_district", 200),
        ("district_admin", 200),
        ("counselor_a", 200),
        ("coordinator_b", 404),
        ("partner_admin_p", 404),
        ("mentor_p", 404),
        ("other_coordinator", 404),
        ("student_b_user", 404),
    ],
)
def test_record_of_student_a_by_persona(client, personas, persona, status):
    client.force_login(getattr(personas, persona))
    assert client.get(url("portal:student_record", personas.student_a.pk)).status_code == status
    assert client.get(url("portal:student_record_pdf", personas.student_a.pk)).status_code == status


def test_partner_admin_of_an_applicant_still_cannot_read_the_record(client, personas):
    f.ApplicationFactory(student=personas.student_b, opportunity=personas.opportunity_p)
    client.force_login(personas.partner_admin_p)
    assert client.get(url("students:detail", personas.student_b.pk)).status_code == 200
    assert client.get(url("portal:student_record", personas.student_b.pk)).status_code == 404


def test_students_interests_htmx_fragment_is_404_for_other_roles(client, personas):
    client.force_login(personas.partner_admin_p)
    assert client.get(url("portal:interests"), **htmx("interest-section")).status_code == 404
    assert client.get(url("portal:browse"), **htmx("results")).status_code == 404


def test_student_cannot_see_or_apply_to_another_districts_opportunity(client, personas):
    client.force_login(personas.student_a_user)
    other = personas.other_placement.opportunity
    assert client.get(url("portal:opportunity", other.pk)).status_code == 404
    response = client.post(url("portal:opportunity", other.pk), {"statement": "Please"})
    assert response.status_code == 404
    assert not Application.objects.filter(opportunity=other).exists()
