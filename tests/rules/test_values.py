"""Ages, seats and agreement signers from plain values; the rule values match the models'."""

import datetime as dt

from trellis.opportunities.models import Opportunity, OpportunityKind
from trellis.placements.models import Agreement, Application, Placement, SignerRole
from trellis.rules import agreements, capacity, eligibility
from trellis.rules.ages import add_years, age_on, is_minor
from trellis.students.models import Transportation


def test_age_turns_on_the_birthday_and_a_minor_is_under_18():
    born = dt.date(2009, 3, 14)
    assert age_on(born, dt.date(2027, 3, 13)) == 17 and age_on(born, dt.date(2027, 3, 14)) == 18
    assert is_minor(born, dt.date(2027, 3, 13)) and not is_minor(born, dt.date(2027, 3, 14))
    assert add_years(dt.date(2008, 2, 29), 16) == dt.date(2024, 2, 29)
    assert add_years(dt.date(2008, 2, 29), 17) == dt.date(2025, 2, 28)


def test_seats_left_never_goes_below_zero():
    assert capacity.seats_left(3, 1) == 2
    assert capacity.seats_left(1, 2) == 0


def test_a_minor_in_hazardous_work_also_signs_a_student_learner_agreement():
    assert agreements.agreement_kinds(hazardous=True, minor=True)[-1] == agreements.STUDENT_LEARNER
    assert agreements.STUDENT_LEARNER not in agreements.agreement_kinds(hazardous=True, minor=False)
    assert agreements.signers_for(agreements.PARENTAL_CONSENT, minor=True) == ["guardian"]
    assert agreements.signers_for(agreements.PARENTAL_CONSENT, minor=False) == ["student"]
    assert "guardian" not in agreements.signers_for(agreements.TRAINING_AGREEMENT, minor=False)
    assert agreements.fully_signed(["student", "mentor"], ["mentor", "student", "guardian"])
    assert not agreements.fully_signed([], [])


def test_the_rules_values_are_the_models_values():
    assert set(agreements.KINDS) == set(Agreement.Kind.values)
    assert set(agreements.SIGNER_ROLES) == set(SignerRole.values)
    assert set(capacity.SEAT_HOLDING_STATUSES) == set(Placement.OPEN_STATUSES)
    assert eligibility.PUBLISHED == Opportunity.Status.PUBLISHED
    assert eligibility.VIRTUAL_KIND == OpportunityKind.VIRTUAL
    assert eligibility.NO_TRANSPORTATION == Transportation.NONE
    assert set(eligibility.STANDING_APPLICATION_STATUSES) < set(Application.Status.values)
    # The browse page words a standing application by its status: the label, lower-cased.
    for status in eligibility.STANDING_APPLICATION_STATUSES:
        assert Application.Status(status).label.lower() == status
    assert eligibility.DECLINED == Application.Status.DECLINED
