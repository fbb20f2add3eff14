"""The built-in department → cluster → role table is consistent with the data it names."""

from trellis.insights.departments import ROLE_TEMPLATES, in_district_capacity, roles_for_cluster
from trellis.opportunities.models import CareerCluster, OpportunityKind, SubCluster
from trellis.partners.models import Department


def test_every_role_names_a_real_cluster_subcluster_and_kind(db):
    for role in ROLE_TEMPLATES:
        assert SubCluster.objects.filter(
            cluster__slug=role.cluster, slug=role.subcluster
        ).exists(), role.key
        assert role.kind in OpportunityKind.values
        assert role.start_time < role.end_time
        assert role.seats > 0


def test_every_district_department_has_a_role():
    assert {role.department for role in ROLE_TEMPLATES} == set(Department.values)


def test_role_keys_are_unique():
    keys = [role.key for role in ROLE_TEMPLATES]
    assert len(keys) == len(set(keys))


def test_labour_limits_are_noted_for_driving_equipment_and_cooking():
    limits = {role.key: " ".join(role.labour_limits) for role in ROLE_TEMPLATES}
    assert "driving" in limits["transport-routing"]
    assert "driving" in limits["transport-fleet-office"]
    assert "equipment" in limits["grounds-maintenance"]
    assert "cooking" in limits["food-meal-prep"]


def test_capacity_scales_with_schools_for_per_school_roles():
    assert in_district_capacity("education", 1) == 4 + 4 + 2
    assert in_district_capacity("education", 3) == 3 * (4 + 4 + 2)
    assert in_district_capacity("agriculture", 5) == 0
    assert [r.key for r in roles_for_cluster("supply-chain-transportation")] == [
        "transport-routing",
        "transport-fleet-office",
    ]


def test_every_cluster_but_agriculture_and_manufacturing_has_an_in_district_role(db):
    hosted = {role.cluster for role in ROLE_TEMPLATES}
    assert set(CareerCluster.objects.values_list("slug", flat=True)) - hosted == {
        "agriculture",
        "advanced-manufacturing",
    }
