"""The student's own pages: home, profile, interests, apply, applications, placements,
reflections and schedule — status, the one service call, accessible errors, query counts."""

import datetime as dt

import pytest

from tests import factories as f
from tests.placements.lifecycle_support import confirmed_placement
from tests.portals.student.support import htmx, url
from trellis.core.models import AuditEvent
from trellis.hours.models import CalendarFeed
from trellis.opportunities.models import CareerCluster
from trellis.placements.models import Application, Placement, Reflection
from trellis.students.models import Transportation


@pytest.fixture
def student(client, personas):
    client.force_login(personas.student_a_user)
    return personas.student_a


# --- Home ------------------------------------------------------------------------------------


def test_home_links_every_part_of_the_portal(client, student):
    html = client.get(url("core:home")).content.decode()
    for name in (
        "portal:browse",
        "portal:applications",
        "portal:placements",
        "portal:schedule",
        "portal:profile",
        "portal:interests",
        "portal:record",
        "rounds:list",
    ):
        assert f'href="{url(name)}"' in html, name
    assert url("hours:log", student.placements.get().pk) in html


def test_home_lists_agreements_waiting_for_my_signature(client, personas, student):
    placement = confirmed_placement(personas)
    response = client.get(url("core:home"))
    [to_sign] = [q for q in response.context["to_do"] if q.queue.key == "student-sign"]
    agreements = placement.agreements.filter(required_signers__icontains="student")
    assert to_sign.count == agreements.count() > 0
    assert url("lifecycle:agreement", agreements.first().pk) in response.content.decode()


def test_the_old_portal_address_leads_to_the_one_home(client, student):
    response = client.get(url("portal:home"))
    assert response.status_code == 302 and response.url == url("core:home")


def test_site_home_and_navigation_lead_students_to_the_portal(client, student):
    response = client.get(url("core:home"))
    html = response.content.decode()
    assert url("portal:browse") in html and url("portal:record") in html
    nav = {item["label"]: item["url"] for item in response.context["nav_items"]}
    assert nav["Opportunities"] == url("portal:browse")
    assert nav["My placements"] == url("portal:placements")
    assert nav["My record"] == url("portal:record")


@pytest.mark.parametrize("rows", [1, 12])
def test_home_query_count_does_not_grow(
    client, personas, student, rows, django_assert_max_num_queries
):
    for n in range(rows):
        opportunity = f.OpportunityFactory(partner=personas.partner_q, title=f"Role {n}")
        f.PlacementFactory(student=student, opportunity=opportunity)
        f.ApplicationFactory(student=student, opportunity=opportunity)
        f.SessionFactory(placement=student.placements.filter(opportunity=opportunity).get())
    with django_assert_max_num_queries(30):
        assert client.get(url("core:home")).status_code == 200


# --- Profile ---------------------------------------------------------------------------------


def test_profile_form_groups_weekdays_in_a_fieldset_with_a_legend(client, student):
    html = client.get(url("portal:profile")).content.decode()
    assert "<legend>Days I can go to a placement</legend>" in html
    assert "<legend>How I get to a worksite</legend>" in html
    assert 'id="id_availability_0"' in html and 'value="0"' in html and "checked" in html


def test_student_saves_profile(client, student):
    response = client.post(
        url("portal:profile"),
        {
            "availability": ["0", "2", "4"],
            "transportation": Transportation.NONE,
            "max_travel_miles": "4",
            "shares_profile_with_partners": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == url("portal:profile")
    student.refresh_from_db()
    assert student.availability == 0b10101
    assert student.transportation == Transportation.NONE
    assert student.max_travel_miles == 4
    assert student.shares_profile_with_partners
    assert AuditEvent.objects.filter(action="student.sharing_granted").exists()


def test_profile_errors_are_summarised_and_linked_to_their_fields(client, student):
    response = client.post(
        url("portal:profile"),
        {"availability": ["0"], "transportation": "", "max_travel_miles": "500"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html and "There is a problem" in html
    assert 'href="#id_max_travel_miles"' in html
    assert 'href="#id_transportation_0"' in html  # a radio group links to its first option
    assert 'aria-describedby="id_max_travel_miles_error id_max_travel_miles_helptext"' in html
    assert 'id="id_max_travel_miles_error"' in html
    assert "<title>Error: My profile" in html
    student.refresh_from_db()
    assert student.max_travel_miles == 10


# --- Interests -------------------------------------------------------------------------------


def interests_of(student):
    return [str(i.subcluster or i.cluster) for i in student.interests.order_by("rank")]


def clusters(n):
    return list(CareerCluster.objects.order_by("sort_order", "pk")[:n])


def add(client, value):
    return client.post(url("portal:interests"), {"action": "add", "add-area": value})


def test_student_adds_a_cluster_and_a_subcluster(client, student):
    tech = f.cluster("digital-technology")
    sub = tech.subclusters.order_by("name").first()
    assert add(client, f"c{tech.pk}").status_code == 302
    assert add(client, f"s{sub.pk}").status_code == 302
    assert interests_of(student) == [tech.name, sub.name]


def test_interest_choices_are_grouped_by_cluster_in_one_select(client, student):
    html = client.get(url("portal:interests")).content.decode()
    assert '<optgroup label="Digital Technology">' in html
    assert "Digital Technology (any area)" in html


def test_move_buttons_reorder_without_javascript(client, student):
    for cluster in clusters(3):
        add(client, f"c{cluster.pk}")
    third = student.interests.get(rank=3)
    response = client.post(url("portal:interests"), {"action": f"up:{third.pk}"})
    assert response.status_code == 302 and response["Location"].endswith("#interest-rank-2")
    assert interests_of(student)[1] == str(third.cluster)
    first = student.interests.get(rank=1)
    client.post(url("portal:interests"), {"action": f"down:{first.pk}"})
    assert interests_of(student)[1] == str(first.cluster)


def test_rank_selects_reorder_the_list(client, student):
    for cluster in clusters(3):
        add(client, f"c{cluster.pk}")
    a, b, c = student.interests.order_by("rank")
    client.post(
        url("portal:interests"),
        {"action": "order", f"rank_{a.pk}": "1", f"rank_{b.pk}": "2", f"rank_{c.pk}": "1"},
    )
    assert interests_of(student) == [str(c.cluster), str(a.cluster), str(b.cluster)]


def test_remove_and_the_limit_of_five(client, student):
    six = clusters(6)
    for cluster in six[:5]:
        add(client, f"c{cluster.pk}")
    response = add(client, f"c{six[5].pk}")
    assert response.status_code == 200
    assert "You already have 5 interests" in response.content.decode()
    removed = student.interests.get(rank=2)
    client.post(url("portal:interests"), {"action": f"remove:{removed.pk}"})
    assert len(interests_of(student)) == 4 and str(removed.cluster) not in interests_of(student)


def test_htmx_reorder_returns_the_section_and_marks_where_focus_goes(client, student):
    for cluster in clusters(2):
        add(client, f"c{cluster.pk}")
    second = student.interests.get(rank=2)
    response = client.post(
        url("portal:interests"), {"action": f"up:{second.pk}"}, **htmx("interest-section")
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="interest-rank-1" tabindex="-1" data-focus' in html


def test_unknown_interest_id_is_404(client, personas, student):
    other = f.StudentInterestFactory(student=personas.student_b)
    response = client.post(url("portal:interests"), {"action": f"up:{other.pk}"})
    assert response.status_code == 404


# --- One opportunity and applying ------------------------------------------------------------


def test_opportunity_page_offers_the_application_form_when_open(client, personas, student):
    response = client.get(url("portal:opportunity", personas.opportunity_q.pk))
    html = response.content.decode()
    assert response.context["reasons"] == []
    assert "You can apply" in html and 'name="statement"' in html


def test_student_applies_and_lands_on_applications(client, personas, student):
    response = client.post(
        url("portal:opportunity", personas.opportunity_q.pk), {"statement": "I build websites."}
    )
    assert response.status_code == 302 and response["Location"] == url("portal:applications")
    application = Application.objects.get(student=student, opportunity=personas.opportunity_q)
    assert application.statement == "I build websites."
    html = client.get(url("portal:applications")).content.decode()
    assert "Junior developer" in html and "Withdraw" in html


def test_empty_statement_error_is_linked(client, personas, student):
    response = client.post(url("portal:opportunity", personas.opportunity_q.pk), {"statement": ""})
    html = response.content.decode()
    assert 'href="#id_statement"' in html
    assert not Application.objects.exists()


def test_refusal_from_the_service_is_shown_in_the_error_summary(client, personas, student):
    personas.opportunity_q.seats = 1
    personas.opportunity_q.save()
    # The page was open when loaded; by the time the student posts, the seat is gone.
    response = client.post(
        url("portal:opportunity", personas.opportunity_q.pk), {"statement": "Please"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in html and "The only seat is taken." in html
    assert 'name="statement"' not in html


def test_opportunity_where_i_am_placed_explains_why_not(client, personas, student):
    response = client.get(url("portal:opportunity", personas.opportunity_p.pk))
    assert [r["code"] for r in response.context["reasons"]] == ["placed"]
    assert 'name="statement"' not in response.content.decode()


def test_withdraw_application_by_post_and_by_htmx(client, personas, student):
    first = f.ApplicationFactory(student=student, opportunity=personas.opportunity_q)
    response = client.post(url("portal:withdraw_application", first.pk))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == Application.Status.WITHDRAWN
    second = f.ApplicationFactory(
        student=student, opportunity=f.OpportunityFactory(partner=personas.partner_q)
    )
    response = client.post(
        url("portal:withdraw_application", second.pk), **htmx("application-list")
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "You withdrew your application" in html and "data-focus" in html


def test_withdrawing_an_interviewed_application_is_refused_with_a_message(
    client, personas, student
):
    application = f.ApplicationFactory(
        student=student, opportunity=personas.opportunity_q, status=Application.Status.INTERVIEW
    )
    response = client.post(url("portal:withdraw_application", application.pk), follow=True)
    assert "Only a submitted application can be withdrawn" in response.content.decode()


def test_withdraw_needs_post(client, personas, student):
    application = f.ApplicationFactory(student=student, opportunity=personas.opportunity_q)
    assert client.get(url("portal:withdraw_application", application.pk)).status_code == 405


@pytest.mark.parametrize("rows", [2, 20])
def test_applications_list_query_count_does_not_grow(
    client, personas, student, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        f.ApplicationFactory(
            student=student, opportunity=f.OpportunityFactory(partner=personas.partner_q)
        )
    with django_assert_max_num_queries(8):
        response = client.get(url("portal:applications"))
    assert len(response.context["page_obj"]) == rows


# --- Placements, reflections, schedule -------------------------------------------------------


def test_my_placements_show_status_dates_mentor_worksite_hours_and_links(client, personas, student):
    worksite = f.WorksiteFactory(partner=personas.partner_p, name="Pine Clinic East")
    personas.opportunity_p.worksite = worksite
    personas.opportunity_p.save()
    f.HourLogFactory(placement=personas.placement_a, status="approved", hours=4)
    html = client.get(url("portal:placements")).content.decode()
    assert "Clinic front desk" in html and "Active" in html
    assert "Pine Clinic East, 1 Main St, Springfield" in html
    assert "Morgan" in html
    assert "4 h" in html
    assert url("hours:log", personas.placement_a.pk) in html
    assert url("portal:reflect", personas.placement_a.pk) in html


def test_my_placements_link_agreements_to_the_signing_page(client, personas, student):
    placement = confirmed_placement(personas)
    response = client.get(url("portal:placements"))
    row = next(p for p in response.context["page_obj"] if p.pk == placement.pk)
    assert row.to_sign
    assert url("lifecycle:agreement", row.to_sign[0].pk) in response.content.decode()


@pytest.mark.parametrize("rows", [1, 15])
def test_placements_list_query_count_does_not_grow(
    client, personas, student, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        confirmed_placement(
            personas, opportunity=f.OpportunityFactory(partner=personas.partner_p, seats=3)
        )
    with django_assert_max_num_queries(10):
        response = client.get(url("portal:placements"))
    assert len(response.context["page_obj"]) == rows + 1


def test_placement_page_shows_sessions_agreements_hours_and_reflections(client, personas, student):
    placement = personas.placement_a
    f.SessionFactory(placement=placement, date=dt.date(2027, 2, 5))
    f.ReflectionFactory(placement=placement, text="The front desk is busy.")
    html = client.get(url("portal:placement", placement.pk)).content.decode()
    assert "Fri Feb 5" in html
    assert "The front desk is busy." in html
    assert url("portal:reflect", placement.pk) in html
    assert url("hours:placement", placement.pk) in html


def test_student_writes_a_reflection(client, personas, student):
    placement = personas.placement_a
    form = client.get(url("portal:reflect", placement.pk)).content.decode()
    assert "<legend>Is this career for you?</legend>" in form
    response = client.post(
        url("portal:reflect", placement.pk),
        {"career_fit": "unsure", "text": "I liked the people, not the paperwork."},
    )
    assert response.status_code == 302
    assert response["Location"] == url("portal:placement", placement.pk) + "#reflections"
    reflection = Reflection.objects.get(placement=placement)
    assert reflection.career_fit == "unsure"


def test_reflection_errors_are_summarised(client, personas, student):
    response = client.post(url("portal:reflect", personas.placement_a.pk), {"text": ""})
    html = response.content.decode()
    assert 'href="#id_career_fit_0"' in html and 'href="#id_text"' in html


def test_reflection_on_a_proposed_placement_is_redirected_with_a_message(client, personas, student):
    placement = f.PlacementFactory(
        student=student, opportunity=personas.opportunity_q, status=Placement.Status.PROPOSED
    )
    response = client.get(url("portal:reflect", placement.pk), follow=True)
    assert "once the placement is active or completed" in response.content.decode()


def test_schedule_lists_upcoming_sessions_only(client, personas, student):
    placement = personas.placement_a
    f.SessionFactory(placement=placement, date=dt.date(2020, 1, 3))
    f.SessionFactory(placement=placement, date=dt.date(2027, 3, 5))
    sessions = list(client.get(url("portal:schedule")).context["page_obj"])
    assert [s.date for s in sessions] == [dt.date(2027, 3, 5)]


def test_schedule_issues_and_revokes_the_calendar_link(client, student):
    response = client.post(url("portal:schedule"), {"action": "issue"})
    assert response.status_code == 200
    new_url = response.context["new_url"]
    assert "/feeds/" in new_url and new_url.endswith(".ics")
    assert new_url in response.content.decode()
    assert CalendarFeed.objects.active().filter(student=student).count() == 1
    again = client.get(url("portal:schedule"))
    assert again.context["new_url"] is None and new_url not in again.content.decode()
    assert client.post(url("portal:schedule"), {"action": "revoke"}).status_code == 302
    assert not CalendarFeed.objects.active().filter(student=student).exists()
    assert AuditEvent.objects.filter(action="calendar_feed.revoked").exists()


@pytest.mark.parametrize("rows", [2, 25])
def test_schedule_query_count_does_not_grow(
    client, personas, student, rows, django_assert_max_num_queries
):
    for n in range(rows):
        f.SessionFactory(
            placement=personas.placement_a, date=dt.date(2027, 2, 1) + dt.timedelta(days=n)
        )
    with django_assert_max_num_queries(8):
        response = client.get(url("portal:schedule"))
    assert len(response.context["page_obj"]) == rows
