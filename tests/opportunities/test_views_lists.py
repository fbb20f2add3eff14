"""Opportunity list filters, the learners' published-only catalog, detail, and query counts."""

import pytest
from django.urls import reverse

from tests import factories as f
from trellis.opportunities.models import Opportunity, OpportunityKind

LIST = reverse("opportunities:list")


def titles(response):
    return [o.title for o in response.context["page_obj"]]


@pytest.fixture
def catalog(personas):
    f.OpportunityFactory(
        partner=personas.department,
        title="Help desk aide",
        kind=OpportunityKind.JOB_SHADOW,
        status=Opportunity.Status.DRAFT,
    )
    f.OpportunityFactory(
        partner=personas.partner_q,
        title="Old internship",
        status=Opportunity.Status.CLOSED,
        cluster=f.cluster("healthcare-human-services"),
    )
    return personas


def test_list_filters_by_status_kind_cluster_and_search(client, catalog):
    client.force_login(catalog.coordinator_a)
    assert sorted(titles(client.get(LIST))) == [
        "Clinic front desk",
        "Help desk aide",
        "Junior developer",
        "Old internship",
    ]
    assert titles(client.get(LIST, {"status": "draft"})) == ["Help desk aide"]
    assert titles(client.get(LIST, {"kind": "job_shadow"})) == ["Help desk aide"]
    assert sorted(titles(client.get(LIST, {"cluster": "healthcare-human-services"}))) == [
        "Clinic front desk",
        "Old internship",
    ]
    assert titles(client.get(LIST, {"q": "junior"})) == ["Junior developer"]


def test_students_see_only_the_published_catalog_without_status_filter(client, catalog):
    client.force_login(catalog.student_a_user)
    response = client.get(LIST)
    assert sorted(titles(response)) == ["Clinic front desk", "Junior developer"]
    assert "status" not in response.context["form"].fields
    # Asking for drafts by URL changes nothing.
    assert sorted(titles(client.get(LIST, {"status": "draft"}))) == [
        "Clinic front desk",
        "Junior developer",
    ]


def test_partner_admin_sees_own_opportunities_with_seats_filled(client, catalog):
    client.force_login(catalog.partner_admin_p)
    response = client.get(LIST)
    assert [(o.title, o.seats, o.filled) for o in response.context["page_obj"]] == [
        ("Clinic front desk", 2, 1)
    ]


@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_count_does_not_grow_with_rows(
    client, personas, django_assert_max_num_queries, rows
):
    for _ in range(rows):
        opportunity = f.OpportunityFactory(partner=personas.partner_q)
        f.PlacementFactory(opportunity=opportunity)
    client.force_login(personas.coordinator_district)
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert len(response.context["page_obj"]) == rows + 2


def test_detail_for_staff_shows_status_seats_and_placements(client, personas):
    client.force_login(personas.coordinator_district)
    response = client.get(reverse("opportunities:detail", args=[personas.opportunity_p.pk]))
    html = response.content.decode()
    assert "Clinic front desk" in html and "Published" in html and "(1 filled)" in html
    assert "Ava Alder" in html


def test_detail_for_students_hides_placements_of_others(client, personas):
    client.force_login(personas.student_b_user)
    response = client.get(reverse("opportunities:detail", args=[personas.opportunity_p.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ava Alder" not in html and "filled" not in html


def test_students_cannot_open_a_draft(client, catalog):
    draft = Opportunity.objects.get(title="Help desk aide")
    client.force_login(catalog.student_a_user)
    assert client.get(reverse("opportunities:detail", args=[draft.pk])).status_code == 404
