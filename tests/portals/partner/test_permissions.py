"""Nobody but partner P's administrators reaches partner P's portal: pages, actions, fragments."""

import pytest
from django.urls import reverse

from tests import factories as f
from tests.partners.portal_support import draft, partner_admin_q
from trellis.opportunities.models import Opportunity
from trellis.placements.models import Application

OUTSIDERS = [
    "partner_admin_q",
    "mentor_p",
    "mentor_q",
    "coordinator_a",
    "counselor_a",
    "student_a_user",
    "guardian_a",
    "other_coordinator",
]


def outsider(personas, name):
    return partner_admin_q(personas) if name == "partner_admin_q" else getattr(personas, name)


@pytest.fixture
def p_objects(personas):
    worksite = f.WorksiteFactory(partner=personas.partner_p)
    return {
        "partner": personas.partner_p.pk,
        "worksite": worksite.pk,
        "mentor": personas.mentor_p_record.pk,
        "draft": draft(personas, worksite=worksite).pk,
        "published": personas.opportunity_p.pk,
        "application": f.ApplicationFactory(
            student=personas.student_b, opportunity=personas.opportunity_p
        ).pk,
    }


GET_PAGES = [
    ("home", "partner"),
    ("profile", "partner"),
    ("worksites", "partner"),
    ("worksite_add", "partner"),
    ("worksite_edit", "worksite"),
    ("mentors", "partner"),
    ("mentor_invite", "partner"),
    ("mentor_edit", "mentor"),
    ("opportunities", "partner"),
    ("opportunity_create", "partner"),
    ("opportunity", "draft"),
    ("opportunity_edit", "draft"),
    ("applicants", "published"),
    ("interns", "partner"),
]

POST_ACTIONS = [
    ("profile", "partner", {"name": "Hijacked"}),
    ("worksite_edit", "worksite", {"name": "Hijacked", "address": "1 A St"}),
    ("mentor_edit", "mentor", {"title": "Hijacked"}),
    ("mentor_resend", "mentor", {}),
    ("mentor_invite", "partner", {"first_name": "E", "last_name": "V", "email": "e@v.example"}),
    ("opportunity_submit", "draft", {}),
    ("opportunity_seats", "published", {"seats": "9"}),
    ("opportunity_close", "published", {}),
    ("application_accept", "application", {}),
    ("application_decline", "application", {"note": "x"}),
    ("application_rank", "application", {"interview_rank": "1"}),
]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_on_every_page(client, personas, p_objects, who):
    client.force_login(outsider(personas, who))
    for name, key in GET_PAGES:
        url = reverse(f"partner_portal:{name}", args=[p_objects[key]])
        assert client.get(url).status_code == 404, name
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404, name
    if who != "partner_admin_q":
        assert client.get(reverse("partner_portal:index")).status_code == 404


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_act_through_posts_or_htmx_fragments(client, personas, p_objects, who):
    client.force_login(outsider(personas, who))
    for name, key, data in POST_ACTIONS:
        url = reverse(f"partner_portal:{name}", args=[p_objects[key]])
        assert client.post(url, data).status_code == 404, name
        assert client.post(url, data, HTTP_HX_REQUEST="true").status_code == 404, name
    personas.partner_p.refresh_from_db()
    assert personas.partner_p.name == "Pine Health Clinic"
    assert Opportunity.objects.get(pk=p_objects["draft"]).status == Opportunity.Status.DRAFT
    assert Opportunity.objects.get(pk=p_objects["published"]).seats == 2
    application = Application.objects.get(pk=p_objects["application"])
    assert application.status == Application.Status.SUBMITTED and application.interview_rank is None


def test_partner_admin_q_sees_only_its_own_partner(client, personas):
    client.force_login(partner_admin_q(personas))
    response = client.get(reverse("partner_portal:index"))
    assert response.url == reverse("partner_portal:home", args=[personas.partner_q.pk])


def test_anonymous_visitors_are_sent_to_sign_in(client, personas):
    response = client.get(reverse("partner_portal:home", args=[personas.partner_p.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_background_check_page_is_for_coordinators_of_the_district_only(client, personas):
    url = reverse("partner_portal:background_check", args=[personas.mentor_p_record.pk])
    for who in (
        "partner_admin_p", "mentor_p", "student_a_user", "guardian_a", "other_coordinator",
        "coordinator_a", "coordinator_b",
    ):
        client.force_login(getattr(personas, who))
        assert client.get(url).status_code == 404, who
        assert client.post(url, {"background_check_date": ""}).status_code == 404, who
    client.force_login(personas.coordinator_district)
    assert client.get(url).status_code == 200
