"""Who may act in the partner and mentor portals, and the scoped fetches their views use.

Seeing a partner's records (core.tenancy) is wider than running its portal: only a partner
administrator manages the profile, worksites, mentors, opportunities and applicants, and
only the placement's own mentor evaluates it. Every fetch here 404s outside that scope.
"""

from django.http import Http404

from trellis.accounts.models import Role
from trellis.opportunities.models import Opportunity
from trellis.partners.models import Mentor, Partner, Worksite
from trellis.placements.models import Application, Placement

REVIEWER_ROLES = (Role.DISTRICT_ADMIN, Role.COORDINATOR)


def _one(queryset, pk, what):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {what} found.") from None


# --- Partner administrators --------------------------------------------------------------


def admin_partner_ids(user) -> set[int]:
    """Partners this user administers (memberships are cached per request: no query)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return {m.partner_id for m in user.get_memberships() if m.role == Role.PARTNER_ADMIN}


def is_partner_admin_of(user, partner_id) -> bool:
    return partner_id in admin_partner_ids(user)


def require_partner_admin(user):
    if not admin_partner_ids(user):
        raise Http404("Not found.")


def admin_partners(user):
    return Partner.objects.filter(pk__in=admin_partner_ids(user))


def get_admin_partner(user, pk) -> Partner:
    return _one(admin_partners(user).select_related("district"), pk, "partner")


def admin_worksites(user):
    return Worksite.objects.filter(partner__in=admin_partner_ids(user))


def get_admin_worksite(user, pk) -> Worksite:
    return _one(admin_worksites(user).select_related("partner"), pk, "worksite")


def admin_mentors(user):
    return Mentor.objects.filter(partner__in=admin_partner_ids(user))


def get_admin_mentor(user, pk) -> Mentor:
    return _one(admin_mentors(user).select_related("partner", "user"), pk, "mentor")


def admin_opportunities(user):
    return Opportunity.objects.filter(partner__in=admin_partner_ids(user))


def get_admin_opportunity(user, pk) -> Opportunity:
    queryset = admin_opportunities(user).select_related(
        "partner__district", "district", "worksite", "mentor__user", "cluster", "subcluster", "term"
    )
    return _one(queryset, pk, "opportunity")


def admin_applications(user):
    return Application.objects.filter(opportunity__partner__in=admin_partner_ids(user))


def get_admin_application(user, pk) -> Application:
    queryset = admin_applications(user).select_related(
        "student__school", "student__user", "opportunity__partner"
    )
    return _one(queryset, pk, "application")


def admin_placements(user):
    return Placement.objects.filter(opportunity__partner__in=admin_partner_ids(user))


# --- Coordinators ---------------------------------------------------------------------------


def reviewer_district_ids(user) -> set[int]:
    """Districts whose opportunities this user approves: district admins and coordinators."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return {m.district_id for m in user.get_memberships() if m.role in REVIEWER_ROLES}


def can_review_district(user, district_id) -> bool:
    return (getattr(user, "is_superuser", False) and user.is_active) or (
        district_id in reviewer_district_ids(user)
    )


def rubric_district_ids(user) -> set[int]:
    """Districts whose evaluation rubric this user configures: district admins and
    district-wide coordinators (a school coordinator cannot change the district's rubric)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return {
        m.district_id
        for m in user.get_memberships()
        if m.role in REVIEWER_ROLES and m.is_district_wide
    }


def can_configure_rubric(user, district_id) -> bool:
    return (getattr(user, "is_superuser", False) and user.is_active) or (
        district_id in rubric_district_ids(user)
    )


def reviewable_opportunities(user):
    if getattr(user, "is_superuser", False) and user.is_active:
        return Opportunity.objects.all()
    return Opportunity.objects.filter(district__in=reviewer_district_ids(user))


def require_reviewer(user):
    if not (getattr(user, "is_superuser", False) and user.is_active) and not reviewer_district_ids(
        user
    ):
        raise Http404("Not found.")


def get_reviewable_opportunity(user, pk) -> Opportunity:
    queryset = reviewable_opportunities(user).select_related(
        "partner", "district", "worksite", "mentor__user", "cluster", "subcluster", "term"
    )
    return _one(queryset, pk, "opportunity")


def get_checkable_mentor(user, pk) -> Mentor:
    """A mentor whose background-check date this coordinator may record (their district's)."""
    require_reviewer(user)
    queryset = Mentor.objects.select_related("partner", "user")
    if not (user.is_superuser and user.is_active):
        queryset = queryset.filter(partner__district__in=reviewer_district_ids(user))
    return _one(queryset, pk, "mentor")


# --- Mentors --------------------------------------------------------------------------------


def mentor_partner_ids(user) -> set[int]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return {m.partner_id for m in user.get_memberships() if m.role == Role.MENTOR}


def require_mentor(user):
    if not mentor_partner_ids(user):
        raise Http404("Not found.")


def own_mentor_records(user):
    """The user's Mentor rows at partners where they still hold a mentor membership."""
    return Mentor.objects.filter(user=user, partner__in=mentor_partner_ids(user))


def mentored_placements(user):
    """Placements whose mentor is this user, at a partner they still mentor for."""
    return Placement.objects.filter(mentor__user=user, mentor__partner__in=mentor_partner_ids(user))


def get_mentored_placement(user, pk) -> Placement:
    queryset = mentored_placements(user).select_related(
        "student__school",
        "student__user",
        "district",
        "opportunity__partner",
        "opportunity__worksite",
        "mentor__user",
    )
    return _one(queryset, pk, "placement")


def is_mentor_of(user, placement) -> bool:
    """In Python: the placement's mentor is this user, and they still mentor for that partner."""
    mentor = placement.mentor
    return (
        mentor is not None
        and mentor.user_id == getattr(user, "pk", None)
        and mentor.partner_id in mentor_partner_ids(user)
    )
