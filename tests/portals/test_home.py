"""The role-aware home page: the staff summary's counts respect scope; constant queries.
The work queues have their own tests (test_work_queues.py)."""

import pytest
from django.urls import reverse

from tests import factories as f
from trellis.accounts.models import Role
from trellis.opportunities.models import Opportunity
from trellis.placements.models import Placement

HOME = "/"


def tiles(response, group):
    return {
        t.label: (t.count, t.url) for t in getattr(response.context["sections"]["staff"], group)
    }


def test_district_coordinator_sees_district_counts_with_filtered_links(client, personas):
    client.force_login(personas.coordinator_district)
    response = client.get(HOME)
    assert response.status_code == 200
    assert tiles(response, "students") == {
        "Current students": (2, reverse("students:list") + "?enrolment=current"),
        "Alumni and students who left": (0, reverse("students:list") + "?enrolment=alumni"),
    }
    partners = tiles(response, "partners")
    assert partners["Business and community partners"] == (
        2,
        reverse("partners:list") + "?kind=business",
    )
    assert partners["District departments"] == (
        1,
        reverse("partners:list") + "?kind=district_department",
    )
    opportunities = tiles(response, "opportunities")
    assert opportunities["Published"] == (2, reverse("opportunities:list") + "?status=published")
    assert opportunities["Draft"][0] == 0
    placements = tiles(response, "placements")
    assert placements["Active"] == (2, reverse("placements:list") + "?status=active")
    assert placements["Withdrawn"][0] == 0


def test_school_coordinator_counts_only_their_school(client, personas):
    f.PlacementFactory(
        student=personas.student_b,
        opportunity=personas.opportunity_p,
        status=Placement.Status.PROPOSED,
    )
    client.force_login(personas.coordinator_a)
    response = client.get(HOME)
    assert tiles(response, "students")["Current students"][0] == 1
    placements = tiles(response, "placements")
    assert placements["Active"][0] == 1
    assert placements["Proposed"][0] == 0  # the new proposal is a school B student's
    # Partners and opportunities are district-wide for every coordinator.
    assert tiles(response, "partners")["Business and community partners"][0] == 2


def test_other_district_counts_exclude_this_district(client, personas):
    client.force_login(personas.other_coordinator)
    response = client.get(HOME)
    assert tiles(response, "students")["Current students"][0] == 1
    assert tiles(response, "partners")["Business and community partners"][0] == 1
    assert tiles(response, "partners")["District departments"][0] == 0


def test_count_links_lead_to_the_matching_filtered_list(client, personas):
    client.force_login(personas.coordinator_district)
    url = tiles(client.get(HOME), "partners")["District departments"][1]
    html = client.get(url).content.decode()
    assert "District IT" in html
    assert "Pine Health Clinic" not in html


def test_user_with_several_roles_sees_the_queues_of_each(client, personas):
    f.MembershipFactory(user=personas.coordinator_a, district=personas.district, role=Role.GUARDIAN)
    f.GuardianLinkFactory(student=personas.student_b, guardian_user=personas.coordinator_a)
    client.force_login(personas.coordinator_a)
    response = client.get(HOME)
    keys = {q.queue.key for q in response.context["to_do"] + response.context["done"]}
    assert {"hours-awaiting", "concerns", "child-hours", "guardian-sign"} <= keys
    [hours] = [q for q in response.context["to_do"] if q.queue.key == "child-hours"]
    assert "Ben Birch" in hours.items[0].text
    html = response.content.decode()
    assert 'id="staff"' in html and 'id="guardian"' in html


def test_user_without_membership_sees_no_access_yet(client, db):
    client.force_login(f.UserFactory(username="newcomer"))
    response = client.get(HOME)
    assert response.status_code == 200
    assert response.context["sections"] == {}
    assert "No access yet" in response.content.decode()


def _grow(personas, n):
    """n more of everything the staff, mentor and partner sections count or list."""
    for i in range(n):
        opportunity = f.OpportunityFactory(
            partner=personas.partner_p,
            mentor=personas.mentor_p_record,
            status=Opportunity.Status.PUBLISHED,
        )
        student = f.StudentFactory(school=personas.school_a)
        f.PlacementFactory(
            student=student, opportunity=opportunity, mentor=personas.mentor_p_record
        )
        f.ApplicationFactory(student=personas.student_a, opportunity=opportunity)
        f.PartnerFactory(district=personas.district, name=f"Grown partner {i}")


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize(
    "persona",
    [
        "coordinator_district",
        "coordinator_a",
        "mentor_p",
        "partner_admin_p",
        "student_a_user",
        "guardian_a",
    ],
)
def test_home_query_count_does_not_grow_with_rows(
    client, personas, django_assert_max_num_queries, persona, rows
):
    _grow(personas, rows)
    client.force_login(getattr(personas, persona))
    with django_assert_max_num_queries(45):
        response = client.get(HOME)
    assert response.status_code == 200
