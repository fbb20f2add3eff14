"""Seats under concurrent writes, on PostgreSQL with real connections: every write that fills a
seat locks the opportunity first (`placements/capacity.py`), so the last seat goes once."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from tests import factories as f
from tests.concurrency import race, require_postgresql
from trellis.accounts.models import User
from trellis.opportunities.models import Opportunity
from trellis.placements import capacity, services
from trellis.placements.models import Placement
from trellis.students.models import Student

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def last_seat(fresh_personas):
    """A one-seat opportunity and eight students of one school who may all be placed there."""
    require_postgresql()
    p = fresh_personas
    opportunity = f.OpportunityFactory(partner=p.partner_p, mentor=p.mentor_p_record, seats=1)
    students = [f.StudentFactory(school=p.student_b.school) for _ in range(8)]
    return p, opportunity, students


def test_eight_coordinators_proposing_for_the_last_seat_at_once_fill_it_once(last_seat):
    p, opportunity, students = last_seat

    def propose(i):
        with transaction.atomic():
            return services.create_placement(
                student=Student.objects.get(pk=students[i].pk),
                opportunity=Opportunity.objects.get(pk=opportunity.pk),
                actor=User.objects.get(pk=p.coordinator_district.pk),
            ).pk

    results = race(propose, n=8)
    made = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(made) == 1 and len(refused) == 7, results
    assert all("no seats left" in str(r) for r in refused)
    assert Placement.objects.filter(opportunity=opportunity).count() == 1
    assert capacity.seats_left(opportunity) == 0


def test_lock_seats_counts_after_the_lock(last_seat):
    p, opportunity, students = last_seat
    with transaction.atomic():
        assert capacity.lock_seats([opportunity.pk, p.opportunity_q.pk]) == {
            opportunity.pk: 1,
            p.opportunity_q.pk: capacity.seats_left(p.opportunity_q),
        }
