"""The coordinators' approval queue for partners' opportunities."""

import pytest
from django.urls import reverse

from tests import factories as f
from tests.partners.portal_support import draft, partner_admin_q
from trellis.core.models import Notification
from trellis.opportunities.models import Opportunity

QUEUE = reverse("opportunities:approvals")


def pending(personas, **kwargs):
    return draft(personas, status=Opportunity.Status.PENDING, **kwargs)


def test_queue_lists_pending_opportunities_of_the_district_only(client, personas):
    waiting = pending(personas, title="Waiting role")
    draft(personas, title="Still a draft")
    f.OpportunityFactory(
        partner=f.PartnerFactory(district=personas.other_district),
        status=Opportunity.Status.PENDING,
        title="Elsewhere",
    )
    client.force_login(personas.coordinator_a)
    response = client.get(QUEUE)
    assert [o.title for o in response.context["page_obj"]] == ["Waiting role"]
    assert reverse("opportunities:review", args=[waiting.pk]) in response.content.decode()


def test_coordinator_approves_from_the_review_page(client, personas):
    opportunity = pending(personas)
    client.force_login(personas.coordinator_district)
    url = reverse("opportunities:review", args=[opportunity.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"Approve and publish" in page.content
    response = client.post(url, {"action": "approve"})
    assert response.status_code == 302 and response.url == QUEUE
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.PUBLISHED


def test_coordinator_sends_back_with_a_comment_the_partner_then_sees(client, personas):
    opportunity = pending(personas)
    client.force_login(personas.coordinator_b)
    url = reverse("opportunities:review", args=[opportunity.pk])
    empty = client.post(url, {"action": "return", "comment": ""})
    assert empty.status_code == 200 and b"error-summary" in empty.content
    response = client.post(url, {"action": "return", "comment": "Give a start time."})
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.DRAFT
    assert Notification.objects.filter(
        user=personas.partner_admin_p, verb="opportunity.returned"
    ).exists()
    client.force_login(personas.partner_admin_p)
    page = client.get(reverse("partner_portal:opportunity", args=[opportunity.pk]))
    assert b"Give a start time." in page.content


def test_coordinator_closes_a_published_opportunity(client, personas):
    client.force_login(personas.district_admin)
    url = reverse("opportunities:review", args=[personas.opportunity_p.pk])
    assert client.post(url, {"action": "close"}).status_code == 302
    personas.opportunity_p.refresh_from_db()
    assert personas.opportunity_p.status == Opportunity.Status.CLOSED


def test_an_incomplete_pending_opportunity_cannot_be_approved(client, personas):
    opportunity = pending(personas, weekdays=0)
    client.force_login(personas.coordinator_district)
    url = reverse("opportunities:review", args=[opportunity.pk])
    assert b"Approve and publish" not in client.get(url).content
    response = client.post(url, {"action": "approve"}, follow=True)
    assert b"Choose the weekdays" in response.content
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.PENDING


@pytest.mark.parametrize(
    "who", ["partner_admin_p", "mentor_p", "student_a_user", "guardian_a", "counselor_a"]
)
def test_partners_mentors_learners_and_counselors_cannot_approve(client, personas, who):
    opportunity = pending(personas)
    client.force_login(getattr(personas, who))
    url = reverse("opportunities:review", args=[opportunity.pk])
    assert client.get(QUEUE).status_code == 404
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "approve"}).status_code == 404
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.PENDING


def test_other_district_coordinator_gets_404(client, personas):
    opportunity = pending(personas)
    client.force_login(personas.other_coordinator)
    assert client.get(QUEUE).context["page_obj"].paginator.count == 0
    url = reverse("opportunities:review", args=[opportunity.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "approve"}).status_code == 404


def test_partner_admin_q_cannot_review_partner_ps_opportunity(client, personas):
    client.force_login(partner_admin_q(personas))
    url = reverse("opportunities:review", args=[pending(personas).pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("rows", [2, 15])
def test_queue_query_count_does_not_grow(client, personas, django_assert_max_num_queries, rows):
    for i in range(rows):
        pending(personas, title=f"Role {i:02d}")
    client.force_login(personas.coordinator_district)
    with django_assert_max_num_queries(7):
        response = client.get(QUEUE)
    assert response.status_code == 200
