"""Template context shared by every page: the signed-in user's roles for the navigation."""

from trellis.accounts.models import Role


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    roles = user.roles()
    return {
        "nav_roles": roles,
        "is_staff_role": bool(roles & {Role.DISTRICT_ADMIN, Role.COORDINATOR, Role.COUNSELOR}),
        "is_partner_role": bool(roles & {Role.MENTOR, Role.PARTNER_ADMIN}),
    }
