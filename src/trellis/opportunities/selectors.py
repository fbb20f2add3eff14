"""Reads of the opportunity catalog, inside the viewer's scope (learners: published only)."""

from django.db.models import Count, Q

from trellis.core.tenancy import get_for_user
from trellis.opportunities.models import Opportunity
from trellis.rules.capacity import SEAT_HOLDING_STATUSES

# An open placement (proposed, confirmed, active) fills a seat; read through the reverse relation.
_OPEN = Q(placements__status__in=SEAT_HOLDING_STATUSES)


def get_opportunity_for_user(user, pk) -> Opportunity:
    """One opportunity the user may see, or 404; `filled` counts its open placements."""
    queryset = Opportunity.objects.select_related(
        "partner", "worksite", "mentor__user", "term__school_year", "cluster", "subcluster"
    ).annotate(filled=Count("placements", filter=_OPEN))
    return get_for_user(queryset, user, pk)


def opportunities_for_user(user):
    """The list queryset: scoped, with partner and cluster joined and seats filled counted."""
    return (
        Opportunity.objects.for_user(user)
        .select_related("partner", "cluster")
        .annotate(filled=Count("placements", filter=_OPEN))
        .order_by("start_date", "title", "pk")
    )
