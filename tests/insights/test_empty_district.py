"""Reports in a district that has nothing to report yet render, rather than failing."""

import pytest

from tests import factories as f
from trellis.accounts.models import Role


@pytest.mark.django_db
def test_board_report_of_a_district_with_no_placements_renders(client):
    district = f.DistrictFactory()
    f.SchoolYearFactory(district=district)
    coordinator = f.UserFactory()
    f.MembershipFactory(user=coordinator, district=district, role=Role.COORDINATOR)
    client.force_login(coordinator)
    response = client.get("/insights/board/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_board_report_before_the_first_school_year_renders(client):
    district = f.DistrictFactory()
    coordinator = f.UserFactory()
    f.MembershipFactory(user=coordinator, district=district, role=Role.COORDINATOR)
    client.force_login(coordinator)
    assert client.get("/insights/board/").status_code == 200


# --- issue 15 point 4: every report, print view and export before the first school year -------

from trellis.insights.reports import REPORTS  # noqa: E402


@pytest.fixture
def new_district(client, db):
    """A district as it is on day one: a school, a partner, a placement, no school year."""
    district = f.DistrictFactory()
    school = f.SchoolFactory(district=district)
    partner = f.PartnerFactory(district=district)
    student = f.StudentFactory(school=school)
    f.PlacementFactory(student=student, opportunity=f.OpportunityFactory(partner=partner))
    coordinator = f.UserFactory()
    f.MembershipFactory(user=coordinator, district=district, role=Role.COORDINATOR)
    client.force_login(coordinator)
    return district


@pytest.mark.parametrize("slug", [r.slug for r in REPORTS])
def test_each_report_its_print_view_and_exports_render_before_the_first_school_year(
    client, new_district, slug
):
    page = client.get(f"/insights/reports/{slug}/")
    assert page.status_code == 200
    assert client.get(f"/insights/reports/{slug}/print/").status_code == 200
    tables = [s.table.slug for s in page.context["result"].sections]
    for table in tables:
        for fmt in ("csv", "xlsx"):
            response = client.get(f"/insights/reports/{slug}/{table}.{fmt}")
            assert response.status_code == 200, (table, fmt)


def test_board_report_and_gap_exports_render_before_the_first_school_year(client, new_district):
    assert client.get("/insights/board/").status_code == 200
    assert client.get("/insights/gaps/").status_code == 200
    for fmt in ("csv", "xlsx"):
        assert client.get(f"/insights/gaps/export.{fmt}").status_code == 200
