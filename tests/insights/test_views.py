"""Insights pages: who may see them (404 for everyone else), scope, exports, fragments, queries."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories as f
from trellis.insights.reports import REPORTS
from trellis.opportunities.models import Opportunity

READERS = [
    "district_admin",
    "coordinator_district",
    "coordinator_a",
    "coordinator_b",
    "counselor_a",
]
OUTSIDERS = ["mentor_p", "mentor_q", "partner_admin_p", "student_a_user", "guardian_a"]
REPORT_SLUGS = [r.slug for r in REPORTS]


def login(client, user):
    client.force_login(user)
    return client


def read_csv(response):
    text = b"".join(
        response.streaming_content if response.streaming else [response.content]
    ).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def interests(personas):
    """Both students want digital technology first; student A also healthcare second."""
    f.StudentInterestFactory(
        student=personas.student_a, cluster=f.cluster("digital-technology"), rank=1
    )
    f.StudentInterestFactory(
        student=personas.student_a, cluster=f.cluster("healthcare-human-services"), rank=2
    )
    f.StudentInterestFactory(
        student=personas.student_b, cluster=f.cluster("digital-technology"), rank=1
    )
    personas.school_year = f.SchoolYearFactory(district=personas.district)
    personas.term = f.TermFactory(school_year=personas.school_year)
    return personas


PAGES = [
    ("insights:index", []),
    ("insights:gaps", []),
    ("insights:gap_cluster", ["digital-technology"]),
    ("insights:board_report", []),
    *[("insights:report", [slug]) for slug in REPORT_SLUGS],
    *[("insights:report_print", [slug]) for slug in REPORT_SLUGS],
]


def test_district_admin_reads_every_insights_page(client, interests):
    login(client, interests.district_admin)
    for name, args in PAGES:
        assert client.get(reverse(name, args=args)).status_code == 200, name


@pytest.mark.parametrize(
    "who", ["coordinator_district", "coordinator_a", "coordinator_b", "counselor_a"]
)
def test_coordinators_and_counselors_read_insights(client, interests, who):
    login(client, getattr(interests, who))
    for name, args in [
        ("insights:index", []),
        ("insights:gaps", []),
        ("insights:gap_cluster", ["education"]),
        ("insights:report", ["equity"]),
        ("insights:report_print", ["perkins"]),
        ("insights:gap_export", ["xlsx"]),
        ("insights:report_export", ["hours", "by-year", "csv"]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name


@pytest.mark.parametrize("who", OUTSIDERS)
def test_partners_students_and_guardians_get_404(client, interests, who):
    login(client, getattr(interests, who))
    for name, args in [
        *PAGES,
        ("insights:gap_export", ["csv"]),
        ("insights:report_export", ["participation", "by-year", "csv"]),
        ("insights:draft_opportunity", ["it-helpdesk"]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert (
        client.post(reverse("insights:draft_opportunity", args=["it-helpdesk"]), {}).status_code
        == 404
    )
    assert client.post(reverse("insights:perkins_rule"), {"min_hours": "5"}).status_code == 404


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("insights:gaps"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_other_district_coordinator_sees_none_of_this_districts_demand(client, interests):
    response = login(client, interests.other_coordinator).get(reverse("insights:gaps"))
    assert response.status_code == 200
    dt = next(
        r for r in response.context["analysis"].rows if r.cluster.slug == "digital-technology"
    )
    assert dt.demand == 0


def test_gap_page_shows_chart_table_suggestions_and_prospecting(client, interests):
    response = login(client, interests.coordinator_district).get(reverse("insights:gaps"))
    html = response.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    assert "<script" not in html.split("<main", 1)[1]
    assert "Grow your own" in html and "Outside-partner prospecting list" in html
    dt = next(
        r for r in response.context["analysis"].rows if r.cluster.slug == "digital-technology"
    )
    # Two first choices; opportunity_q is a Friday digital seat ×2 that both can attend.
    assert (dt.demand, dt.seats, dt.served) == (2, 2, 2)


def test_gap_page_htmx_request_returns_only_the_results(client, interests):
    response = login(client, interests.coordinator_district).get(
        reverse("insights:gaps"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    html = response.content.decode()
    assert "<html" not in html and "Demand, seats and the gap" in html


def test_school_coordinator_gap_ignores_another_schools_filter(client, interests):
    response = login(client, interests.coordinator_a).get(
        reverse("insights:gaps"), {"school": interests.school_b.pk}
    )
    dt = next(
        r for r in response.context["analysis"].rows if r.cluster.slug == "digital-technology"
    )
    assert dt.students == 1  # student A only


def test_unmet_students_list_is_scoped_to_the_coordinators_school(client, interests):
    response = login(client, interests.coordinator_b).get(
        reverse("insights:gap_cluster", args=["healthcare-human-services"])
    )
    assert list(response.context["page_obj"]) == []
    response = login(client, interests.coordinator_a).get(
        reverse("insights:gap_cluster", args=["healthcare-human-services"])
    )
    # Student A holds a placement at the clinic (healthcare), so nobody is unmet there.
    assert list(response.context["page_obj"]) == []
    response = login(client, interests.coordinator_a).get(
        reverse("insights:gap_cluster", args=["digital-technology"])
    )
    assert [i.student_id for i in response.context["page_obj"]] == [interests.student_a.pk]


def test_unmet_students_fragment_for_pagination(client, interests):
    response = login(client, interests.coordinator_district).get(
        reverse("insights:gap_cluster", args=["digital-technology"]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="results",
    )
    html = response.content.decode()
    assert "<html" not in html and "with an unmet interest" in html


def test_unknown_cluster_is_404(client, interests):
    response = login(client, interests.coordinator_district).get(
        reverse("insights:gap_cluster", args=["nope"])
    )
    assert response.status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_gap_export(client, interests, fmt):
    response = login(client, interests.coordinator_district).get(
        reverse("insights:gap_export", args=[fmt])
    )
    assert response.status_code == 200
    if fmt == "csv":
        rows = read_csv(response)
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [[c for c in r] for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Career cluster"
    digital = next(r for r in rows if r[0] == "Digital Technology")
    assert [float(v) for v in digital[1:5]] == [2, 2, 2, 2]
    assert len(rows) == 15


def test_gap_export_unknown_format_is_404(client, interests):
    response = login(client, interests.coordinator_district).get(
        reverse("insights:gap_export", args=["pdf"])
    )
    assert response.status_code == 404


def test_csv_export_neutralises_formulas(client, interests):
    interests.school_a.name = '=HYPERLINK("http://evil")'
    interests.school_a.save()
    response = login(client, interests.coordinator_district).get(
        reverse("insights:report_export", args=["participation", "by-school", "csv"])
    )
    rows = read_csv(response)
    assert any(r[0].startswith("'=HYPERLINK") for r in rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_report_table_exports(client, interests, fmt):
    login(client, interests.coordinator_district)
    for slug in REPORT_SLUGS:
        page = client.get(reverse("insights:report", args=[slug]))
        for section in page.context["result"].sections:
            response = client.get(
                reverse("insights:report_export", args=[slug, section.table.slug, fmt])
            )
            assert response.status_code == 200, (slug, section.table.slug)
            assert response["Content-Disposition"].startswith("attachment;")
            assert response["Content-Disposition"].endswith(f'.{fmt}"')


def test_unknown_report_or_table_is_404(client, interests):
    login(client, interests.coordinator_district)
    assert client.get(reverse("insights:report", args=["nope"])).status_code == 404
    assert (
        client.get(reverse("insights:report_export", args=["hours", "nope", "csv"])).status_code
        == 404
    )


def test_school_coordinator_export_holds_only_their_school(client, interests):
    response = login(client, interests.coordinator_a).get(
        reverse("insights:report_export", args=["participation", "by-school", "csv"])
    )
    names = [r[0] for r in read_csv(response)[1:]]
    assert names == ["Alder High"]


def test_report_page_has_chart_table_filters_and_print_link(client, interests):
    response = login(client, interests.coordinator_district).get(
        reverse("insights:report", args=["participation"])
    )
    html = response.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    assert '<th scope="col"' in html and "<caption>" in html
    assert 'name="year"' in html and 'name="school"' in html and 'name="cluster"' in html
    assert reverse("insights:report_print", args=["participation"]) in html


def test_print_page_has_print_css_and_no_navigation(client, interests):
    response = login(client, interests.coordinator_district).get(reverse("insights:board_report"))
    html = response.content.decode()
    assert "insights/print.css" in html
    assert "site-nav" not in html
    for report in REPORTS:
        assert f'id="report-{report.slug}"' in html


QUERY_LIMITS = [
    ("insights:gaps", [], 12),
    ("insights:gap_cluster", ["digital-technology"], 18),
    ("insights:gap_export", ["csv"], 12),
    *[("insights:report", [slug], 16) for slug in REPORT_SLUGS],
    ("insights:report_export", ["participation", "by-school", "csv"], 16),
    ("insights:report_print", ["equity"], 12),
]


def test_insights_pages_run_a_fixed_number_of_queries(
    client, interests, django_assert_max_num_queries
):
    login(client, interests.coordinator_district)
    client.get(reverse("insights:index"))  # warm the session

    def check_all():
        for name, args, limit in QUERY_LIMITS:
            with django_assert_max_num_queries(limit, info=name):
                assert client.get(reverse(name, args=args)).status_code == 200

    check_all()
    # Ten times the students, placements and opportunities: the same number of queries.
    for _ in range(10):
        s = f.StudentFactory(school=interests.school_a)
        f.StudentInterestFactory(student=s, cluster=f.cluster("digital-technology"), rank=1)
        o = f.OpportunityFactory(
            partner=interests.partner_q, cluster=f.cluster("digital-technology")
        )
        f.ApplicationFactory(student=s, opportunity=o)
        f.PlacementFactory(student=s, opportunity=o, status="completed")
    check_all()


def test_draft_form_shows_department_mentors_as_candidates(client, interests):
    mentor = f.MentorFactory(
        partner=interests.department, user=f.UserFactory(first_name="Ida", last_name="Tech")
    )
    response = login(client, interests.coordinator_district).get(
        reverse("insights:draft_opportunity", args=["it-helpdesk"])
    )
    assert response.status_code == 200
    assert "Ida Tech" in response.content.decode()
    assert list(response.context["mentors"]) == [mentor]


def test_counselor_cannot_open_or_post_the_draft_form(client, interests):
    login(client, interests.counselor_a)
    url = reverse("insights:draft_opportunity", args=["it-helpdesk"])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    assert not Opportunity.objects.filter(status=Opportunity.Status.DRAFT).exists()


def test_unknown_template_is_404(client, interests):
    response = login(client, interests.coordinator_district).get(
        reverse("insights:draft_opportunity", args=["nope"])
    )
    assert response.status_code == 404
