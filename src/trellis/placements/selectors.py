"""Reads of placements, inside the viewer's scope."""

from django.db.models import Prefetch

from trellis.core.tenancy import get_for_user, user_districts
from trellis.districts.models import Term
from trellis.placements.models import Agreement, Placement

PLACEMENT_RELATED = (
    "district",
    "student__school",
    "opportunity__partner",
    "opportunity__cluster",
    "opportunity__term",
    "mentor__user",
    "withdrawn_by",
)


def get_placement_for_user(user, pk, *, action=None, with_agreements=False) -> Placement:
    """One placement the user may see (or, given `action`, may act on), or 404.

    `with_agreements` brings the agreements and their signatures along (the detail page).
    """
    queryset = Placement.objects.select_related(*PLACEMENT_RELATED)
    if with_agreements:
        queryset = queryset.prefetch_related(
            Prefetch("agreements", queryset=Agreement.objects.prefetch_related("signatures"))
        )
    return get_for_user(queryset, user, pk, action=action)


def placements_for_user(user):
    """The list queryset: scoped, with everything a row shows joined in."""
    return (
        Placement.objects.for_user(user)
        .select_related(
            "student__school", "opportunity__partner", "opportunity__cluster", "mentor__user"
        )
        .order_by("-start_date", "-pk")
    )


def terms_for_user(user):
    """Terms of the user's districts (the choices of a term filter)."""
    return Term.objects.filter(school_year__district_id__in=user_districts(user)).select_related(
        "school_year"
    )
