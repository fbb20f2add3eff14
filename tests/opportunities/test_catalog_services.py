"""The catalog workflow: draft → pending → published → closed, a return to draft, seats."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from tests import factories as f
from tests.partners.portal_support import draft, partner_admin_q
from trellis.core.models import AuditEvent, Notification
from trellis.opportunities.models import IllegalStatusChange, Opportunity
from trellis.opportunities.services import (
    OpportunityRefused,
    approve_opportunity,
    change_seats,
    close_opportunity,
    create_opportunity,
    last_return_comment,
    return_opportunity,
    reviewers_for,
    submission_problems,
    submit_opportunity,
    update_opportunity,
)
from trellis.placements.models import Placement

Status = Opportunity.Status


def audit_actions(opportunity):
    return list(
        AuditEvent.objects.filter(
            target_type="opportunities.opportunity", target_id=str(opportunity.pk)
        )
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- The model's one transition method ---------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (Status.DRAFT, Status.PENDING),
        (Status.PENDING, Status.PUBLISHED),
        (Status.PENDING, Status.DRAFT),
        (Status.PUBLISHED, Status.CLOSED),
    ],
)
def test_transition_to_allows_the_workflow_moves(db, start, end):
    opportunity = Opportunity(status=start)
    opportunity.transition_to(end)
    assert opportunity.status == end


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (Status.DRAFT, Status.PUBLISHED),
        (Status.DRAFT, Status.CLOSED),
        (Status.PUBLISHED, Status.DRAFT),
        (Status.CLOSED, Status.PUBLISHED),
        (Status.CLOSED, Status.DRAFT),
    ],
)
def test_transition_to_refuses_illegal_moves(db, start, end):
    opportunity = Opportunity(status=start)
    with pytest.raises(IllegalStatusChange):
        opportunity.transition_to(end)
    assert opportunity.status == start


# --- Partner side ---------------------------------------------------------------------------


def test_partner_admin_creates_a_draft_in_the_partners_district(personas):
    worksite = f.WorksiteFactory(partner=personas.partner_p)
    opportunity = create_opportunity(
        partner=personas.partner_p,
        actor=personas.partner_admin_p,
        fields={
            "title": "Lab aide",
            "kind": "internship",
            "cluster": f.cluster("healthcare-human-services"),
            "worksite": worksite,
            "mentor": personas.mentor_p_record,
            "seats": 2,
            "start_date": dt.date(2027, 2, 1),
            "end_date": dt.date(2027, 5, 1),
            "weekdays": 0b00101,
            "start_time": dt.time(13),
            "end_time": dt.time(16),
        },
    )
    assert opportunity.status == Status.DRAFT
    assert opportunity.district == personas.district
    assert audit_actions(opportunity) == ["opportunity.created"]


def test_create_refuses_another_partners_worksite_or_mentor(personas):
    other_site = f.WorksiteFactory(partner=personas.partner_q)
    fields = {
        "title": "Lab aide",
        "kind": "internship",
        "cluster": f.cluster("healthcare-human-services"),
        "start_date": dt.date(2027, 2, 1),
        "end_date": dt.date(2027, 5, 1),
    }
    with pytest.raises(OpportunityRefused, match="worksite belongs to another partner"):
        create_opportunity(
            partner=personas.partner_p,
            actor=personas.partner_admin_p,
            fields={**fields, "worksite": other_site},
        )
    with pytest.raises(OpportunityRefused, match="mentor belongs to another partner"):
        create_opportunity(
            partner=personas.partner_p,
            actor=personas.partner_admin_p,
            fields={**fields, "mentor": personas.mentor_q_record},
        )


def test_create_refuses_status_or_partner_smuggled_in_fields(personas):
    with pytest.raises(OpportunityRefused, match="Unknown fields"):
        create_opportunity(
            partner=personas.partner_p,
            actor=personas.partner_admin_p,
            fields={"title": "X", "status": Status.PUBLISHED},
        )


def test_only_the_partners_admin_creates_or_edits(personas):
    with pytest.raises(PermissionDenied):
        create_opportunity(
            partner=personas.partner_q, actor=personas.partner_admin_p, fields={"title": "X"}
        )
    opportunity = draft(personas)
    for actor in (partner_admin_q(personas), personas.mentor_p, personas.coordinator_district):
        with pytest.raises(PermissionDenied):
            update_opportunity(opportunity=opportunity, actor=actor, fields={"title": "Y"})


def test_editing_a_draft_is_audited_with_the_changed_fields(personas):
    opportunity = draft(personas)
    update_opportunity(
        opportunity=opportunity,
        actor=personas.partner_admin_p,
        fields={"title": "Front desk lead", "seats": 4, "kind": opportunity.kind},
    )
    opportunity.refresh_from_db()
    assert opportunity.title == "Front desk lead" and opportunity.seats == 4
    event = AuditEvent.objects.get(action="opportunity.updated")
    assert sorted(event.data["fields"]) == ["seats", "title"]


def test_published_opportunities_are_not_edited_as_drafts(personas):
    with pytest.raises(OpportunityRefused, match="Only drafts"):
        update_opportunity(
            opportunity=personas.opportunity_p,
            actor=personas.partner_admin_p,
            fields={"title": "Renamed"},
        )


def test_submit_moves_a_draft_to_pending_and_tells_the_reviewers(
    personas, django_capture_on_commit_callbacks
):
    opportunity = draft(personas)
    with django_capture_on_commit_callbacks(execute=True):
        submit_opportunity(opportunity=opportunity, actor=personas.partner_admin_p)
    opportunity.refresh_from_db()
    assert opportunity.status == Status.PENDING
    assert audit_actions(opportunity) == ["opportunity.submitted"]
    told = set(
        Notification.objects.filter(verb="opportunity.submitted").values_list("user", flat=True)
    )
    assert told == {personas.district_admin.pk, personas.coordinator_district.pk}
    assert {to for m in mail.outbox for to in m.to} == {
        personas.district_admin.email,
        personas.coordinator_district.email,
    }


def test_reviewers_fall_back_to_school_coordinators_without_district_wide_staff(personas):
    personas.district_admin.memberships.all().delete()
    personas.coordinator_district.memberships.all().delete()
    assert set(reviewers_for(personas.district.pk)) == {
        personas.coordinator_a,
        personas.coordinator_b,
    }


def test_submit_refuses_an_incomplete_draft_and_says_what_is_missing(personas):
    opportunity = draft(personas, start_time=None, weekdays=0)
    opportunity.worksite = None
    opportunity.save()
    with pytest.raises(OpportunityRefused) as caught:
        submit_opportunity(opportunity=opportunity, actor=personas.partner_admin_p)
    text = " ".join(caught.value.messages)
    assert "weekdays" in text and "start and end times" in text and "worksite" in text
    opportunity.refresh_from_db()
    assert opportunity.status == Status.DRAFT


def test_submission_problems_of_a_block_schedule_need_target_hours(personas):
    opportunity = draft(personas, schedule_kind=Opportunity.ScheduleKind.BLOCK, target_hours=None)
    assert "target number of hours" in " ".join(submission_problems(opportunity))


def test_submitting_twice_is_refused(personas):
    opportunity = draft(personas)
    submit_opportunity(opportunity=opportunity, actor=personas.partner_admin_p)
    with pytest.raises(OpportunityRefused, match="cannot become"):
        submit_opportunity(opportunity=opportunity, actor=personas.partner_admin_p)


# --- Coordinator side ------------------------------------------------------------------------


def pending(personas):
    opportunity = draft(personas)
    submit_opportunity(opportunity=opportunity, actor=personas.partner_admin_p)
    return opportunity


def test_coordinator_approves_and_the_partner_admin_is_told(
    personas, django_capture_on_commit_callbacks
):
    opportunity = pending(personas)
    with django_capture_on_commit_callbacks(execute=True):
        approve_opportunity(opportunity=opportunity, actor=personas.coordinator_a)
    opportunity.refresh_from_db()
    assert opportunity.status == Status.PUBLISHED
    assert audit_actions(opportunity)[-1] == "opportunity.approved"
    note = Notification.objects.get(verb="opportunity.approved")
    assert note.user == personas.partner_admin_p
    assert any(personas.partner_admin_p.email in m.to for m in mail.outbox)


def test_mentors_partner_admins_and_other_districts_cannot_approve(personas):
    opportunity = pending(personas)
    for actor in (
        personas.mentor_p,
        personas.partner_admin_p,
        personas.other_coordinator,
        personas.counselor_a,
    ):
        with pytest.raises(PermissionDenied):
            approve_opportunity(opportunity=opportunity, actor=actor)
    opportunity.refresh_from_db()
    assert opportunity.status == Status.PENDING


def test_approving_a_draft_is_refused(personas):
    with pytest.raises(OpportunityRefused):
        approve_opportunity(opportunity=draft(personas), actor=personas.coordinator_district)


def test_return_sends_a_pending_opportunity_back_with_the_comment(personas):
    opportunity = pending(personas)
    return_opportunity(
        opportunity=opportunity, actor=personas.coordinator_district, comment="Add the dress code."
    )
    opportunity.refresh_from_db()
    assert opportunity.status == Status.DRAFT
    event = last_return_comment(opportunity)
    assert (
        event.data["comment"] == "Add the dress code."
        and event.actor == personas.coordinator_district
    )
    note = Notification.objects.get(verb="opportunity.returned")
    assert note.user == personas.partner_admin_p and "dress code" in note.text


def test_return_needs_a_comment(personas):
    opportunity = pending(personas)
    with pytest.raises(OpportunityRefused, match="should change"):
        return_opportunity(
            opportunity=opportunity, actor=personas.coordinator_district, comment="  "
        )


def test_partner_closes_a_published_opportunity_and_coordinators_are_told(personas):
    close_opportunity(opportunity=personas.opportunity_p, actor=personas.partner_admin_p)
    personas.opportunity_p.refresh_from_db()
    assert personas.opportunity_p.status == Status.CLOSED
    assert Notification.objects.filter(
        verb="opportunity.closed", user=personas.coordinator_district
    ).exists()
    assert audit_actions(personas.opportunity_p) == ["opportunity.closed"]


def test_closing_refuses_drafts_and_other_partners(personas):
    with pytest.raises(OpportunityRefused):
        close_opportunity(opportunity=draft(personas), actor=personas.partner_admin_p)
    with pytest.raises(PermissionDenied):
        close_opportunity(opportunity=personas.opportunity_q, actor=personas.partner_admin_p)


# --- Seats -----------------------------------------------------------------------------------


def test_seats_cannot_go_below_open_placements(personas):
    opportunity = personas.opportunity_p  # placement A is active there
    f.PlacementFactory(opportunity=opportunity, status=Placement.Status.PROPOSED)
    f.PlacementFactory(
        opportunity=opportunity,
        status=Placement.Status.WITHDRAWN,
        withdrawal_initiator="school",
        withdrawal_reason="other",
    )
    with pytest.raises(OpportunityRefused, match="below the 2 students"):
        change_seats(opportunity=opportunity, actor=personas.partner_admin_p, seats=1)
    change_seats(opportunity=opportunity, actor=personas.partner_admin_p, seats=2)
    change_seats(opportunity=opportunity, actor=personas.partner_admin_p, seats=5)
    opportunity.refresh_from_db()
    assert opportunity.seats == 5
    event = AuditEvent.objects.get(action="opportunity.seats_changed")
    assert event.data == {"from": 2, "to": 5}


def test_seats_are_changed_only_by_the_partner_or_coordinators(personas):
    with pytest.raises(PermissionDenied):
        change_seats(opportunity=personas.opportunity_q, actor=personas.partner_admin_p, seats=9)
    with pytest.raises(PermissionDenied):
        change_seats(opportunity=personas.opportunity_p, actor=personas.mentor_p, seats=9)
    change_seats(opportunity=personas.opportunity_q, actor=personas.coordinator_district, seats=9)
