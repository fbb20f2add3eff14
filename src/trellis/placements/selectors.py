"""Reads of placements, inside the viewer's scope."""

from django.db.models import Prefetch, Q

from trellis.accounts.models import Role, User
from trellis.core.tenancy import get_for_user, user_districts
from trellis.districts.models import Term
from trellis.placements.models import Agreement, MatchRound, Placement

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


def get_match_round_for_user(user, pk) -> MatchRound:
    """One round inside the user's scope, or 404."""
    return get_for_user(MatchRound.objects, user, pk)


def coordinators_for(student):
    """Coordinators of the student's school and the district-wide coordinators: who hears of
    (and signs for) the student's placements."""
    return User.objects.filter(
        Q(memberships__school_id=student.school_id) | Q(memberships__school__isnull=True),
        memberships__role=Role.COORDINATOR,
        memberships__district_id=student.district_id,
        is_active=True,
    ).distinct()
