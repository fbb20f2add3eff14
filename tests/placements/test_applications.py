"""The application lifecycle: a student applies and withdraws; the partner accepts, declines, ranks."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests import factories as f
from tests.partners.portal_support import department_admin, partner_admin_q
from trellis.core.models import AuditEvent, Notification
from trellis.opportunities.models import Opportunity
from trellis.placements.applications import (
    ApplicationRefused,
    accept_application,
    apply_to_opportunity,
    decline_application,
    rank_application,
    withdraw_application,
)
from trellis.placements.models import Application, Placement
from trellis.placements.services import PlacementRefused
from trellis.students.models import Transportation


@pytest.fixture
def opening(personas):
    """A published opportunity at partner P with a free seat that student A may apply to."""
    return f.OpportunityFactory(
        partner=personas.partner_p, mentor=personas.mentor_p_record, title="Clinic intake aide"
    )


def apply(personas, opportunity, statement="I want to work with patients."):
    return apply_to_opportunity(
        student=personas.student_a,
        opportunity=opportunity,
        statement=statement,
        actor=personas.student_a_user,
    )


def test_student_applies_with_a_statement_and_it_is_audited(personas, opening):
    application = apply(personas, opening)
    assert application.status == Application.Status.SUBMITTED
    assert application.statement == "I want to work with patients."
    event = AuditEvent.objects.get(action="application.submitted")
    assert event.actor == personas.student_a_user
    assert event.target_id == str(application.pk)
    assert event.district == personas.district


def test_application_notifies_the_partner_admin_and_mentor(personas, opening):
    apply(personas, opening)
    notified = set(Notification.objects.values_list("user__username", flat=True))
    assert {"mentor_p"} <= notified
    assert "student_a" not in notified and "mentor_q" not in notified


def test_partner_admin_of_the_partner_is_notified(personas, opening):
    apply(personas, opening)
    admins = Notification.objects.filter(user__memberships__role="partner_admin")
    assert list(admins.values_list("user__username", flat=True)) == ["partner_admin_p"]


def test_partner_admin_is_sent_to_the_applicants_page(personas, opening):
    apply(personas, opening)
    told = Notification.objects.get(user=personas.partner_admin_p)
    assert told.url == reverse("partner_portal:applicants", args=[opening.pk])


def test_partner_is_told_only_first_name_and_grade_without_the_students_consent(
    personas, opening, django_capture_on_commit_callbacks
):
    student = personas.student_a
    assert not student.shares_profile_with_partners
    with django_capture_on_commit_callbacks(execute=True):
        apply(personas, opening)
    texts = list(Notification.objects.values_list("text", flat=True))
    assert texts
    for text in texts:
        assert "Alder" not in text
        assert f"from Ava (grade {student.grade})" in text
    assert len(mail.outbox) == len(texts)
    assert all("Alder" not in m.body + m.subject for m in mail.outbox)


def test_partner_is_told_the_full_name_when_the_student_shares_their_profile(personas, opening):
    personas.student_a.shares_profile_with_partners = True
    personas.student_a.save()
    apply(personas, opening)
    told = Notification.objects.get(user=personas.partner_admin_p)
    assert "from Ava Alder." in told.text


def test_second_application_to_the_same_opportunity_is_refused(personas, opening):
    apply(personas, opening)
    with pytest.raises(ApplicationRefused, match="already applied"):
        apply(personas, opening)
    assert Application.objects.filter(student=personas.student_a, opportunity=opening).count() == 1


def test_blank_statement_is_refused(personas, opening):
    with pytest.raises(ApplicationRefused, match="statement"):
        apply(personas, opening, statement="   ")


def test_overlong_statement_is_refused(personas, opening):
    with pytest.raises(ApplicationRefused, match="1500"):
        apply(personas, opening, statement="x" * 1501)


def test_full_opportunity_is_refused(personas):
    opportunity = f.OpportunityFactory(partner=personas.partner_p, seats=1)
    f.PlacementFactory(opportunity=opportunity, student=f.StudentFactory(school=personas.school_b))
    with pytest.raises(ApplicationRefused, match="only seat is taken"):
        apply(personas, opportunity)


def test_ineligible_student_is_refused_with_the_reasons(personas):
    opportunity = f.OpportunityFactory(partner=personas.partner_p, min_grade=12, weekdays=1 | 32)
    personas.student_a.grade = 11
    personas.student_a.availability = 1  # Mondays only
    personas.student_a.save()
    with pytest.raises(ApplicationRefused) as refused:
        apply(personas, opportunity)
    message = str(refused.value)
    assert "grade 12 and up; you are in grade 11" in message
    assert "not available on Sat" in message


def test_unpublished_opportunity_is_refused(personas):
    draft = f.OpportunityFactory(partner=personas.partner_p, status=Opportunity.Status.DRAFT)
    with pytest.raises(ApplicationRefused, match="not open"):
        apply(personas, draft)


def test_opportunity_of_another_district_is_refused(personas):
    other = f.OpportunityFactory(partner=personas.other_placement.opportunity.partner)
    with pytest.raises(ApplicationRefused, match="not open"):
        apply(personas, other)


def test_only_the_student_can_apply_for_themself(personas, opening):
    for actor in (personas.student_b_user, personas.guardian_a, personas.coordinator_a):
        with pytest.raises(PermissionDenied):
            apply_to_opportunity(
                student=personas.student_a, opportunity=opening, statement="Hi", actor=actor
            )
    assert not Application.objects.filter(opportunity=opening).exists()


def test_inactive_student_is_refused(personas, opening):
    personas.student_a.is_active = False
    personas.student_a.save()
    with pytest.raises(ApplicationRefused, match="not active"):
        apply(personas, opening)


def test_withdrawn_application_can_be_submitted_again(personas, opening):
    first = apply(personas, opening)
    withdraw_application(application=first, actor=personas.student_a_user)
    again = apply(personas, opening, statement="I thought again and I am sure.")
    assert again.pk == first.pk
    assert again.status == Application.Status.SUBMITTED
    assert again.statement == "I thought again and I am sure."
    assert AuditEvent.objects.filter(action="application.resubmitted").count() == 1


def test_student_withdraws_a_submitted_application(personas, opening):
    application = apply(personas, opening)
    withdraw_application(application=application, actor=personas.student_a_user)
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert application.decided_at is not None
    assert AuditEvent.objects.filter(
        action="application.withdrawn", target_id=str(application.pk)
    ).exists()


def test_application_the_partner_acted_on_cannot_be_withdrawn(personas, opening):
    application = f.ApplicationFactory(
        student=personas.student_a, opportunity=opening, status=Application.Status.INTERVIEW
    )
    with pytest.raises(ApplicationRefused, match="interview"):
        withdraw_application(application=application, actor=personas.student_a_user)


def test_another_student_cannot_withdraw_my_application(personas, opening):
    application = apply(personas, opening)
    with pytest.raises(PermissionDenied):
        withdraw_application(application=application, actor=personas.student_b_user)


def test_distance_rule_refuses_a_far_worksite_without_transportation(personas):
    worksite = f.WorksiteFactory(partner=personas.partner_p, latitude=39.5, longitude=-77.18)
    opportunity = f.OpportunityFactory(partner=personas.partner_p, worksite=worksite)
    student = personas.student_a
    student.transportation = Transportation.NONE
    student.home_latitude, student.home_longitude = 38.78, -77.18
    student.max_travel_miles = 10
    student.save()
    with pytest.raises(ApplicationRefused, match="miles from home"):
        apply(personas, opportunity)


def test_ended_opportunity_is_refused(personas):
    old = f.OpportunityFactory(
        partner=personas.partner_p, start_date=dt.date(2020, 1, 3), end_date=dt.date(2020, 5, 29)
    )
    with pytest.raises(ApplicationRefused, match="ended"):
        apply(personas, old)


# --- The partner's decisions --------------------------------------------------------------------------------


@pytest.fixture
def application(personas):
    return f.ApplicationFactory(student=personas.student_b, opportunity=personas.opportunity_p)


def test_accepting_proposes_a_placement_through_the_lifecycle(personas, application):
    placement = accept_application(application=application, actor=personas.partner_admin_p)
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED and application.decided_at
    assert placement.status == Placement.Status.PROPOSED
    assert placement.application == application and placement.mentor == personas.mentor_p_record
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"application.accepted", "placement.proposed"} <= actions
    # The student's coordinator hears about the proposed placement; the student about the decision.
    assert Notification.objects.filter(
        user=personas.coordinator_b, verb="placement.proposed"
    ).exists()
    assert Notification.objects.filter(
        user=personas.student_b_user, verb="application.accepted"
    ).exists()


def test_accepting_without_a_free_seat_is_refused_and_nothing_changes(personas, application):
    f.PlacementFactory(opportunity=personas.opportunity_p)  # 2 of 2 seats now taken
    with pytest.raises(PlacementRefused, match="no seats left"):
        accept_application(application=application, actor=personas.partner_admin_p)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert not AuditEvent.objects.filter(action="application.accepted").exists()


def test_other_partners_and_mentors_cannot_decide(personas, application):
    for actor in (partner_admin_q(personas), personas.mentor_p, personas.coordinator_a):
        with pytest.raises(PermissionDenied):
            accept_application(application=application, actor=actor)
        with pytest.raises(PermissionDenied):
            decline_application(application=application, actor=actor)


def test_decline_keeps_the_note_for_the_school_and_tells_the_student_kindly(personas, application):
    decline_application(
        application=application, actor=personas.partner_admin_p, note="Schedule clash"
    )
    application.refresh_from_db()
    assert application.status == Application.Status.DECLINED
    assert application.partner_note == "Schedule clash"
    note = Notification.objects.get(user=personas.student_b_user)
    assert "Schedule clash" not in note.text
    with pytest.raises(ApplicationRefused, match="already declined"):
        accept_application(application=application, actor=personas.partner_admin_p)


def test_ranking_moves_a_submitted_application_to_interview_and_can_be_cleared(
    personas, application
):
    rank_application(application=application, actor=personas.partner_admin_p, rank=2)
    application.refresh_from_db()
    assert application.interview_rank == 2
    assert application.status == Application.Status.INTERVIEW
    rank_application(application=application, actor=personas.partner_admin_p, rank=None)
    application.refresh_from_db()
    assert application.interview_rank is None
    assert AuditEvent.objects.filter(action="application.ranked").count() == 2
    with pytest.raises(ApplicationRefused):
        rank_application(application=application, actor=personas.partner_admin_p, rank=0)


def test_department_admin_accepts_for_a_district_department(personas):
    admin = department_admin(personas)
    staff_mentor = f.MentorFactory(partner=personas.department)
    opportunity = f.OpportunityFactory(
        partner=personas.department, mentor=staff_mentor, title="Help desk"
    )
    application = f.ApplicationFactory(student=personas.student_a, opportunity=opportunity)
    placement = accept_application(application=application, actor=admin)
    assert placement.opportunity.partner.is_district_department
    assert placement.mentor == staff_mentor
    assert reverse("placements:detail", args=[placement.pk])
