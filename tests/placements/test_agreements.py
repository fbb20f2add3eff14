"""Agreement texts, required signers, typed-name signing and the guardian's e-mailed link."""

import hashlib

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError

from tests import factories as f
from tests.placements.lifecycle_support import (
    confirmed_placement,
    proposed_placement,
    sign_everything,
)
from trellis.core.models import AuditEvent, Notification
from trellis.placements.agreements import (
    DEFAULT_TEXTS,
    SigningRefused,
    check_template,
    kinds_for,
    make_guardian_token,
    missing_signatures,
    read_guardian_token,
    required_signers,
    reset_agreement_text,
    set_agreement_text,
    sign_agreement,
    signable_roles,
    signers_for,
)
from trellis.placements.models import Agreement, AgreementText, Signature
from trellis.rules.agreements import agreement_kinds, fully_signed


def agreement(placement, kind="training_agreement"):
    return placement.agreements.get(kind=kind)


def test_sign_stores_typed_name_time_ip_and_the_exact_text_with_its_hash(personas):
    placement = confirmed_placement(personas)
    doc = agreement(placement)
    signature = sign_agreement(
        agreement=doc,
        role="student",
        typed_name="  ava   ALDER ",
        actor=personas.student_a_user,
        ip_address="203.0.113.7",
    )
    assert signature.typed_name == "ava ALDER"
    assert signature.ip_address == "203.0.113.7" and signature.signer == personas.student_a_user
    assert signature.signed_text == doc.body
    assert (
        signature.signed_text_sha256
        == hashlib.sha256(doc.body.encode()).hexdigest()
        == doc.body_sha256
    )
    event = AuditEvent.objects.get(action="agreement.signed", target_id=str(doc.pk))
    assert event.data["role"] == "student" and event.ip_address == "203.0.113.7"


def test_typed_name_must_match_the_signers_name(personas):
    doc = agreement(confirmed_placement(personas))
    with pytest.raises(SigningRefused, match="must match"):
        sign_agreement(
            agreement=doc, role="student", typed_name="Ava Smith", actor=personas.student_a_user
        )
    assert not Signature.objects.exists()


def test_coordinator_signs_with_their_own_name(personas):
    doc = agreement(confirmed_placement(personas))
    with pytest.raises(SigningRefused):
        sign_agreement(
            agreement=doc,
            role="coordinator",
            typed_name="Cody Persona",
            actor=personas.coordinator_a,
        )
    sign_agreement(
        agreement=doc, role="coordinator", typed_name="casey persona", actor=personas.coordinator_a
    )


@pytest.mark.parametrize(
    "role, who",
    [
        ("student", "student_b_user"),
        ("mentor", "mentor_q"),
        ("mentor", "student_a_user"),
        ("coordinator", "coordinator_b"),
        ("coordinator", "counselor_a"),
        ("student", "mentor_p"),
    ],
)
def test_nobody_signs_in_a_role_they_do_not_hold(personas, role, who):
    doc = agreement(confirmed_placement(personas))
    with pytest.raises(PermissionDenied):
        sign_agreement(agreement=doc, role=role, typed_name="Whoever", actor=getattr(personas, who))


def test_a_role_is_signed_once(personas):
    doc = agreement(confirmed_placement(personas))
    sign_agreement(
        agreement=doc, role="mentor", typed_name="Morgan Persona", actor=personas.mentor_p
    )
    with pytest.raises(SigningRefused, match="already has"):
        sign_agreement(
            agreement=doc, role="mentor", typed_name="Morgan Persona", actor=personas.mentor_p
        )


def test_a_role_the_document_does_not_need_is_refused(personas):
    consent = agreement(confirmed_placement(personas), "parental_consent")
    with pytest.raises(SigningRefused, match="does not need"):
        sign_agreement(
            agreement=consent, role="mentor", typed_name="Morgan Persona", actor=personas.mentor_p
        )


def test_signing_refused_once_the_placement_is_withdrawn(personas):
    from trellis.placements.services import withdraw_placement

    placement = confirmed_placement(personas)
    withdraw_placement(placement, actor=personas.coordinator_a, initiator="school", reason="other")
    with pytest.raises(SigningRefused, match="only while the placement is confirmed"):
        sign_agreement(
            agreement=agreement(placement),
            role="student",
            typed_name="Ava Alder",
            actor=personas.student_a_user,
        )


def test_a_changed_text_is_never_signed(personas):
    doc = agreement(confirmed_placement(personas))
    Agreement.objects.filter(pk=doc.pk).update(body=doc.body + "\nextra clause")
    with pytest.raises(SigningRefused, match="changed"):
        sign_agreement(
            agreement=doc, role="student", typed_name="Ava Alder", actor=personas.student_a_user
        )


def test_signed_in_guardian_can_sign_in_the_app(personas):
    doc = agreement(confirmed_placement(personas), "parental_consent")
    assert signable_roles(personas.guardian_a, doc) == ["guardian"]
    signature = sign_agreement(
        agreement=doc, role="guardian", typed_name="Gail Alder", actor=personas.guardian_a
    )
    assert signature.guardian_link.name == "Gail Alder"


def test_signable_roles_per_persona(personas):
    doc = agreement(confirmed_placement(personas))
    assert signable_roles(personas.student_a_user, doc) == ["student"]
    assert signable_roles(personas.mentor_p, doc) == ["mentor"]
    assert signable_roles(personas.coordinator_a, doc) == ["coordinator"]
    assert signable_roles(personas.coordinator_district, doc) == ["coordinator"]
    for outsider in (
        personas.coordinator_b,
        personas.mentor_q,
        personas.partner_admin_p,
        personas.student_b_user,
    ):
        assert signable_roles(outsider, doc) == []


def test_missing_signatures_name_document_role_and_person(personas):
    placement = confirmed_placement(personas)
    missing = {(m.agreement.kind, m.role, m.who) for m in missing_signatures(placement)}
    assert ("parental_consent", "guardian", "Gail Alder") in missing
    assert ("training_plan", "mentor", "Morgan Persona") in missing
    assert ("training_agreement", "coordinator", "a coordinator at Alder High") in missing
    assert len(missing) == 8
    sign_everything(personas, placement)
    assert missing_signatures(placement) == []


def test_all_signed_tells_the_coordinators(personas):
    placement = confirmed_placement(personas)
    sign_everything(personas, placement)
    assert (
        Notification.objects.filter(verb="signatures.complete", user=personas.coordinator_a).count()
        == 1
    )


# --- Guardian links ------------------------------------------------------------------------


def test_guardian_token_round_trip_binds_guardian_and_agreement(personas):
    placement = confirmed_placement(personas)
    link = personas.student_a.guardian_links.get()
    doc = agreement(placement, "parental_consent")
    assert read_guardian_token(make_guardian_token(link, doc)) == (link.pk, doc.pk)


def test_tampered_guardian_token_is_rejected(personas):
    placement = confirmed_placement(personas)
    token = make_guardian_token(personas.student_a.guardian_links.get(), agreement(placement))
    with pytest.raises(signing.BadSignature):
        read_guardian_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    # A token signed for another purpose (another salt) does not work here.
    other = signing.TimestampSigner(salt="something-else").sign_object({"g": 1, "a": 1})
    with pytest.raises(signing.BadSignature):
        read_guardian_token(other)


def test_guardian_token_expires(personas, settings):
    placement = confirmed_placement(personas)
    token = make_guardian_token(personas.student_a.guardian_links.get(), agreement(placement))
    settings.SIGNED_LINK_MAX_AGE_DAYS = -1
    with pytest.raises(signing.SignatureExpired):
        read_guardian_token(token)


def test_guardian_link_cannot_sign_another_students_agreement(personas):
    placement = confirmed_placement(personas)
    stranger = f.GuardianLinkFactory(student=personas.student_b, name="Stranger Danger")
    with pytest.raises(PermissionDenied):
        sign_agreement(
            agreement=agreement(placement),
            role="guardian",
            typed_name="Stranger Danger",
            guardian_link=stranger,
        )


def test_guardian_signature_is_audited_with_the_typed_name(personas):
    placement = confirmed_placement(personas)
    link = personas.student_a.guardian_links.get()
    sign_agreement(
        agreement=agreement(placement, "parental_consent"),
        role="guardian",
        typed_name="gail alder",
        guardian_link=link,
        ip_address="198.51.100.2",
    )
    event = AuditEvent.objects.get(action="agreement.signed")
    assert event.actor is None and event.actor_label == "gail alder"


# --- Texts ----------------------------------------------------------------------------------


def test_district_text_replaces_the_default_for_new_confirmations_only(personas):
    first = confirmed_placement(personas)
    set_agreement_text(
        district_id=personas.district.pk,
        kind="training_plan",
        title="Maple Valley plan",
        body="Plan for ${student_name} at ${partner}.",
        actor=personas.district_admin,
    )
    second = confirmed_placement(
        personas,
        opportunity=f.OpportunityFactory(
            partner=personas.partner_p, mentor=personas.mentor_p_record
        ),
    )
    plan = agreement(second, "training_plan")
    assert (plan.title, plan.body) == (
        "Maple Valley plan",
        "Plan for Ava Alder at Pine Health Clinic.",
    )
    assert agreement(first, "training_plan").title == DEFAULT_TEXTS["training_plan"][0]
    assert AuditEvent.objects.filter(action="agreement_text.saved").exists()


def test_other_districts_keep_the_default_text(personas):
    set_agreement_text(
        district_id=personas.other_district.pk,
        kind="training_plan",
        title="Other",
        body="x",
        actor=personas.other_coordinator,
    )
    assert agreement(confirmed_placement(personas), "training_plan").title == "Training plan"


def test_reset_goes_back_to_the_default(personas):
    text = set_agreement_text(
        district_id=personas.district.pk,
        kind="training_plan",
        title="T",
        body="B",
        actor=personas.district_admin,
    )
    reset_agreement_text(text, actor=personas.district_admin)
    assert not AgreementText.objects.exists()
    assert AuditEvent.objects.filter(action="agreement_text.reset").exists()


def test_template_check_refuses_unknown_placeholders_and_stray_dollars():
    check_template("Hello ${student_name}, $$8.50 an hour")
    with pytest.raises(ValidationError, match="Unknown placeholder"):
        check_template("Hello ${student_ssn}")
    with pytest.raises(ValidationError):
        check_template("Costs $ 5")


def test_placeholders_cannot_reach_attributes(personas):
    set_agreement_text(
        district_id=personas.district.pk,
        kind="training_plan",
        title="T",
        body="${student_name}",
        actor=personas.district_admin,
    )
    placement = proposed_placement(personas)
    placement.student.first_name = "${district}"  # text in a value is never expanded again
    from trellis.placements.agreements import placeholder_values, render_text

    assert render_text("${student_name}", placeholder_values(placement)) == "${district} Alder"


def test_every_default_text_renders_without_leftover_placeholders(personas):
    from trellis.placements.agreements import placeholder_values, render_text

    values = placeholder_values(proposed_placement(personas))
    for _title, body in DEFAULT_TEXTS.values():
        check_template(body)
        assert "${" not in render_text(body, values)


# --- Who signs what, from plain facts (the placement versions and the demo use these) ---------


@pytest.mark.parametrize(
    ("hazardous", "minor", "student_learner"),
    [(False, False, False), (False, True, False), (True, False, False), (True, True, True)],
)
def test_a_student_learner_agreement_is_added_only_for_a_minor_in_hazardous_work(
    hazardous, minor, student_learner
):
    kinds = agreement_kinds(hazardous=hazardous, minor=minor)
    assert kinds[:3] == ["training_agreement", "training_plan", "parental_consent"]
    assert ("student_learner" in kinds) is student_learner


def test_a_guardian_signs_for_a_minor_and_an_adult_student_signs_their_own_consent():
    assert signers_for("training_agreement", minor=True) == [
        "student",
        "guardian",
        "mentor",
        "coordinator",
    ]
    assert signers_for("training_agreement", minor=False) == ["student", "mentor", "coordinator"]
    assert signers_for("parental_consent", minor=True) == ["guardian"]
    assert signers_for("parental_consent", minor=False) == ["student"]
    assert signers_for("training_plan", minor=True) == ["student", "mentor", "coordinator"]
    assert signers_for("student_learner", minor=True) == signers_for(
        "training_agreement", minor=True
    )


def test_the_placement_versions_ask_the_plain_rules_about_the_start_date(personas):
    placement = proposed_placement(personas)
    minor = placement.student.age_on(placement.start_date) < 18
    assert kinds_for(placement) == agreement_kinds(
        hazardous=placement.opportunity.is_hazardous, minor=minor
    )
    for kind in kinds_for(placement):
        assert required_signers(kind, placement) == signers_for(kind, minor=minor)


def test_fully_signed_needs_every_required_role_and_at_least_one():
    assert fully_signed(["student", "mentor"], ["mentor", "student", "coordinator"])
    assert not fully_signed(["student", "mentor"], ["student"])
    assert not fully_signed([], [])
