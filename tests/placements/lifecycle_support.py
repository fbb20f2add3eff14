"""Helpers shared by the lifecycle and agreement tests: a proposed placement and signing it all."""

import datetime as dt

from tests import factories as f
from trellis.placements import services
from trellis.placements.agreements import sign_agreement
from trellis.placements.models import Placement, SignerRole


def proposed_placement(personas, *, student=None, opportunity=None, **kwargs):
    """A proposed placement of student A (a minor) at partner P's opportunity, mentored by mentor P."""
    return f.PlacementFactory(
        student=student or personas.student_a,
        opportunity=opportunity
        or f.OpportunityFactory(
            partner=personas.partner_p, mentor=personas.mentor_p_record, title="Clinic lab aide"
        ),
        mentor=personas.mentor_p_record,
        status=Placement.Status.PROPOSED,
        **kwargs,
    )


def confirmed_placement(personas, **kwargs):
    placement = proposed_placement(personas, **kwargs)
    return services.confirm_placement(placement, actor=personas.coordinator_a)


def sign_everything(personas, placement, *, skip=()):
    """Sign every required (kind, role) except those in `skip`; the guardian signs by link."""
    guardian_link = placement.student.guardian_links.get()
    for agreement in placement.agreements.all():
        for role in agreement.required_signers:
            if (agreement.kind, role) in skip:
                continue
            if role == SignerRole.GUARDIAN:
                sign_agreement(
                    agreement=agreement,
                    role=role,
                    typed_name=guardian_link.name,
                    guardian_link=guardian_link,
                )
            elif role == SignerRole.STUDENT:
                sign_agreement(
                    agreement=agreement,
                    role=role,
                    typed_name="Ava Alder",
                    actor=personas.student_a_user,
                )
            elif role == SignerRole.MENTOR:
                sign_agreement(
                    agreement=agreement,
                    role=role,
                    typed_name="Morgan Persona",
                    actor=personas.mentor_p,
                )
            else:
                sign_agreement(
                    agreement=agreement,
                    role=role,
                    typed_name="Casey Persona",
                    actor=personas.coordinator_a,
                )


ADULT_BIRTH_DATE = dt.date(2007, 5, 1)
