"""Worksites typed in the portal or the admin are placed at their ZIP code's centre.

Without coordinates the distance rule for students without transportation cannot be checked;
with them, an out-of-reach worksite is refused with the distance named.
"""

import types

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from tests import factories as f
from tests.admin_helpers import admin_post_data
from trellis.core.places import UnknownZip, locate_zip
from trellis.partners import services
from trellis.partners.models import Worksite
from trellis.portals.partner.forms import WorksiteForm
from trellis.rules.eligibility import for_round
from trellis.students.models import Transportation

LEESBURG = (39.042, -77.6054)  # ZIP 20175


def test_locate_zip_reads_the_bundled_table_and_names_what_is_wrong():
    place = locate_zip(" 20175-1234 ")
    assert (place.zip_code, place.city, place.state) == ("20175", "Leesburg", "VA")
    assert (place.latitude, place.longitude) == LEESBURG
    with pytest.raises(UnknownZip, match="“2017” is not a ZIP code: give five digits"):
        locate_zip("2017")
    with pytest.raises(UnknownZip, match="99999 is not a US ZIP code"):
        locate_zip("99999")


def test_a_worksite_added_in_the_portal_gets_its_zip_centre_marked_approximate(personas):
    site = services.add_worksite(
        partner=personas.partner_p,
        actor=personas.partner_admin_p,
        fields={
            "name": "Leesburg clinic",
            "is_virtual": False,
            "address": "10 Market St",
            "city": "Leesburg",
            "state": "VA",
            "zip_code": "20175",
        },
    )
    site.refresh_from_db()
    assert (site.latitude, site.longitude) == LEESBURG and site.location_is_approximate


def test_virtual_worksites_have_no_place(personas):
    site = services.add_worksite(
        partner=personas.partner_p,
        actor=personas.partner_admin_p,
        fields={"name": "Telehealth", "is_virtual": True, "zip_code": "20175"},
    )
    assert site.latitude is None and not site.location_is_approximate


@pytest.mark.parametrize(
    "zip_code, state, message",
    [
        ("", "VA", "Give the ZIP code: it tells how far students travel to get there."),
        ("2017", "VA", "“2017” is not a ZIP code: give five digits, like 24401."),
        ("99999", "VA", "99999 is not a US ZIP code we can place on the map."),
        ("20175", "MD", "ZIP code 20175 is in VA, not MD."),
    ],
)
def test_the_portal_form_says_what_is_wrong_with_the_zip_code(zip_code, state, message):
    form = WorksiteForm(
        data={
            "name": "Clinic",
            "address": "1 Main St",
            "city": "Leesburg",
            "state": state,
            "zip_code": zip_code,
        }
    )
    assert not form.is_valid()
    assert form.errors["zip_code"] == [message]


def test_the_service_refuses_an_address_without_a_zip_code(personas):
    with pytest.raises(services.PartnerRefused, match="Give the worksite's ZIP code"):
        services.add_worksite(
            partner=personas.partner_p,
            actor=personas.partner_admin_p,
            fields={"name": "Clinic", "is_virtual": False, "address": "1 Main St"},
        )
    assert not Worksite.objects.filter(name="Clinic").exists()


def test_a_student_without_a_ride_is_told_the_distance_to_a_portal_worksite(personas):
    site = services.add_worksite(
        partner=personas.partner_p,
        actor=personas.partner_admin_p,
        fields={
            "name": "Purcellville farm",
            "is_virtual": False,
            "address": "1 Farm Ln",
            "city": "Purcellville",
            "state": "VA",
            "zip_code": "20132",
        },
    )
    student = personas.student_a
    student.transportation = Transportation.NONE
    student.home_latitude, student.home_longitude = LEESBURG
    student.max_travel_miles = 5
    opportunity = f.OpportunityFactory(partner=personas.partner_p, worksite=site)
    reasons = dict(for_round(student.eligibility_facts(), opportunity.eligibility_facts()))
    # 20175 (Leesburg) to 20132 (Purcellville) centre to centre, by the haversine formula.
    assert reasons["distance"] == (
        "The worksite is 9.8 miles from home; without transportation the limit is 5 miles."
    )
    student.max_travel_miles = 10
    assert "distance" not in dict(
        for_round(student.eligibility_facts(), opportunity.eligibility_facts())
    )


def test_the_admin_places_a_new_worksite_and_keeps_typed_coordinates(
    district_admin_client, personas
):
    url = reverse("admin:partners_worksite_add")
    base = {
        "partner": personas.partner_p.pk,
        "name": "Ashburn lab",
        "address": "5 Lab Way",
        "city": "Ashburn",
        "state": "VA",
        "zip_code": "20147",
    }
    assert district_admin_client.post(url, base).status_code == 302
    site = Worksite.objects.get(name="Ashburn lab")
    assert site.location_is_approximate and site.latitude == 39.0373

    change = reverse("admin:partners_worksite_change", args=[site.pk])
    exact = {**base, "latitude": "39.0401", "longitude": "-77.4900"}
    assert district_admin_client.post(change, exact).status_code == 302
    site.refresh_from_db()
    assert (site.latitude, site.longitude) == (39.0401, -77.49)
    assert not site.location_is_approximate

    refused = district_admin_client.post(change, {**exact, "zip_code": "99999"})
    assert refused.status_code == 200
    assert "99999 is not a US ZIP code" in refused.content.decode()


def test_the_migration_places_existing_worksites_by_zip(personas):
    unplaced = f.WorksiteFactory(
        partner=personas.partner_p, zip_code="20176", latitude=None, longitude=None
    )
    exact = f.WorksiteFactory(partner=personas.partner_p, zip_code="20176")
    migration = __import__(
        "trellis.partners.migrations.0002_worksite_location_from_zip",
        fromlist=["place_worksites_by_zip"],
    )
    migration.place_worksites_by_zip(apps, types.SimpleNamespace(connection=connection))
    unplaced.refresh_from_db()
    exact.refresh_from_db()
    assert (unplaced.latitude, unplaced.location_is_approximate) == (39.1821, True)
    assert (exact.latitude, exact.location_is_approximate) == (38.78, False)


def test_a_worksite_added_inline_on_the_partner_page_is_placed(district_admin_client, personas):
    url = reverse("admin:partners_partner_change", args=[personas.partner_p.pk])
    data = admin_post_data(district_admin_client.get(url))
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS") and "worksite" in k)[
        : -len("-TOTAL_FORMS")
    ]
    n = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(n + 1)
    data.update(
        {
            f"{prefix}-{n}-name": "Round Hill barn",
            f"{prefix}-{n}-address": "3 Barn Rd",
            f"{prefix}-{n}-city": "Round Hill",
            f"{prefix}-{n}-state": "VA",
            f"{prefix}-{n}-zip_code": "20141",
        }
    )
    response = district_admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    site = Worksite.objects.get(name="Round Hill barn")
    assert (site.latitude, site.location_is_approximate) == (39.1164, True)
