"""Assigning or changing a placement's mentor: the service's rules, the page's form, who may."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests import factories as f
from tests.conftest import member
from tests.placements.lifecycle_support import confirmed_placement, proposed_placement
from trellis.accounts.models import Role
from trellis.core.models import AuditEvent, Notification
from trellis.placements import services
from trellis.placements.agreements import missing_signatures, sign_agreement
from trellis.placements.models import Placement, Signature, SignerRole


@pytest.fixture
def second_mentor_p(personas):
    """Another mentor at partner P, who can take over from mentor P."""
    user = member(
        Role.MENTOR,
        personas.district,
        partner=personas.partner_p,
        username="mentor_p2",
        first="Riley",
        last="Rowan",
    )
    return f.MentorFactory(partner=personas.partner_p, user=user, title="Charge nurse")


def unmentored(personas, **kwargs):
    """A proposed placement of student A at partner P with no mentor named yet."""
    return f.PlacementFactory(
        student=personas.student_a,
        opportunity=f.OpportunityFactory(partner=personas.partner_p, title="Clinic lab aide"),
        mentor=None,
        status=Placement.Status.PROPOSED,
        **kwargs,
    )


def audit(placement):
    return AuditEvent.objects.filter(
        action="placement.mentor_assigned", target_id=str(placement.pk)
    )


# --- The service ---------------------------------------------------------------------------


def test_assign_mentor_names_the_mentor_audits_and_tells_them(personas):
    placement = unmentored(personas)
    services.assign_mentor(
        placement=placement, mentor=personas.mentor_p_record, actor=personas.coordinator_a
    )
    placement.refresh_from_db()
    assert placement.mentor == personas.mentor_p_record
    event = audit(placement).get()
    assert event.actor == personas.coordinator_a
    assert event.data == {
        "mentor": personas.mentor_p_record.pk,
        "previous_mentor": None,
        "voided_signatures": [],
    }
    told = Notification.objects.get(verb="placement.mentor_assigned")
    assert told.user == personas.mentor_p
    assert told.url == reverse("mentor:intern", args=[placement.pk])


def test_changing_the_mentor_records_the_previous_one(personas, second_mentor_p):
    placement = proposed_placement(personas)
    services.assign_mentor(
        placement=placement, mentor=second_mentor_p, actor=personas.coordinator_district
    )
    placement.refresh_from_db()
    assert placement.mentor == second_mentor_p
    assert audit(placement).get().data["previous_mentor"] == personas.mentor_p_record.pk
    assert not Notification.objects.filter(
        verb="placement.mentor_assigned", user=personas.mentor_p
    ).exists()


def test_mentor_named_on_a_confirmed_placement_is_asked_to_sign_and_unblocks_activation(personas):
    placement = services.confirm_placement(unmentored(personas), actor=personas.coordinator_a)
    assert "no mentor assigned yet" in {m.who for m in missing_signatures(placement)}
    services.assign_mentor(
        placement=placement, mentor=personas.mentor_p_record, actor=personas.coordinator_a
    )
    told = Notification.objects.get(verb="placement.mentor_assigned")
    assert told.url == reverse("lifecycle:placement", args=[placement.pk])
    placement = Placement.objects.get(pk=placement.pk)
    assert "no mentor assigned yet" not in {m.who for m in missing_signatures(placement)}
    assert str(personas.mentor_p) in {m.who for m in missing_signatures(placement)}


def test_previous_mentors_signature_no_longer_counts_after_a_change(personas, second_mentor_p):
    placement = confirmed_placement(personas)
    signed = next(a for a in placement.agreements.all() if SignerRole.MENTOR in a.required_signers)
    sign_agreement(
        agreement=signed,
        role=SignerRole.MENTOR,
        typed_name="Morgan Persona",
        actor=personas.mentor_p,
    )
    services.assign_mentor(
        placement=placement, mentor=second_mentor_p, actor=personas.coordinator_a
    )
    assert not Signature.objects.filter(agreement=signed, role=SignerRole.MENTOR).exists()
    voided = audit(placement).get().data["voided_signatures"]
    assert [(v["agreement"], v["typed_name"]) for v in voided] == [(signed.pk, "Morgan Persona")]
    sign_agreement(
        agreement=signed,
        role=SignerRole.MENTOR,
        typed_name="Riley Rowan",
        actor=second_mentor_p.user,
    )
    assert Signature.objects.get(agreement=signed, role=SignerRole.MENTOR).signer == (
        second_mentor_p.user
    )


def test_assign_mentor_refuses_a_mentor_of_another_partner(personas):
    placement = unmentored(personas)
    with pytest.raises(services.PlacementRefused, match="not a mentor at Pine Health Clinic"):
        services.assign_mentor(
            placement=placement, mentor=personas.mentor_q_record, actor=personas.coordinator_a
        )
    placement.refresh_from_db()
    assert placement.mentor is None
    assert not audit(placement).exists()
    assert not Notification.objects.filter(verb="placement.mentor_assigned").exists()


@pytest.mark.parametrize("status", [Placement.Status.WITHDRAWN, Placement.Status.COMPLETED])
def test_assign_mentor_refuses_a_closed_placement(personas, status):
    extra = {"withdrawal_initiator": "school", "withdrawal_reason": "other"}
    placement = unmentored(personas, **(extra if status == Placement.Status.WITHDRAWN else {}))
    Placement.objects.filter(pk=placement.pk).update(status=status)
    with pytest.raises(services.PlacementRefused, match="cannot be changed"):
        services.assign_mentor(
            placement=placement, mentor=personas.mentor_p_record, actor=personas.coordinator_a
        )
    placement.refresh_from_db()
    assert placement.mentor is None
    assert not audit(placement).exists()


def test_assign_mentor_refuses_a_mentor_whose_account_is_closed(personas, second_mentor_p):
    second_mentor_p.user.is_active = False
    second_mentor_p.user.save()
    placement = unmentored(personas)
    with pytest.raises(services.PlacementRefused, match="no longer active"):
        services.assign_mentor(
            placement=placement, mentor=second_mentor_p, actor=personas.coordinator_a
        )


def test_assign_mentor_refuses_the_current_mentor_again(personas):
    placement = proposed_placement(personas)
    with pytest.raises(services.PlacementRefused, match="already"):
        services.assign_mentor(
            placement=placement, mentor=personas.mentor_p_record, actor=personas.coordinator_a
        )
    assert not audit(placement).exists()


@pytest.mark.parametrize("who", ["coordinator_b", "mentor_p", "partner_admin_p", "student_a_user"])
def test_assign_mentor_is_denied_to_anyone_but_the_students_coordinators(personas, who):
    placement = unmentored(personas)
    with pytest.raises(PermissionDenied):
        services.assign_mentor(
            placement=placement, mentor=personas.mentor_p_record, actor=getattr(personas, who)
        )
    assert not audit(placement).exists()


# --- The page ------------------------------------------------------------------------------


def test_placement_page_offers_only_the_partners_mentors(client, personas, second_mentor_p):
    placement = unmentored(personas)
    client.force_login(personas.coordinator_a)
    html = client.get(reverse("lifecycle:placement", args=[placement.pk])).content.decode()
    assert reverse("lifecycle:assign_mentor", args=[placement.pk]) in html
    assert "Riley Rowan (Charge nurse)" in html
    assert str(personas.mentor_p) in html
    assert "Quinn" not in html  # partner Q's mentor


def test_placement_page_has_no_mentor_form_once_withdrawn(client, personas):
    placement = unmentored(personas)
    Placement.objects.filter(pk=placement.pk).update(
        status=Placement.Status.WITHDRAWN, withdrawal_initiator="school", withdrawal_reason="other"
    )
    client.force_login(personas.coordinator_a)
    html = client.get(reverse("lifecycle:placement", args=[placement.pk])).content.decode()
    assert reverse("lifecycle:assign_mentor", args=[placement.pk]) not in html


def test_coordinator_assigns_a_mentor_from_the_placement_page(client, personas):
    placement = unmentored(personas)
    client.force_login(personas.coordinator_a)
    response = client.post(
        reverse("lifecycle:assign_mentor", args=[placement.pk]),
        {"mentor": personas.mentor_p_record.pk},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("lifecycle:placement", args=[placement.pk])
    assert "is now the mentor" in response.content.decode()
    placement.refresh_from_db()
    assert placement.mentor == personas.mentor_p_record


def test_posting_another_partners_mentor_changes_nothing(client, personas):
    placement = unmentored(personas)
    client.force_login(personas.coordinator_a)
    response = client.post(
        reverse("lifecycle:assign_mentor", args=[placement.pk]),
        {"mentor": personas.mentor_q_record.pk},
        follow=True,
    )
    assert "Choose one of the partner" in response.content.decode()
    placement.refresh_from_db()
    assert placement.mentor is None


def test_assigning_a_mentor_to_a_withdrawn_placement_shows_the_refusal(client, personas):
    placement = unmentored(personas)
    Placement.objects.filter(pk=placement.pk).update(
        status=Placement.Status.WITHDRAWN, withdrawal_initiator="school", withdrawal_reason="other"
    )
    client.force_login(personas.coordinator_a)
    response = client.post(
        reverse("lifecycle:assign_mentor", args=[placement.pk]),
        {"mentor": personas.mentor_p_record.pk},
        follow=True,
    )
    assert "placement&#x27;s mentor cannot be changed" in response.content.decode()
    placement.refresh_from_db()
    assert placement.mentor is None


@pytest.mark.parametrize(
    "who", ["coordinator_b", "other_coordinator", "mentor_p", "partner_admin_p", "student_a_user"]
)
def test_assign_mentor_url_is_404_outside_the_coordinators_scope(client, personas, who):
    placement = unmentored(personas)
    client.force_login(getattr(personas, who))
    response = client.post(
        reverse("lifecycle:assign_mentor", args=[placement.pk]),
        {"mentor": personas.mentor_p_record.pk},
    )
    assert response.status_code == 404
    placement.refresh_from_db()
    assert placement.mentor is None


def test_assign_mentor_url_refuses_get(client, personas):
    placement = unmentored(personas)
    client.force_login(personas.coordinator_a)
    response = client.get(reverse("lifecycle:assign_mentor", args=[placement.pk]))
    assert response.status_code == 405
