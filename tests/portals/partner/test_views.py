"""Partner-portal pages: the posting journey, applicants (privacy, htmx rows), interns, lists."""

import pytest
from django.urls import reverse

from tests import factories as f
from tests.partners.portal_support import department_admin, draft, opportunity_post
from trellis.core.models import AuditAction, AuditEvent
from trellis.opportunities.models import Opportunity
from trellis.partners.models import Mentor, Worksite
from trellis.placements.models import Application, Placement

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def admin_client(client, personas):
    client.force_login(personas.partner_admin_p)
    return client


def test_portal_index_goes_straight_to_the_only_partner(admin_client, personas):
    response = admin_client.get(reverse("partner_portal:index"))
    assert response.status_code == 302
    assert response.url == reverse("partner_portal:home", args=[personas.partner_p.pk])
    page = admin_client.get(response.url)
    assert page.status_code == 200 and b"Pine Health Clinic" in page.content


def test_partner_posts_an_opportunity_and_submits_it_for_approval(admin_client, personas):
    create_url = reverse("partner_portal:opportunity_create", args=[personas.partner_p.pk])
    assert admin_client.get(create_url).status_code == 200
    response = admin_client.post(create_url, opportunity_post(personas))
    opportunity = Opportunity.objects.get(title="Pharmacy technician shadow")
    assert response.status_code == 302
    assert response.url == reverse("partner_portal:opportunity", args=[opportunity.pk])
    assert opportunity.status == Opportunity.Status.DRAFT
    assert opportunity.weekdays == 0b1010  # Tuesday and Thursday
    assert opportunity.partner == personas.partner_p and opportunity.district == personas.district
    page = admin_client.get(response.url)
    assert b"Submit for approval" in page.content
    response = admin_client.post(
        reverse("partner_portal:opportunity_submit", args=[opportunity.pk])
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.PENDING


def test_the_form_shows_an_error_summary_and_keeps_the_draft_unsaved(admin_client, personas):
    create_url = reverse("partner_portal:opportunity_create", args=[personas.partner_p.pk])
    post = opportunity_post(personas, end_date="2027-01-01", title="")
    response = admin_client.post(create_url, post)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html and 'href="#id_title"' in html
    assert "on or after the start date" in html
    assert not Opportunity.objects.filter(title="Pharmacy technician shadow").exists()


def test_the_form_offers_only_the_partners_own_worksites_and_mentors(admin_client, personas):
    f.WorksiteFactory(partner=personas.partner_q, name="Quarry HQ")
    response = admin_client.get(
        reverse("partner_portal:opportunity_create", args=[personas.partner_p.pk])
    )
    html = response.content.decode()
    assert "Quarry HQ" not in html and "Quinn" not in html
    smuggled = opportunity_post(personas, worksite=f.WorksiteFactory(partner=personas.partner_q))
    response = admin_client.post(
        reverse("partner_portal:opportunity_create", args=[personas.partner_p.pk]), smuggled
    )
    assert response.status_code == 200 and b"Select a valid choice" in response.content


def test_posted_status_is_ignored(admin_client, personas):
    post = opportunity_post(personas, status="published", partner=str(personas.partner_q.pk))
    admin_client.post(
        reverse("partner_portal:opportunity_create", args=[personas.partner_p.pk]), post
    )
    opportunity = Opportunity.objects.get(title="Pharmacy technician shadow")
    assert opportunity.status == Opportunity.Status.DRAFT
    assert opportunity.partner == personas.partner_p


def test_a_draft_is_edited_and_a_returned_draft_shows_the_coordinators_comment(
    admin_client, personas
):
    opportunity = draft(personas)
    AuditEvent.record(
        actor=personas.coordinator_district,
        action=AuditAction.OPPORTUNITY_RETURNED,
        target=opportunity,
        data={"comment": "Say what to wear."},
    )
    page = admin_client.get(reverse("partner_portal:opportunity", args=[opportunity.pk]))
    assert b"Say what to wear." in page.content
    edit_url = reverse("partner_portal:opportunity_edit", args=[opportunity.pk])
    assert admin_client.get(edit_url).status_code == 200
    post = opportunity_post(personas, title="Scheduling aide (scrubs provided)")
    assert admin_client.post(edit_url, post).status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.title == "Scheduling aide (scrubs provided)"


def test_a_published_opportunity_is_not_edited_as_a_draft(admin_client, personas):
    edit_url = reverse("partner_portal:opportunity_edit", args=[personas.opportunity_p.pk])
    response = admin_client.get(edit_url)
    assert response.status_code == 302


def test_seats_below_the_students_placed_are_refused_on_the_page(admin_client, personas):
    url = reverse("partner_portal:opportunity_seats", args=[personas.opportunity_p.pk])
    response = admin_client.post(url, {"seats": "0"})
    assert response.status_code == 200
    assert "below the 1 student already placed" in response.content.decode()
    assert admin_client.post(url, {"seats": "4"}).status_code == 302
    personas.opportunity_p.refresh_from_db()
    assert personas.opportunity_p.seats == 4


def test_partner_closes_a_published_opportunity(admin_client, personas):
    url = reverse("partner_portal:opportunity_close", args=[personas.opportunity_p.pk])
    assert admin_client.post(url).status_code == 302
    personas.opportunity_p.refresh_from_db()
    assert personas.opportunity_p.status == Opportunity.Status.CLOSED


def test_profile_worksites_and_mentors_are_managed_from_the_portal(admin_client, personas):
    partner = personas.partner_p
    response = admin_client.post(
        reverse("partner_portal:profile", args=[partner.pk]),
        {
            "name": "Pine Health Clinic",
            "description": "Family medicine",
            "website": "pine.example",
            "phone": "555-0101",
            "contact_email": "hello@pine.example",
        },
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.website == "https://pine.example" and partner.description == "Family medicine"

    response = admin_client.post(
        reverse("partner_portal:worksite_add", args=[partner.pk]),
        {"name": "Telehealth desk", "is_virtual": "on"},
    )
    assert response.status_code == 302
    site = Worksite.objects.get(name="Telehealth desk")
    response = admin_client.post(
        reverse("partner_portal:worksite_edit", args=[site.pk]),
        {"name": "North clinic", "address": "4 North Rd", "city": "Maple", "state": "va"},
    )
    assert response.status_code == 200  # an address without a ZIP code cannot be placed
    assert "Give the ZIP code" in response.content.decode()
    response = admin_client.post(
        reverse("partner_portal:worksite_edit", args=[site.pk]),
        {
            "name": "North clinic",
            "address": "4 North Rd",
            "city": "Leesburg",
            "state": "va",
            "zip_code": "20176",
        },
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert (site.name, site.is_virtual, site.state) == ("North clinic", False, "VA")
    assert site.location_is_approximate and site.latitude == 39.1821

    response = admin_client.post(
        reverse("partner_portal:mentor_invite", args=[partner.pk]),
        {"first_name": "Rita", "last_name": "Reyes", "email": "rita@pine.example"},
    )
    assert response.status_code == 302
    mentor = Mentor.objects.get(user__email="rita@pine.example")
    page = admin_client.get(reverse("partner_portal:mentors", args=[partner.pk])).content.decode()
    assert "Rita Reyes" in page and "Invited" in page and "Jul 1, 2026" in page
    response = admin_client.post(
        reverse("partner_portal:mentor_edit", args=[mentor.pk]), {"title": "RN", "phone": ""}
    )
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.title == "RN"
    assert (
        admin_client.post(reverse("partner_portal:mentor_resend", args=[mentor.pk])).status_code
        == 302
    )


def test_partner_admin_cannot_edit_the_background_check(admin_client, personas):
    url = reverse("partner_portal:background_check", args=[personas.mentor_p_record.pk])
    assert admin_client.get(url).status_code == 404
    edit = admin_client.get(
        reverse("partner_portal:mentor_edit", args=[personas.mentor_p_record.pk])
    )
    assert b"background_check_date" not in edit.content


def test_coordinator_records_a_background_check_from_the_partner_page(client, personas):
    client.force_login(personas.coordinator_a)
    detail = client.get(reverse("partners:detail", args=[personas.partner_p.pk]))
    url = reverse("partner_portal:background_check", args=[personas.mentor_p_record.pk])
    assert url in detail.content.decode()
    assert client.get(url).status_code == 200
    assert client.post(url, {"background_check_date": "2026-10-01"}).status_code == 302
    personas.mentor_p_record.refresh_from_db()
    assert str(personas.mentor_p_record.background_check_date) == "2026-10-01"


# --- Applicants --------------------------------------------------------------------------------


def applicants_page(client, opportunity):
    return client.get(reverse("partner_portal:applicants", args=[opportunity.pk]))


def test_applicants_show_only_what_the_student_agreed_to_share(admin_client, personas):
    private = personas.student_b
    private.email, private.home_zip = "ben.birch@students.example", "22150"
    private.save()
    f.StudentInterestFactory(student=private, cluster=f.cluster("healthcare-human-services"))
    f.ApplicationFactory(
        student=private, opportunity=personas.opportunity_p, statement="I like people."
    )
    sharing = f.StudentFactory(
        school=personas.school_a,
        first_name="Sam",
        last_name="Sharer",
        email="sam@students.example",
        shares_profile_with_partners=True,
    )
    f.ApplicationFactory(student=sharing, opportunity=personas.opportunity_p)
    html = applicants_page(admin_client, personas.opportunity_p).content.decode()
    assert "Ben" in html and "Birch High" in html and "I like people." in html
    assert "Healthcare &amp; Human Services" in html  # interests are shown
    assert "Birch</h3>" not in html and "ben.birch@" not in html
    assert "Sam Sharer" in html and "sam@students.example" in html
    for secret in ("2009", "22150", private.student_number, "Not reported"):
        assert secret not in html


def test_accepting_with_htmx_swaps_the_row_and_proposes_a_placement(admin_client, personas):
    application = f.ApplicationFactory(
        student=personas.student_b, opportunity=personas.opportunity_p
    )
    url = reverse("partner_portal:application_accept", args=[application.pk])
    response = admin_client.post(url, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#applicant-{application.pk}"
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li class="option" id="applicant-{application.pk}"')
    assert "<html" not in html and "Accepted" in html
    assert Placement.objects.filter(application=application, status="proposed").exists()


def test_accepting_without_javascript_redirects_back_to_the_list(admin_client, personas):
    application = f.ApplicationFactory(
        student=personas.student_b, opportunity=personas.opportunity_p
    )
    response = admin_client.post(
        reverse("partner_portal:application_accept", args=[application.pk])
    )
    assert response.status_code == 302
    assert response.url == reverse("partner_portal:applicants", args=[personas.opportunity_p.pk])


def test_a_refused_accept_shows_why_in_the_row(admin_client, personas):
    f.PlacementFactory(opportunity=personas.opportunity_p)  # the last seat goes
    application = f.ApplicationFactory(
        student=personas.student_b, opportunity=personas.opportunity_p
    )
    response = admin_client.post(
        reverse("partner_portal:application_accept", args=[application.pk]), **HTMX
    )
    assert b"no seats left" in response.content and b"row-notice--error" in response.content
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_decline_and_rank_rows(admin_client, personas):
    first = f.ApplicationFactory(student=personas.student_b, opportunity=personas.opportunity_p)
    second = f.ApplicationFactory(opportunity=personas.opportunity_p)
    response = admin_client.post(
        reverse("partner_portal:application_rank", args=[first.pk]), {"interview_rank": "1"}, **HTMX
    )
    assert b"Ranked 1." in response.content
    response = admin_client.post(
        reverse("partner_portal:application_rank", args=[first.pk]),
        {"interview_rank": "-3"},
        **HTMX,
    )
    assert b"row-notice--error" in response.content
    response = admin_client.post(
        reverse("partner_portal:application_decline", args=[second.pk]), {"note": "Full"}, **HTMX
    )
    assert b"Declined" in response.content
    first.refresh_from_db(), second.refresh_from_db()
    assert first.interview_rank == 1 and second.status == Application.Status.DECLINED


def test_interns_show_mentor_and_hours_progress(admin_client, personas):
    personas.opportunity_p.target_hours = 40
    personas.opportunity_p.save()
    f.HourLogFactory(placement=personas.placement_a, status="approved")
    f.HourLogFactory(placement=personas.placement_a, hours=2)
    html = admin_client.get(
        reverse("partner_portal:interns", args=[personas.partner_p.pk])
    ).content.decode()
    assert "Ava Alder" in html and "Morgan Persona" in html
    assert "4 h approved of 40 (10%)" in html and "2 h waiting" in html
    assert "Ben Birch" not in html


def test_a_district_department_uses_the_same_portal(client, personas):
    admin = department_admin(personas)
    client.force_login(admin)
    response = client.get(reverse("partner_portal:index"), follow=True)
    assert response.status_code == 200
    assert b"A district department" in response.content
    assert (
        client.get(
            reverse("partner_portal:opportunity_create", args=[personas.department.pk])
        ).status_code
        == 200
    )


# --- Query counts ----------------------------------------------------------------------------


def _grow(personas, rows):
    for i in range(rows):
        opportunity = f.OpportunityFactory(
            partner=personas.partner_p, title=f"Role {i:02d}", mentor=personas.mentor_p_record
        )
        student = f.StudentFactory(school=personas.school_a)
        f.StudentInterestFactory(student=student)
        f.ApplicationFactory(student=student, opportunity=personas.opportunity_p)
        f.PlacementFactory(
            opportunity=opportunity, mentor=personas.mentor_p_record, student=student
        )
        f.WorksiteFactory(partner=personas.partner_p, name=f"Site {i:02d}")
        f.MentorFactory(partner=personas.partner_p)


@pytest.mark.parametrize("rows", [2, 12])
@pytest.mark.parametrize("name", ["opportunities", "interns", "mentors", "worksites"])
def test_partner_lists_run_a_fixed_number_of_queries(
    admin_client, personas, django_assert_max_num_queries, rows, name
):
    _grow(personas, rows)
    with django_assert_max_num_queries(9):
        response = admin_client.get(reverse(f"partner_portal:{name}", args=[personas.partner_p.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [2, 12])
def test_partner_home_counts_run_a_fixed_number_of_queries(
    admin_client, personas, django_assert_max_num_queries, rows
):
    _grow(personas, rows)
    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse("partner_portal:home", args=[personas.partner_p.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [2, 12])
def test_applicants_run_a_fixed_number_of_queries(
    admin_client, personas, django_assert_max_num_queries, rows
):
    _grow(personas, rows)
    with django_assert_max_num_queries(9):
        response = applicants_page(admin_client, personas.opportunity_p)
    assert response.status_code == 200
    assert len(response.context["applicants"]) == rows
