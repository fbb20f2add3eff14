"""Lifecycle services: each happy path, each refusal, the audit event, who is told."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from tests import factories as f
from tests.placements.lifecycle_support import (
    ADULT_BIRTH_DATE,
    confirmed_placement,
    proposed_placement,
    sign_everything,
)
from trellis.core.models import AuditEvent, Notification
from trellis.hours.models import Session
from trellis.opportunities.models import Opportunity
from trellis.placements import capacity, services
from trellis.placements.models import Agreement, Concern, IllegalTransition, Outcome, Placement


def audit(action, target):
    return AuditEvent.objects.filter(action=action, target_id=str(target.pk))


# --- create_placement -------------------------------------------------------------------


def test_create_placement_proposes_with_opportunity_mentor_and_dates(personas):
    opportunity = f.OpportunityFactory(
        partner=personas.partner_p, mentor=personas.mentor_p_record, seats=1
    )
    placement = services.create_placement(
        student=personas.student_a, opportunity=opportunity, actor=personas.coordinator_a
    )
    assert placement.status == Placement.Status.PROPOSED
    assert placement.mentor == personas.mentor_p_record
    assert (placement.start_date, placement.end_date) == (
        opportunity.start_date,
        opportunity.end_date,
    )
    assert audit("placement.proposed", placement).get().actor == personas.coordinator_a


def test_create_placement_tells_student_mentor_partner_admin_and_other_coordinators(personas):
    opportunity = f.OpportunityFactory(partner=personas.partner_p, mentor=personas.mentor_p_record)
    placement = services.create_placement(
        student=personas.student_a, opportunity=opportunity, actor=personas.coordinator_a
    )
    told = set(
        Notification.objects.filter(verb="placement.proposed").values_list(
            "user__username", flat=True
        )
    )
    assert {
        "student_a",
        "mentor_p",
        "partner_admin_p",
        "guardian_a",
        "coordinator_district",
    } <= told
    assert "coordinator_a" not in told  # the actor
    assert "coordinator_b" not in told  # another school
    assert placement.pk


def test_create_placement_refused_when_no_seats_left(personas):
    opportunity = f.OpportunityFactory(partner=personas.partner_p, seats=1)
    f.PlacementFactory(
        opportunity=opportunity, student=personas.student_b, status=Placement.Status.CONFIRMED
    )
    with pytest.raises(services.PlacementRefused, match="no seats left"):
        services.create_placement(
            student=personas.student_a, opportunity=opportunity, actor=personas.coordinator_district
        )
    assert not audit("placement.proposed", opportunity).exists()


def test_withdrawn_placements_do_not_count_against_seats(personas):
    opportunity = f.OpportunityFactory(partner=personas.partner_p, seats=1)
    f.PlacementFactory(
        opportunity=opportunity,
        student=personas.student_b,
        status=Placement.Status.WITHDRAWN,
        withdrawal_initiator="school",
        withdrawal_reason="other",
    )
    assert capacity.seats_left(opportunity) == 1
    services.create_placement(
        student=personas.student_a, opportunity=opportunity, actor=personas.coordinator_a
    )
    assert capacity.seats_left(opportunity) == 0


def test_create_placement_refuses_duplicate_open_placement(personas):
    with pytest.raises(services.PlacementRefused, match="already has an open placement"):
        services.create_placement(
            student=personas.student_a,
            opportunity=personas.opportunity_p,
            actor=personas.coordinator_a,
        )


def test_create_placement_refuses_ineligible_student(personas):
    opportunity = f.OpportunityFactory(partner=personas.partner_p, min_grade=12, min_age=18)
    young = f.StudentFactory(school=personas.school_a, grade=10, birth_date=dt.date(2011, 1, 1))
    with pytest.raises(services.PlacementRefused, match="grade 12 and up"):
        services.create_placement(
            student=young, opportunity=opportunity, actor=personas.coordinator_a
        )


def test_create_placement_refuses_unpublished_opportunity(personas):
    opportunity = f.OpportunityFactory(partner=personas.partner_p, status=Opportunity.Status.DRAFT)
    with pytest.raises(services.PlacementRefused, match="not open"):
        services.create_placement(
            student=personas.student_a, opportunity=opportunity, actor=personas.coordinator_a
        )


def test_create_placement_refuses_another_districts_opportunity(personas):
    opportunity = personas.other_placement.opportunity
    with pytest.raises(services.PlacementRefused, match="another district"):
        services.create_placement(
            student=personas.student_a, opportunity=opportunity, actor=personas.coordinator_a
        )


def test_create_placement_refuses_application_of_someone_else(personas):
    opportunity = f.OpportunityFactory(partner=personas.partner_p)
    application = f.ApplicationFactory(student=personas.student_b, opportunity=opportunity)
    with pytest.raises(services.PlacementRefused, match="another student"):
        services.create_placement(
            student=personas.student_a,
            opportunity=opportunity,
            actor=personas.coordinator_district,
            application=application,
        )


@pytest.mark.parametrize(
    "who",
    [
        "coordinator_b",
        "student_a_user",
        "mentor_p",
        "partner_admin_p",
        "counselor_a",
        "other_coordinator",
    ],
)
def test_only_the_students_coordinator_can_propose(personas, who):
    opportunity = f.OpportunityFactory(partner=personas.partner_p)
    with pytest.raises(PermissionDenied):
        services.create_placement(
            student=personas.student_a, opportunity=opportunity, actor=getattr(personas, who)
        )


# --- confirm_placement ------------------------------------------------------------------


def test_confirm_creates_agreements_for_a_minor_with_guardian_signers(personas):
    placement = confirmed_placement(personas)
    assert placement.status == Placement.Status.CONFIRMED and placement.confirmed_at
    signers = {a.kind: a.required_signers for a in placement.agreements.all()}
    assert signers == {
        "training_agreement": ["student", "guardian", "mentor", "coordinator"],
        "training_plan": ["student", "mentor", "coordinator"],
        "parental_consent": ["guardian"],
    }
    event = audit("placement.confirmed", placement).get()
    assert set(event.data["agreements"]) == set(signers)


def test_confirm_for_an_adult_student_needs_no_guardian(personas):
    personas.student_a.birth_date = ADULT_BIRTH_DATE
    personas.student_a.save()
    placement = confirmed_placement(personas)
    signers = {a.kind: a.required_signers for a in placement.agreements.all()}
    assert signers["parental_consent"] == ["student"]
    assert "guardian" not in signers["training_agreement"]


def test_confirm_adds_student_learner_agreement_for_a_minor_in_hazardous_work(personas):
    opportunity = f.OpportunityFactory(
        partner=personas.partner_p,
        mentor=personas.mentor_p_record,
        is_hazardous=True,
        hazardous_orders="HO5",
    )
    placement = confirmed_placement(personas, opportunity=opportunity)
    learner = placement.agreements.get(kind=Agreement.Kind.STUDENT_LEARNER)
    assert "HO5" in learner.body
    sign_everything(personas, placement)
    placement.refresh_from_db()
    assert placement.student_learner_agreement_on_file


def test_confirm_renders_placement_details_into_the_text(personas):
    placement = confirmed_placement(personas)
    body = placement.agreements.get(kind="training_agreement").body
    assert "Ava Alder" in body and "Pine Health Clinic" in body and "Morgan Persona" in body
    assert "${" not in body


def test_confirm_emails_each_guardian_a_link_per_document_after_commit(
    personas, django_capture_on_commit_callbacks
):
    f.GuardianLinkFactory(
        student=personas.student_a, name="Second Guardian", email="second@example.org"
    )
    f.GuardianLinkFactory(
        student=personas.student_a,
        name="No Signing",
        email="nosign@example.org",
        can_sign_consent=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        confirmed_placement(personas)
    guardian_mail = [m for m in mail.outbox if "please sign for" in m.subject]
    assert sorted(m.to[0] for m in guardian_mail) == sorted(
        [personas.student_a.guardian_links.get(name="Gail Alder").email, "second@example.org"]
    )
    assert all(m.body.count("/lifecycle/sign/") == 2 for m in guardian_mail)  # agreement + consent


def test_confirm_requests_signatures_in_the_app(personas):
    placement = confirmed_placement(personas)
    asked = set(
        Notification.objects.filter(verb="signature.requested").values_list(
            "user__username", flat=True
        )
    )
    assert {"student_a", "mentor_p", "coordinator_a", "guardian_a"} <= asked
    assert placement.pk


def test_confirm_refuses_an_active_placement(personas):
    with pytest.raises(IllegalTransition):
        services.confirm_placement(personas.placement_a, actor=personas.coordinator_a)


@pytest.mark.parametrize(
    "who", ["student_a_user", "mentor_p", "partner_admin_p", "guardian_a", "coordinator_b"]
)
def test_only_a_coordinator_in_scope_can_confirm(personas, who):
    placement = proposed_placement(personas)
    with pytest.raises(PermissionDenied):
        services.confirm_placement(placement, actor=getattr(personas, who))
    placement.refresh_from_db()
    assert placement.status == Placement.Status.PROPOSED and not placement.agreements.exists()


# --- activate, complete -------------------------------------------------------------------


def test_activate_refused_listing_each_missing_signature(personas):
    placement = confirmed_placement(personas)
    sign_everything(
        personas, placement, skip={("parental_consent", "guardian"), ("training_plan", "mentor")}
    )
    with pytest.raises(services.MissingSignatures) as refused:
        services.activate_placement(placement, actor=personas.coordinator_a)
    listed = {(m.agreement.kind, m.role) for m in refused.value.missing}
    assert listed == {("parental_consent", "guardian"), ("training_plan", "mentor")}
    assert "Parental consent: parent or guardian (Gail Alder)" in str(refused.value)
    placement.refresh_from_db()
    assert placement.status == Placement.Status.CONFIRMED
    assert not audit("placement.activated", placement).exists()


def test_activate_once_every_signature_is_on_file(personas):
    placement = confirmed_placement(personas)
    sign_everything(personas, placement)
    services.activate_placement(placement, actor=personas.coordinator_a)
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ACTIVE and placement.activated_at
    assert audit("placement.activated", placement).exists()
    assert Notification.objects.filter(
        verb="placement.activated", user=personas.student_a_user
    ).exists()


def test_activate_refuses_a_proposed_placement(personas):
    with pytest.raises(IllegalTransition):
        services.activate_placement(proposed_placement(personas), actor=personas.coordinator_a)


def test_complete_an_active_placement_drops_future_sessions(personas):
    future = f.SessionFactory(placement=personas.placement_a, date=dt.date(2099, 1, 5))
    past = f.SessionFactory(placement=personas.placement_a, date=dt.date(2020, 1, 6))
    services.complete_placement(personas.placement_a, actor=personas.coordinator_a)
    personas.placement_a.refresh_from_db()
    assert personas.placement_a.status == Placement.Status.COMPLETED
    assert list(Session.objects.filter(pk__in=[future.pk, past.pk])) == [past]
    assert audit("placement.completed", personas.placement_a).exists()


def test_complete_refuses_a_confirmed_placement(personas):
    with pytest.raises(IllegalTransition):
        services.complete_placement(confirmed_placement(personas), actor=personas.coordinator_a)


# --- withdraw and re-place ---------------------------------------------------------------


def test_withdraw_records_who_why_notes_and_reopens_the_seat(personas):
    opportunity = personas.opportunity_p
    before = capacity.seats_left(opportunity)
    services.withdraw_placement(
        personas.placement_a,
        actor=personas.coordinator_a,
        initiator="student",
        reason="schedule",
        note="Sports season clash.",
        partner_note="Clinic was great; happy to host next term.",
    )
    p = Placement.objects.get(pk=personas.placement_a.pk)
    assert p.status == Placement.Status.WITHDRAWN and p.withdrawn_by == personas.coordinator_a
    assert (p.withdrawal_initiator, p.withdrawal_reason) == ("student", "schedule")
    assert p.withdrawal_note == "Sports season clash."
    assert p.partner_relationship_note.startswith("Clinic was great")
    assert p.partner_in_good_standing is True
    assert capacity.seats_left(opportunity) == before + 1
    event = audit("placement.withdrawn", p).get()
    assert event.data == {
        "initiator": "student",
        "reason": "schedule",
        "partner_in_good_standing": True,
    }


def test_withdraw_notification_keeps_the_reason_private(personas):
    services.withdraw_placement(
        personas.placement_a,
        actor=personas.coordinator_a,
        initiator="school",
        reason="conduct",
        note="Details",
    )
    note = Notification.objects.get(verb="placement.withdrawn", user=personas.mentor_p)
    assert "onduct" not in note.text and "Details" not in note.text


def test_withdraw_can_record_a_partner_not_in_good_standing(personas):
    services.withdraw_placement(
        personas.placement_a,
        actor=personas.coordinator_a,
        initiator="partner",
        reason="partner_capacity",
        partner_in_good_standing=False,
    )
    personas.placement_a.refresh_from_db()
    assert personas.placement_a.partner_in_good_standing is False


def test_withdraw_refuses_unknown_initiator_or_reason(personas):
    with pytest.raises(services.PlacementRefused):
        services.withdraw_placement(
            personas.placement_a, actor=personas.coordinator_a, initiator="mentor", reason="other"
        )
    with pytest.raises(services.PlacementRefused):
        services.withdraw_placement(
            personas.placement_a, actor=personas.coordinator_a, initiator="school", reason=""
        )


def test_withdraw_refuses_a_completed_placement(personas):
    services.complete_placement(personas.placement_a, actor=personas.coordinator_a)
    with pytest.raises(IllegalTransition):
        services.withdraw_placement(
            personas.placement_a, actor=personas.coordinator_a, initiator="school", reason="other"
        )


def test_student_cannot_withdraw(personas):
    with pytest.raises(PermissionDenied):
        services.withdraw_placement(
            personas.placement_a, actor=personas.student_a_user, initiator="student", reason="other"
        )


def _withdrawn(personas):
    return services.withdraw_placement(
        personas.placement_a, actor=personas.coordinator_a, initiator="school", reason="not_a_fit"
    )


def test_replacement_options_are_open_eligible_opportunities_with_seats(personas):
    withdrawn = _withdrawn(personas)
    good = f.OpportunityFactory(partner=personas.partner_q, title="Good fit")
    interest = f.OpportunityFactory(
        partner=personas.department,
        title="Interest fit",
        cluster=f.cluster("healthcare-human-services"),
    )
    f.StudentInterestFactory(
        student=personas.student_a, cluster=f.cluster("healthcare-human-services")
    )
    full = f.OpportunityFactory(partner=personas.partner_q, seats=1, title="Full")
    f.PlacementFactory(opportunity=full, student=personas.student_b)
    f.OpportunityFactory(
        partner=personas.partner_q, min_grade=13 - 1, title="Grade ok"
    )  # grade 12 student: ok
    f.OpportunityFactory(partner=personas.partner_q, min_age=19, title="Too young")
    f.OpportunityFactory(
        partner=personas.partner_q, status=Opportunity.Status.CLOSED, title="Closed"
    )
    f.OpportunityFactory(
        partner=personas.partner_q,
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2020, 6, 1),
        title="Over",
    )
    titles = [
        o.title
        for o in services.replacement_options(personas.student_a, exclude=[withdrawn.opportunity])
    ]
    assert titles[0] == "Interest fit"
    assert {"Good fit", "Grade ok", "Junior developer"} <= set(titles)
    assert not {"Full", "Too young", "Closed", "Over", "Clinic front desk"} & set(titles)
    assert interest and good


def test_replace_student_proposes_a_new_placement_and_audits_the_link(personas):
    withdrawn = _withdrawn(personas)
    new = services.replace_student(
        withdrawn_placement=withdrawn,
        opportunity=personas.opportunity_q,
        actor=personas.coordinator_a,
    )
    assert new.status == Placement.Status.PROPOSED and new.student == personas.student_a
    assert audit("placement.replaced", new).get().data == {"from": withdrawn.pk, "to": new.pk}


def test_replace_student_refuses_an_open_placement(personas):
    with pytest.raises(services.PlacementRefused, match="withdrawn"):
        services.replace_student(
            withdrawn_placement=personas.placement_a,
            opportunity=personas.opportunity_q,
            actor=personas.coordinator_a,
        )


def test_replace_student_refuses_an_ineligible_opportunity(personas):
    withdrawn = _withdrawn(personas)
    too_old = f.OpportunityFactory(partner=personas.partner_q, min_age=21)
    with pytest.raises(services.PlacementRefused, match="aged 21"):
        services.replace_student(
            withdrawn_placement=withdrawn, opportunity=too_old, actor=personas.coordinator_a
        )


def test_replace_student_refused_to_another_schools_coordinator(personas):
    withdrawn = _withdrawn(personas)
    with pytest.raises(PermissionDenied):
        services.replace_student(
            withdrawn_placement=withdrawn,
            opportunity=personas.opportunity_q,
            actor=personas.coordinator_b,
        )


# --- outcomes and concerns ------------------------------------------------------------------


def test_record_outcome_of_a_hire(personas):
    outcome = services.record_outcome(
        student=personas.student_a,
        partner=personas.partner_p,
        kind="hired",
        date=dt.date(2027, 7, 1),
        actor=personas.coordinator_a,
        placement=personas.placement_a,
        job_title="Medical receptionist",
    )
    assert (
        outcome.recorded_by == personas.coordinator_a and outcome.placement == personas.placement_a
    )
    assert audit("outcome.recorded", outcome).get().data["kind"] == "hired"


def test_record_outcome_refuses_a_placement_with_another_partner(personas):
    with pytest.raises(services.PlacementRefused, match="not this student's placement"):
        services.record_outcome(
            student=personas.student_a,
            partner=personas.partner_q,
            kind="job_offer",
            date=dt.date(2027, 5, 1),
            actor=personas.coordinator_a,
            placement=personas.placement_a,
        )


def test_record_outcome_refuses_another_districts_partner_and_unknown_kind(personas):
    other_partner = personas.other_placement.opportunity.partner
    with pytest.raises(services.PlacementRefused):
        services.record_outcome(
            student=personas.student_a,
            partner=other_partner,
            kind="hired",
            date=dt.date(2027, 5, 1),
            actor=personas.coordinator_a,
        )
    with pytest.raises(services.PlacementRefused):
        services.record_outcome(
            student=personas.student_a,
            partner=personas.partner_p,
            kind="promoted",
            date=dt.date(2027, 5, 1),
            actor=personas.coordinator_a,
        )
    assert not Outcome.objects.exists()


def test_record_outcome_refused_to_mentor(personas):
    with pytest.raises(PermissionDenied):
        services.record_outcome(
            student=personas.student_a,
            partner=personas.partner_p,
            kind="job_offer",
            date=dt.date(2027, 5, 1),
            actor=personas.mentor_p,
        )


def test_raise_concern_reaches_school_and_district_coordinators_at_once(
    personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        concern = services.raise_concern(
            placement=personas.placement_a,
            actor=personas.mentor_p,
            text="Missed two sessions without notice.",
        )
    told = set(
        Notification.objects.filter(verb="concern.raised").values_list("user__username", flat=True)
    )
    assert told == {"coordinator_a", "coordinator_district"}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "coordinator_a@example.org",
        "coordinator_district@example.org",
    ]
    assert "Missed two sessions" not in mail.outbox[0].body  # the text stays behind the sign-in
    assert audit("concern.raised", personas.placement_a).get().data == {"concern": concern.pk}
    assert Concern.objects.get().raised_by == personas.mentor_p


def test_raise_concern_refused_to_a_mentor_of_another_partner(personas):
    with pytest.raises(PermissionDenied):
        services.raise_concern(
            placement=personas.placement_a, actor=personas.mentor_q, text="Not mine"
        )


def test_raise_concern_refuses_empty_text(personas):
    with pytest.raises(services.PlacementRefused):
        services.raise_concern(placement=personas.placement_a, actor=personas.mentor_p, text="   ")


def test_a_refused_service_notifies_nobody(personas, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(services.MissingSignatures),
    ):
        services.activate_placement(confirmed_placement(personas), actor=personas.coordinator_a)
    assert not Notification.objects.filter(verb="placement.activated").exists()
