"""Every domain refusal shares one base, so a view can handle them all at once."""

import pytest

from trellis.accounts.staff import StaffRefused
from trellis.core.errors import Refused
from trellis.hours.schedule import ScheduleRefused
from trellis.opportunities.services import OpportunityRefused
from trellis.partners.services import PartnerRefused
from trellis.placements.agreements import SigningRefused
from trellis.placements.applications import ApplicationRefused
from trellis.placements.evaluation_services import EvaluationRefused, ReflectionRefused
from trellis.placements.rounds.services import RoundError
from trellis.placements.services import MissingSignatures, PlacementRefused
from trellis.rostering.services import ImportRefused
from trellis.students.services import ProfileRefused

REFUSALS = [
    StaffRefused,
    ScheduleRefused,
    OpportunityRefused,
    PartnerRefused,
    SigningRefused,
    ApplicationRefused,
    EvaluationRefused,
    ReflectionRefused,
    RoundError,
    PlacementRefused,
    MissingSignatures,
    ProfileRefused,
    ImportRefused,
]


@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda c: c.__name__)
def test_each_refusal_is_a_refused(refusal):
    assert issubclass(refusal, Refused)


def test_one_except_clause_catches_refusals_of_different_apps():
    caught = []
    for error in (
        RoundError("The round is closed."),
        SigningRefused("The typed name does not match."),
        ScheduleRefused("No school days in that range."),
    ):
        try:
            raise error
        except Refused as refusal:
            caught.append(str(refusal))
    assert caught == [
        "The round is closed.",
        "The typed name does not match.",
        "No school days in that range.",
    ]
