"""Browsing the catalog: every filter, the reasons an opportunity is closed to the student (the
matching rules plus seats, applications and youth labour hours), pagination and query counts."""

import datetime as dt

import pytest

from tests import factories as f
from tests.portals.student.support import htmx, url
from trellis.opportunities.models import Opportunity, OpportunityKind
from trellis.opportunities.search import BrowseFilters, browse
from trellis.partners.models import PartnerKind
from trellis.placements.models import Application
from trellis.students.models import Transportation

BROWSE = url("portal:browse")


@pytest.fixture
def student(client, personas):
    client.force_login(personas.student_a_user)
    return personas.student_a


def titles(response):
    return [o.title for o in response.context["page_obj"]]


def card(response, title):
    return next(o for o in response.context["page_obj"] if o.title == title)


def codes(response, title):
    return [r["code"] for r in card(response, title).reasons]


def test_browse_lists_only_the_published_catalog_of_my_district(client, personas, student):
    f.OpportunityFactory(
        partner=personas.partner_q, title="Draft role", status=Opportunity.Status.DRAFT
    )
    response = client.get(BROWSE)
    assert sorted(titles(response)) == ["Clinic front desk", "Junior developer"]


def test_my_interests_come_first(client, personas, student):
    f.StudentInterestFactory(student=student, cluster=personas.opportunity_q.cluster, rank=1)
    assert titles(client.get(BROWSE))[0] == "Junior developer"
    student.interests.all().delete()
    f.StudentInterestFactory(student=student, cluster=personas.opportunity_p.cluster, rank=1)
    assert titles(client.get(BROWSE))[0] == "Clinic front desk"


def test_filters_by_cluster_kind_pay_virtual_weekday_host_and_text(client, personas, student):
    health = personas.opportunity_p.cluster
    f.OpportunityFactory(
        partner=personas.partner_q,
        title="Paid tester",
        is_paid=True,
        hourly_rate=12,
        weekdays=1,
        kind=OpportunityKind.VIRTUAL,
        description="Testing mobile apps",
    )
    f.OpportunityFactory(partner=personas.department, title="Helpdesk aide", weekdays=2)
    assert titles(client.get(BROWSE, {"cluster": health.slug})) == ["Clinic front desk"]
    assert titles(client.get(BROWSE, {"kind": "virtual"})) == ["Paid tester"]
    assert titles(client.get(BROWSE, {"paid": "yes"})) == ["Paid tester"]
    assert "Paid tester" not in titles(client.get(BROWSE, {"paid": "no"}))
    assert titles(client.get(BROWSE, {"virtual": "yes"})) == ["Paid tester"]
    assert "Paid tester" not in titles(client.get(BROWSE, {"virtual": "no"}))
    assert titles(client.get(BROWSE, {"weekday": "0"})) == ["Paid tester"]
    assert titles(client.get(BROWSE, {"weekday": "1"})) == ["Helpdesk aide"]
    assert titles(client.get(BROWSE, {"host": "district"})) == ["Helpdesk aide"]
    assert "Helpdesk aide" not in titles(client.get(BROWSE, {"host": "outside"}))
    assert titles(client.get(BROWSE, {"q": "mobile"})) == ["Paid tester"]
    assert titles(client.get(BROWSE, {"q": "quarry"})) == ["Junior developer", "Paid tester"]


def test_a_worksite_marked_virtual_counts_as_virtual(client, personas, student):
    remote = f.WorksiteFactory(partner=personas.partner_q, is_virtual=True, address="")
    f.OpportunityFactory(partner=personas.partner_q, title="Remote help", worksite=remote)
    assert titles(client.get(BROWSE, {"virtual": "yes"})) == ["Remote help"]


def test_bad_filter_values_are_ignored(client, student):
    response = client.get(BROWSE, {"weekday": "9", "cluster": "nope", "page": "x", "f": "1"})
    assert response.status_code == 200 and len(titles(response)) == 2


def place_student_at_home(student, *, transportation=Transportation.NONE, miles=10):
    student.home_latitude, student.home_longitude = 38.78, -77.18
    student.transportation = transportation
    student.max_travel_miles = miles
    student.save()


def far_and_near(personas):
    near = f.WorksiteFactory(
        partner=personas.partner_q, name="Near", latitude=38.80, longitude=-77.18
    )
    far = f.WorksiteFactory(
        partner=personas.partner_q, name="Far", latitude=39.50, longitude=-77.18
    )
    f.OpportunityFactory(partner=personas.partner_q, title="Near role", worksite=near)
    f.OpportunityFactory(partner=personas.partner_q, title="Far role", worksite=far)
    f.OpportunityFactory(
        partner=personas.partner_q, title="Online role", kind=OpportunityKind.VIRTUAL
    )


def test_near_me_is_on_by_default_without_transportation(client, personas, student):
    place_student_at_home(student)
    far_and_near(personas)
    response = client.get(BROWSE)
    assert sorted(titles(response)) == ["Near role", "Online role"]
    assert card(response, "Near role").distance_miles == pytest.approx(1.38, abs=0.05)
    # Unticking it (the form was submitted) shows everything, the far one with its reason.
    response = client.get(BROWSE, {"f": "1"})
    assert "Far role" in titles(response)
    assert codes(response, "Far role") == ["distance"]
    assert "49.7 miles from home" in card(response, "Far role").reasons[0]["text"]


def test_students_with_transportation_may_tick_near_me(client, personas, student):
    place_student_at_home(student, transportation=Transportation.FAMILY, miles=5)
    far_and_near(personas)
    assert "Far role" in titles(client.get(BROWSE))
    assert sorted(titles(client.get(BROWSE, {"f": "1", "near": "on"}))) == [
        "Near role",
        "Online role",
    ]
    # With transportation, distance is not a reason to refuse.
    assert codes(client.get(BROWSE), "Far role") == []


def test_near_me_is_disabled_without_a_home_location(client, student):
    response = client.get(BROWSE, {"f": "1", "near": "on"})
    assert response.context["form"].fields["near"].disabled
    assert len(titles(response)) == 2


def test_each_reason_is_given_in_plain_words(client, personas, student):
    student.grade, student.availability = 11, 0b01111  # Mon–Thu
    student.save()
    q = personas.partner_q
    f.OpportunityFactory(partner=q, title="Seniors only", min_grade=12, weekdays=1)
    f.OpportunityFactory(partner=q, title="Adults only", min_age=21, weekdays=1)
    f.OpportunityFactory(partner=q, title="Friday role", weekdays=16)
    f.OpportunityFactory(
        partner=q, title="Saw mill", is_hazardous=True, hazardous_orders="HO14", weekdays=1
    )
    full = f.OpportunityFactory(partner=q, title="Full role", seats=1, weekdays=1)
    f.PlacementFactory(opportunity=full, student=f.StudentFactory(school=personas.school_b))
    applied = f.OpportunityFactory(partner=q, title="Applied role", weekdays=1)
    f.ApplicationFactory(student=student, opportunity=applied)
    declined = f.OpportunityFactory(partner=q, title="Declined role", weekdays=1)
    f.ApplicationFactory(student=student, opportunity=declined, status=Application.Status.DECLINED)
    f.OpportunityFactory(
        partner=q,
        title="Ended role",
        weekdays=1,
        start_date=dt.date(2024, 9, 2),
        end_date=dt.date(2024, 12, 20),
    )
    response = client.get(BROWSE)
    assert codes(response, "Seniors only") == ["grade"]
    assert codes(response, "Adults only") == ["age"]
    assert codes(response, "Friday role") == ["weekdays"]
    assert codes(response, "Saw mill") == ["hazardous"]
    assert codes(response, "Full role") == ["full"]
    assert codes(response, "Applied role") == ["applied"]
    assert codes(response, "Declined role") == ["applied"]
    assert "ended" in codes(response, "Ended role")
    assert codes(response, "Clinic front desk") == ["weekdays", "placed"]
    html = response.content.decode()
    assert "Open to grade 12 and up; you are in grade 11." in html
    assert "You must be at least 21 on the start date" in html
    assert "you are not available on Fri" in html
    assert "All 1 seats" not in html and "The only seat is taken." in html
    assert "You have already applied (your application is submitted)." in html
    assert "The partner declined your application." in html
    assert card(response, "Seniors only").can_apply is False


def test_youth_labour_hour_rules_are_a_reason_for_a_14_year_old(client, personas, student):
    student.birth_date, student.grade = dt.date(2012, 6, 1), 9
    student.save()
    # 08:00–14:30 on school-day Fridays is over the 3 hours a 14-year-old may work on a school day.
    f.SchoolYearFactory(district=personas.district)
    f.OpportunityFactory(partner=personas.partner_q, title="Long Fridays", min_age=14, min_grade=9)
    f.OpportunityFactory(
        partner=personas.partner_q,
        title="Short Fridays",
        min_age=14,
        min_grade=9,
        start_time=dt.time(15, 0),
        end_time=dt.time(17, 0),
    )
    response = client.get(BROWSE)
    assert codes(response, "Long Fridays") == ["labour"]
    assert "hours on a school day" in card(response, "Long Fridays").reasons[0]["text"]
    assert codes(response, "Short Fridays") == []


def test_each_result_says_whether_i_can_apply(client, personas, student):
    html = client.get(BROWSE).content.decode()
    assert 'You can apply<span class="visually-hidden"> to Junior developer</span>.' in html
    assert 'You cannot apply<span class="visually-hidden"> to Clinic front desk</span>:' in html
    assert url("portal:opportunity", personas.opportunity_q.pk) + "#apply-heading" in html


def test_browse_is_paginated_at_fifty(client, personas, student):
    for n in range(51):
        f.OpportunityFactory(partner=personas.partner_q, title=f"Bulk {n:02d}")
    response = client.get(BROWSE)
    assert len(response.context["page_obj"]) == 50
    assert len(client.get(BROWSE, {"page": 2}).context["page_obj"]) == 3


def test_htmx_filter_request_returns_only_the_results(client, student):
    response = client.get(BROWSE, {"kind": "internship", "f": "1"}, **htmx("results"))
    html = response.content.decode()
    assert "<html" not in html and "result-list" in html and "data-announce" in html


@pytest.mark.parametrize("rows", [3, 40])
def test_browse_query_count_does_not_grow(
    client, personas, student, rows, django_assert_max_num_queries
):
    place_student_at_home(student, transportation=Transportation.FAMILY)
    worksite = f.WorksiteFactory(partner=personas.partner_q)
    for n in range(rows):
        opportunity = f.OpportunityFactory(
            partner=personas.partner_q, worksite=worksite, title=f"R{n}"
        )
        if n % 2:
            f.ApplicationFactory(student=student, opportunity=opportunity)
    with django_assert_max_num_queries(9):
        response = client.get(BROWSE)
    assert len(response.context["page_obj"]) == rows + 2


@pytest.mark.parametrize("rows", [2, 30])
def test_labour_check_reads_the_calendar_once_per_page(
    client, personas, student, rows, django_assert_max_num_queries
):
    student.birth_date, student.grade = dt.date(2012, 6, 1), 9
    student.save()
    f.SchoolYearFactory(district=personas.district)
    for n in range(rows):
        f.OpportunityFactory(
            partner=personas.partner_q,
            title=f"Young {n}",
            min_age=14,
            min_grade=9,
            weekdays=1 << (n % 5),
        )
    with django_assert_max_num_queries(11):
        response = client.get(BROWSE)
    assert codes(response, "Young 0") == ["labour"]


def test_browse_query_function_filters_in_sql(personas):
    student = personas.student_a
    results = browse(personas.student_a_user, student, BrowseFilters(in_district=False))
    assert {o.partner.kind for o in results} == {PartnerKind.BUSINESS}
    first = results.get(pk=personas.opportunity_p.pk)
    assert first.placed_here is True and first.seats_taken == 1 and first.seats_left == 1
