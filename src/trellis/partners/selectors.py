"""Reads of partners (businesses and district departments), inside the viewer's scope."""

from django.db.models import Count, Prefetch, Q

from trellis.core.tenancy import get_for_user
from trellis.partners.models import Mentor, Partner
from trellis.rules.eligibility import PUBLISHED


def get_partner_for_user(user, pk) -> Partner:
    """One partner the user may see, or 404; worksites and mentors come with it."""
    queryset = Partner.objects.prefetch_related(
        "worksites", Prefetch("mentors", queryset=Mentor.objects.select_related("user"))
    )
    return get_for_user(queryset, user, pk)


def partners_for_user(user):
    """The list queryset: scoped, each row with its count of published opportunities."""
    return (
        Partner.objects.for_user(user)
        .annotate(
            # Through the reverse relation (opportunities sit above partners).
            published_count=Count("opportunities", filter=Q(opportunities__status=PUBLISHED))
        )
        .order_by("name", "pk")
    )
