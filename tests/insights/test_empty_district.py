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
