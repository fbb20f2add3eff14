"""Partner list (businesses vs district departments), detail, and constant query counts."""

import pytest
from django.urls import reverse

from tests import factories as f
from trellis.opportunities.models import Opportunity
from trellis.partners.models import Department, PartnerKind

LIST = reverse("partners:list")


def names(response):
    return [p.name for p in response.context["page_obj"]]


def test_kind_filter_splits_businesses_from_district_departments(client, personas):
    f.PartnerFactory(
        district=personas.district, name="Valley Food Bank", kind=PartnerKind.NONPROFIT
    )
    client.force_login(personas.coordinator_a)
    assert names(client.get(LIST)) == [
        "District IT",
        "Pine Health Clinic",
        "Quarry Software",
        "Valley Food Bank",
    ]
    assert names(client.get(LIST, {"kind": "business"})) == [
        "Pine Health Clinic",
        "Quarry Software",
        "Valley Food Bank",
    ]
    assert names(client.get(LIST, {"kind": "district_department"})) == ["District IT"]
    assert names(client.get(LIST, {"q": "quar"})) == ["Quarry Software"]


def test_list_counts_published_opportunities(client, personas):
    f.OpportunityFactory(partner=personas.partner_p, status=Opportunity.Status.DRAFT)
    client.force_login(personas.coordinator_a)
    counts = {p.name: p.published_count for p in client.get(LIST).context["page_obj"]}
    assert counts["Pine Health Clinic"] == 1 and counts["District IT"] == 0


def test_partner_admin_lists_only_their_partner(client, personas):
    client.force_login(personas.partner_admin_p)
    assert names(client.get(LIST)) == ["Pine Health Clinic"]


@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_count_does_not_grow_with_rows(
    client, personas, django_assert_max_num_queries, rows
):
    for i in range(rows):
        partner = f.PartnerFactory(district=personas.district, name=f"Grown {i:02d}")
        f.OpportunityFactory(partner=partner)
    for i in range(rows // 3):
        f.PartnerFactory(
            district=personas.district,
            name=f"Dept {i}",
            kind=PartnerKind.DISTRICT_DEPARTMENT,
            department=Department.ARTS,
        )
    client.force_login(personas.coordinator_district)
    with django_assert_max_num_queries(7):
        response = client.get(LIST)
    assert response.status_code == 200


def test_detail_shows_worksites_mentors_and_opportunities(client, personas):
    f.WorksiteFactory(partner=personas.partner_p, name="Clinic main office", address="9 Pine Rd")
    client.force_login(personas.coordinator_a)
    response = client.get(reverse("partners:detail", args=[personas.partner_p.pk]))
    html = response.content.decode()
    assert "Clinic main office" in html and "9 Pine Rd" in html
    assert "Morgan Persona" in html
    assert "Clinic front desk" in html
    assert "Junior developer" not in html


@pytest.mark.parametrize("rows", [3, 30])
def test_detail_query_count_does_not_grow_with_rows(
    client, personas, django_assert_max_num_queries, rows
):
    for i in range(rows):
        f.WorksiteFactory(partner=personas.partner_p, name=f"Site {i}")
        f.MentorFactory(partner=personas.partner_p)
        f.OpportunityFactory(partner=personas.partner_p)
    client.force_login(personas.coordinator_a)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("partners:detail", args=[personas.partner_p.pk]))
    assert response.status_code == 200
