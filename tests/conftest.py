"""Fixed personas (DESIGN.md): two schools, two partners, every role, and a second district.

`personas` is one world; tests log in as `personas.coordinator_a` etc. and prove that
nobody reads or changes what is outside their scope. The world is built once per test
module and each test's changes are rolled back (tests/worlds.py); a transactional test
builds its own with `fresh_personas`.
"""

from dataclasses import dataclass

import pytest

from tests import factories as f
from tests import worlds
from trellis.accounts.models import Role
from trellis.partners.models import Department, PartnerKind


@pytest.fixture(autouse=True)
def _mfa_enrolment_only_where_asked(request, settings):
    """Most tests sign personas in directly; forced MFA enrolment (trellis.signin) is tested
    by the tests marked `mfa_enforced`, and is on in the running app."""
    settings.SIGNIN_REQUIRE_MFA = request.node.get_closest_marker("mfa_enforced") is not None


@dataclass
class World:
    district: object
    school_a: object
    school_b: object
    partner_p: object
    partner_q: object
    department: object
    district_admin: object
    coordinator_district: object
    coordinator_a: object
    coordinator_b: object
    counselor_a: object
    mentor_p: object
    mentor_q: object
    mentor_p_record: object
    mentor_q_record: object
    partner_admin_p: object
    student_a: object
    student_a_user: object
    student_b: object
    student_b_user: object
    guardian_a: object
    opportunity_p: object
    opportunity_q: object
    placement_a: object
    placement_b: object
    other_district: object
    other_coordinator: object
    other_student: object
    other_placement: object


def member(role, district, *, school=None, partner=None, username=None, first="Pat", last="Persona"):
    user = f.UserFactory(username=username, first_name=first, last_name=last)
    f.MembershipFactory(user=user, district=district, role=role, school=school, partner=partner)
    return user


def pytest_collection_modifyitems(items):
    worlds.order_items(items)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    worlds.close_before_transactional(item)


def build_personas() -> World:
    district = f.DistrictFactory(name="Maple Valley Schools", slug="maple-valley")
    school_a = f.SchoolFactory(district=district, name="Alder High", slug="alder")
    school_b = f.SchoolFactory(district=district, name="Birch High", slug="birch")
    partner_p = f.PartnerFactory(district=district, name="Pine Health Clinic")
    partner_q = f.PartnerFactory(district=district, name="Quarry Software")
    department = f.PartnerFactory(
        district=district, name="District IT", kind=PartnerKind.DISTRICT_DEPARTMENT, department=Department.IT
    )
    mentor_p = member(Role.MENTOR, district, partner=partner_p, username="mentor_p", first="Morgan")
    mentor_q = member(Role.MENTOR, district, partner=partner_q, username="mentor_q", first="Quinn")
    mentor_p_record = f.MentorFactory(partner=partner_p, user=mentor_p)
    mentor_q_record = f.MentorFactory(partner=partner_q, user=mentor_q)
    opportunity_p = f.OpportunityFactory(partner=partner_p, title="Clinic front desk", cluster=f.cluster("healthcare-human-services"), mentor=mentor_p_record)
    opportunity_q = f.OpportunityFactory(partner=partner_q, title="Junior developer", mentor=mentor_q_record)
    student_a_user = f.UserFactory(username="student_a", first_name="Ava", last_name="Alder")
    student_a = f.StudentFactory(school=school_a, user=student_a_user, first_name="Ava", last_name="Alder")
    f.MembershipFactory(user=student_a_user, district=district, role=Role.STUDENT)
    student_b_user = f.UserFactory(username="student_b", first_name="Ben", last_name="Birch")
    student_b = f.StudentFactory(school=school_b, user=student_b_user, first_name="Ben", last_name="Birch")
    f.MembershipFactory(user=student_b_user, district=district, role=Role.STUDENT)
    guardian_a = member(Role.GUARDIAN, district, username="guardian_a", first="Gail")
    f.GuardianLinkFactory(student=student_a, guardian_user=guardian_a, name="Gail Alder")
    placement_a = f.PlacementFactory(student=student_a, opportunity=opportunity_p, mentor=mentor_p_record)
    placement_b = f.PlacementFactory(student=student_b, opportunity=opportunity_q, mentor=mentor_q_record)

    other_district = f.DistrictFactory(name="Other County Schools", slug="other-county")
    other_school = f.SchoolFactory(district=other_district, name="Oak High", slug="oak")
    other_partner = f.PartnerFactory(district=other_district, name="Oak Hardware")
    other_student = f.StudentFactory(school=other_school, first_name="Olive", last_name="Oak")
    other_placement = f.PlacementFactory(student=other_student, opportunity=f.OpportunityFactory(partner=other_partner))

    return World(
        district=district, school_a=school_a, school_b=school_b,
        partner_p=partner_p, partner_q=partner_q, department=department,
        district_admin=member(Role.DISTRICT_ADMIN, district, username="district_admin", first="Dana"),
        coordinator_district=member(Role.COORDINATOR, district, username="coordinator_district", first="Cody"),
        coordinator_a=member(Role.COORDINATOR, district, school=school_a, username="coordinator_a", first="Casey"),
        coordinator_b=member(Role.COORDINATOR, district, school=school_b, username="coordinator_b", first="Blair"),
        counselor_a=member(Role.COUNSELOR, district, school=school_a, username="counselor_a", first="Cam"),
        mentor_p=mentor_p, mentor_q=mentor_q, mentor_p_record=mentor_p_record, mentor_q_record=mentor_q_record,
        partner_admin_p=member(Role.PARTNER_ADMIN, district, partner=partner_p, username="partner_admin_p", first="Parker"),
        student_a=student_a, student_a_user=student_a_user, student_b=student_b, student_b_user=student_b_user,
        guardian_a=guardian_a, opportunity_p=opportunity_p, opportunity_q=opportunity_q,
        placement_a=placement_a, placement_b=placement_b,
        other_district=other_district,
        other_coordinator=member(Role.COORDINATOR, other_district, username="other_coordinator", first="Otto"),
        other_student=other_student, other_placement=other_placement,
    )


persona_world = worlds.module_world("persona_world", build_personas)


@pytest.fixture
def personas(request, persona_world, db):
    """The persona world, built once for the module; what a test changes is rolled back."""
    return persona_world.for_test(request)


@pytest.fixture
def fresh_personas(transactional_db):
    """The persona world for one transactional test, which cannot share the module's.

    A transactional test ends with a flush, which takes the career clusters a data migration
    wrote with it; they are reloaded here for the next one.
    """
    import importlib

    from django.apps import apps

    from trellis.opportunities.models import CareerCluster

    if not CareerCluster.objects.exists():
        importlib.import_module("trellis.opportunities.migrations.0002_load_career_clusters").load(apps, None)
    return build_personas()


@pytest.fixture
def district_admin_staff(personas):
    """Maple Valley's district administrator with a staff account: the one who uses /admin/."""
    user = f.UserFactory(username="dist_admin_staff", is_staff=True)
    f.MembershipFactory(user=user, district=personas.district, role=Role.DISTRICT_ADMIN)
    return user


@pytest.fixture
def district_admin_client(client, district_admin_staff):
    client.force_login(district_admin_staff)
    return client
