"""District staff: a district administrator invites coordinators, counselors and administrators.

Without this only an installation superuser could give a new coordinator a role. A district
administrator adds people to their own district only (a school must be one of its schools),
each change is audited, and a person whose last role is removed loses access at once: their
account is switched off rather than deleted, so the audit trail keeps its names.
"""

from django.db import transaction
from django.urls import reverse

from trellis.accounts.invitations import free_username, send_password_set_email
from trellis.accounts.models import Membership, User
from trellis.accounts.permissions import district_ids, permitted, require
from trellis.accounts.roles import SCHOOL_STAFF_ROLES, STAFF_ROLES, Role
from trellis.accounts.sessions import end_sessions
from trellis.core.errors import Refused
from trellis.core.models import AuditAction, AuditEvent
from trellis.core.notifications import notify

STAFF_CHOICES = tuple(role for role in Role if role in STAFF_ROLES)
"""The roles given here, in the order the invitation form offers them."""
VERB_STAFF_ADDED = "staff.added"
REFUSAL = "Only the district's administrators manage its staff."


class StaffRefused(Refused):
    """A staff change the rules forbid; the message says why."""


def administered_district_ids(user) -> set[int]:
    """The districts whose staff this user manages (none for a superuser: they use /admin/)."""
    return district_ids(user, "staff.invite")


def staff_memberships(user):
    """District staff roles in the districts the user administers, people first by name."""
    return (
        permitted(user, "staff.remove", Membership.objects.filter(role__in=STAFF_CHOICES))
        .select_related("user", "school", "district")
        .order_by("user__last_name", "user__first_name", "user_id", "role", "pk")
    )


def _describe(membership) -> dict:
    return {
        "user": membership.user_id,
        "role": membership.role,
        "school": membership.school_id,
    }


def _scope(membership) -> str:
    return membership.school.name if membership.school else membership.district.name


def _send_invitation(membership, actor) -> None:
    send_password_set_email(
        membership.user,
        template_prefix="accounts/staff_invite",
        context={
            "role": membership.get_role_display(),
            "scope": _scope(membership),
            "district": membership.district,
            "invited_by": actor.get_full_name() or actor.get_username(),
        },
    )


@transaction.atomic
def invite_staff(*, district, actor, first_name, last_name, email, role, school=None):
    """Give someone a staff role; a new person gets an account and an e-mail to set a password."""
    require(actor, "staff.invite", district, refusal=REFUSAL)
    email = (email or "").strip()
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if not (email and first_name and last_name):
        raise StaffRefused("Give the person's first name, last name and e-mail address.")
    if role not in STAFF_CHOICES:
        raise StaffRefused("Choose a district administrator, coordinator or counselor role.")
    if school is not None:
        if role not in SCHOOL_STAFF_ROLES:
            raise StaffRefused("Only coordinators and counselors can be limited to one school.")
        if school.district_id != district.pk:
            raise StaffRefused(f"{school.name} is not a school of {district.name}.")
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    created = user is None
    if created:
        user = User(
            username=free_username(email), email=email, first_name=first_name, last_name=last_name
        )
        user.set_unusable_password()
        user.save()
    elif Membership.objects.filter(user=user, role=role, district=district, school=school).exists():
        raise StaffRefused(f"{user.get_full_name() or user} already has this role.")
    elif not user.is_active:
        user.is_active = True  # coming back: their old account, switched on again
        user.save(update_fields=["is_active"])
    membership = Membership.objects.create(user=user, role=role, district=district, school=school)
    AuditEvent.record(
        actor=actor,
        action=AuditAction.STAFF_INVITED if created else AuditAction.STAFF_ROLE_ADDED,
        target=membership,
        district=district,
        data={**_describe(membership), "new_account": created},
    )
    if created or not user.has_usable_password():
        _send_invitation(membership, actor)
    else:
        notify(
            [user],
            verb=VERB_STAFF_ADDED,
            text=f"You are now {membership.get_role_display()} for {_scope(membership)} in Trellis.",
            url=reverse("core:home"),
            district=district,
        )
    return membership


@transaction.atomic
def remove_staff_role(*, membership, actor):
    """Take one staff role away; with no role left, the account is switched off."""
    require(actor, "staff.remove", membership, refusal=REFUSAL)
    if membership.role not in STAFF_CHOICES:
        raise StaffRefused("Only district staff roles are managed here.")
    if membership.user_id == actor.pk and membership.role == Role.DISTRICT_ADMIN:
        raise StaffRefused(
            "You cannot remove your own administrator role; ask another administrator."
        )
    user = membership.user
    AuditEvent.record(
        actor=actor,
        action=AuditAction.STAFF_ROLE_REMOVED,
        target=user,
        district=membership.district,
        data=_describe(membership),
    )
    membership.delete()
    if not user.is_superuser and not Membership.objects.filter(user=user).exists():
        user.is_active = False
        user.save(update_fields=["is_active"])
        ended = end_sessions(user)
        AuditEvent.record(
            actor=actor,
            action=AuditAction.ACCOUNT_DEACTIVATED,
            target=user,
            district=membership.district,
            data={"reason": "no role left", "sessions_ended": ended},
        )
    return user


@transaction.atomic
def resend_staff_invitation(*, membership, actor):
    """A fresh password link for someone who has not set a password yet."""
    require(actor, "staff.invite", membership, refusal=REFUSAL)
    user = membership.user
    if user.has_usable_password():
        raise StaffRefused(f"{user.get_full_name() or user} has already set a password.")
    _send_invitation(membership, actor)
    AuditEvent.record(
        actor=actor,
        action=AuditAction.STAFF_INVITATION_RESENT,
        target=membership,
        district=membership.district,
    )
    return membership
