"""The mentor portal: interns, sessions, hours to approve, evaluations, concerns, calendar link."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.conftest import member
from tests.partners.portal_support import partner_admin_q
from trellis.accounts.models import Role
from trellis.placements.models import Concern, Evaluation, Placement

HOME = reverse("core:home")  # the mentor's overview is part of the one home page


@pytest.fixture
def mentor_client(client, personas):
    client.force_login(personas.mentor_p)
    return client


def evaluate_url(placement, kind="midpoint"):
    return reverse("mentor:evaluate", args=[placement.pk, kind])


def scores_post(**extra):
    data = {
        f"score_{k}": "3"
        for k in ("attendance", "communication", "teamwork", "initiative", "quality")
    }
    data.update(extra)
    return data


def test_home_lists_interns_sessions_hours_and_the_calendar_link(mentor_client, personas):
    today = timezone.localdate()
    f.SessionFactory(placement=personas.placement_a, date=today)
    f.SessionFactory(placement=personas.placement_a, date=today + dt.timedelta(days=3))
    f.SessionFactory(placement=personas.placement_b, date=today)  # mentor Q's intern
    f.HourLogFactory(placement=personas.placement_a)
    f.HourLogFactory(placement=personas.placement_b)
    response = mentor_client.get(HOME)
    assert response.status_code == 200
    context = response.context["mentor"]
    assert [p.pk for p in context["interns"]] == [personas.placement_a.pk]
    assert len(context["todays_sessions"]) == 1 and len(context["upcoming_sessions"]) == 1
    assert context["hours_waiting"] == 1
    html = response.content.decode()
    assert "Ava Alder" in html and "Ben Birch" not in html
    assert reverse("hours:approvals") in html
    assert reverse("feeds:mentor", args=[personas.mentor_p_record.pk]) in html
    assert evaluate_url(personas.placement_a) in html


def test_completed_interns_stay_on_home_until_the_final_evaluation(mentor_client, personas):
    Placement.objects.filter(pk=personas.placement_a.pk).update(status="completed")
    assert len(mentor_client.get(HOME).context["mentor"]["interns"]) == 1
    f.EvaluationFactory(placement=personas.placement_a, kind="final")
    assert mentor_client.get(HOME).context["mentor"]["interns"] == []


def test_the_calendar_link_is_issued_and_revoked_from_the_feed_page(mentor_client, personas):
    url = reverse("feeds:mentor", args=[personas.mentor_p_record.pk])
    issued = mentor_client.post(url, {"action": "issue"})
    assert issued.status_code == 200 and b".ics" in issued.content
    assert b"a link is active" in mentor_client.get(HOME).content
    assert mentor_client.post(url, {"action": "revoke"}).status_code == 302
    assert b"a link is active" not in mentor_client.get(HOME).content


def test_intern_page_shows_progress_and_the_evaluations_to_write(mentor_client, personas):
    response = mentor_client.get(reverse("mentor:intern", args=[personas.placement_a.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Write the midpoint evaluation" in html and "Write the final evaluation" in html
    assert reverse("mentor:concern", args=[personas.placement_a.pk]) in html
    assert "2009" not in html  # no birth date for partner staff


def test_evaluation_form_has_a_fieldset_per_criterion_with_descriptors(mentor_client, personas):
    response = mentor_client.get(evaluate_url(personas.placement_a))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<fieldset") == 5
    assert "<legend>Attendance and punctuality</legend>" in html
    assert "4 – Exemplary: Always present and on time" in html
    assert "would_host_again" not in html
    final = mentor_client.get(evaluate_url(personas.placement_a, "final")).content.decode()
    assert final.count("<fieldset") == 6 and "Would you host a student again?" in final


def test_mentor_submits_the_midpoint_evaluation(mentor_client, personas):
    response = mentor_client.post(
        evaluate_url(personas.placement_a), scores_post(score_quality="4", comments="Great start")
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(placement=personas.placement_a, kind="midpoint")
    assert evaluation.scores["quality"] == 4 and evaluation.comments == "Great start"
    page = mentor_client.get(evaluate_url(personas.placement_a)).content.decode()
    assert "Mean score 3.20 of 4" in page and "4 – Exemplary" in page


def test_mentor_submits_the_final_evaluation_with_would_host_again(mentor_client, personas):
    response = mentor_client.post(
        evaluate_url(personas.placement_a, "final"), scores_post(would_host_again="yes")
    )
    assert response.status_code == 302
    assert Evaluation.objects.get(kind="final").would_host_again is True


def test_an_unscored_criterion_shows_an_error_summary(mentor_client, personas):
    data = scores_post()
    del data["score_teamwork"]
    response = mentor_client.post(evaluate_url(personas.placement_a), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html and "Score “Teamwork”." in html
    assert 'href="#id_score_teamwork_0"' in html
    assert not Evaluation.objects.exists()


def test_a_placement_that_has_not_started_cannot_be_evaluated(mentor_client, personas):
    Placement.objects.filter(pk=personas.placement_a.pk).update(status="confirmed")
    response = mentor_client.get(evaluate_url(personas.placement_a))
    assert b"active or completed" in response.content
    mentor_client.post(evaluate_url(personas.placement_a), scores_post())
    assert not Evaluation.objects.exists()


def test_unknown_evaluation_kind_is_404(mentor_client, personas):
    assert mentor_client.get(evaluate_url(personas.placement_a, "weekly")).status_code == 404


def test_raise_a_concern_reaches_the_coordinator_at_once(
    mentor_client, personas, django_capture_on_commit_callbacks
):
    url = reverse("mentor:concern", args=[personas.placement_a.pk])
    assert mentor_client.get(url).status_code == 200
    assert mentor_client.post(url, {"text": ""}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = mentor_client.post(url, {"text": "Left early twice without telling me."})
    assert response.status_code == 302
    concern = Concern.objects.get(placement=personas.placement_a)
    assert concern.raised_by == personas.mentor_p
    assert personas.coordinator_a.notifications.filter(verb="concern.raised").exists()
    assert personas.coordinator_a.email in {to for m in mail.outbox for to in m.to}
    page = mentor_client.get(reverse("mentor:intern", args=[personas.placement_a.pk]))
    assert b"Left early twice" in page.content


def test_a_district_staff_mentor_of_a_department_sees_their_intern(client, personas):
    staff = member(Role.MENTOR, personas.district, partner=personas.department, username="it_staff")
    record = f.MentorFactory(partner=personas.department, user=staff)
    opportunity = f.OpportunityFactory(
        partner=personas.department, mentor=record, title="Help desk"
    )
    placement = f.PlacementFactory(
        student=personas.student_b, opportunity=opportunity, mentor=record
    )
    client.force_login(staff)
    response = client.get(HOME)
    assert [p.pk for p in response.context["mentor"]["interns"]] == [placement.pk]
    assert client.post(evaluate_url(placement), scores_post()).status_code == 302


# --- Permissions --------------------------------------------------------------------------------


def mentor_urls(placement):
    return [
        reverse("mentor:intern", args=[placement.pk]),
        evaluate_url(placement),
        evaluate_url(placement, "final"),
        reverse("mentor:concern", args=[placement.pk]),
    ]


@pytest.mark.parametrize(
    "who",
    [
        "mentor_q",
        "partner_admin_p",
        "coordinator_a",
        "student_a_user",
        "guardian_a",
        "other_coordinator",
    ],
)
def test_nobody_else_sees_or_evaluates_mentor_ps_intern(client, personas, who):
    client.force_login(getattr(personas, who))
    for url in mentor_urls(personas.placement_a):
        assert client.get(url).status_code == 404, url
    for url in mentor_urls(personas.placement_a)[1:]:
        data = {**scores_post(), "text": "x", "would_host_again": "no"}
        assert client.post(url, data).status_code == 404, url
    assert not Evaluation.objects.exists() and not Concern.objects.exists()


@pytest.mark.parametrize(
    "who", ["partner_admin_p", "coordinator_a", "student_a_user", "guardian_a", "other_coordinator"]
)
def test_mentor_portal_lists_are_404_for_non_mentors(client, personas, who):
    client.force_login(getattr(personas, who))
    for name in ("home", "interns", "sessions"):
        assert client.get(reverse(f"mentor:{name}")).status_code == 404


def test_mentor_q_lists_only_their_own_interns(client, personas):
    client.force_login(personas.mentor_q)
    response = client.get(reverse("mentor:interns"))
    assert [p.pk for p in response.context["page_obj"]] == [personas.placement_b.pk]


def test_mentors_cannot_reach_the_partner_portal_or_approve_opportunities(client, personas):
    client.force_login(personas.mentor_p)
    assert client.get(reverse("partner_portal:index")).status_code == 404
    assert client.get(reverse("opportunities:approvals")).status_code == 404
    partner_admin_q(personas)  # exists, yet a mentor still cannot act for any partner


# --- Query counts -------------------------------------------------------------------------------


def _grow(personas, rows):
    today = timezone.localdate()
    for i in range(rows):
        placement = f.PlacementFactory(
            opportunity=f.OpportunityFactory(partner=personas.partner_p, title=f"Role {i:02d}"),
            mentor=personas.mentor_p_record,
            student=f.StudentFactory(school=personas.school_a),
        )
        f.SessionFactory(placement=placement, date=today + dt.timedelta(days=i % 5))
        f.HourLogFactory(placement=placement)
        f.EvaluationFactory(placement=placement)


@pytest.mark.parametrize("rows", [2, 12])
@pytest.mark.parametrize(
    ("name", "most"), [("core:home", 30), ("mentor:interns", 9), ("mentor:sessions", 9)]
)
def test_mentor_lists_run_a_fixed_number_of_queries(
    mentor_client, personas, django_assert_max_num_queries, rows, name, most
):
    _grow(personas, rows)
    with django_assert_max_num_queries(most):
        response = mentor_client.get(reverse(name))
    assert response.status_code == 200


def test_the_old_mentor_address_leads_to_the_one_home(mentor_client):
    response = mentor_client.get(reverse("mentor:home"))
    assert response.status_code == 302 and response.url == reverse("core:home")
