"""Seats at an opportunity, for the writes that fill them: the one seats-left and the one lock.

The rule (open placements hold a seat, never below zero) is `rules/capacity.py`; in SQL it is
`Opportunity.objects.with_seats_left()`. Every write that fills seats (a coordinator's proposal,
a partner accepting, re-placing, publishing a round) first locks the opportunity rows here, in
one order, and only then counts: under READ COMMITTED the count is a new statement, so a second
writer that waited for the lock sees the first one's placements and cannot overfill a seat.
"""

from trellis.opportunities.models import Opportunity


def seats_left_by_id(opportunity_ids) -> dict[int, int]:
    """Opportunity id → seats not yet held by an open placement."""
    return Opportunity.objects.filter(pk__in=list(opportunity_ids)).seats_left_by_id()


def seats_left(opportunity) -> int:
    """Seats minus open (proposed, confirmed, active) placements; withdrawn ones free their seat."""
    return seats_left_by_id([opportunity.pk]).get(opportunity.pk, 0)


def lock_opportunity(opportunity, *related) -> Opportunity:
    """Re-read one opportunity under a row lock before a seat is taken or an application made."""
    return (
        Opportunity.objects.select_for_update(of=("self",))
        .select_related(*related)
        .get(pk=opportunity.pk)
    )


def lock_seats(opportunity_ids) -> dict[int, int]:
    """Lock these opportunities (in id order, so two writers never deadlock), then count what
    is left: opportunity id → seats left."""
    ids = sorted(set(opportunity_ids))
    locked = Opportunity.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    list(locked.values_list("pk", flat=True))
    return seats_left_by_id(ids)
