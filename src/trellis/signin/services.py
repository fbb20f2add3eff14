"""Sign-in writes: SSO connections, linking a sign-in to its person, MFA resets, ending sessions."""

from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.db import transaction

from trellis.accounts.invitations import free_username
from trellis.accounts.models import Membership, User
from trellis.accounts.permissions import require
from trellis.accounts.roles import STAFF_ROLES, Role
from trellis.accounts.sessions import end_sessions
from trellis.core.models import AuditAction, AuditEvent
from trellis.signin.models import SignInPolicy, SSOConnection

REFUSAL = "Only the district's administrators connect its single sign-on."


class SignInRefused(ValidationError):
    """A sign-in change the rules forbid; the message says why."""


@transaction.atomic
def save_connection(*, connection: SSOConnection, actor, secret: str = "") -> SSOConnection:
    """Create or change a district's SSO connection; a new secret replaces the stored one."""
    require(actor, "sso.configure", connection.district, refusal=REFUSAL)
    created = connection.pk is None
    connection.set_secret(secret)
    if not connection.has_secret:
        raise SignInRefused("Give the client secret, or the environment variable that holds it.")
    connection.save()
    AuditEvent.record(
        actor=actor,
        action=AuditAction.SIGNIN_SSO_CONNECTED if created else AuditAction.SIGNIN_SSO_CHANGED,
        target=connection,
        district=connection.district,
        data={
            "kind": connection.kind, "client_id": connection.client_id, "issuer": connection.issuer,
            "domains": connection.domains, "secret_changed": bool(secret),
            "secret_in": "environment" if connection.secret_env_var else "database",
            "enabled": connection.is_enabled,
        },
    )
    return connection


@transaction.atomic
def remove_connection(*, connection: SSOConnection, actor) -> None:
    require(actor, "sso.configure", connection, refusal=REFUSAL)
    AuditEvent.record(actor=actor, action=AuditAction.SIGNIN_SSO_REMOVED, target=connection,
                      district=connection.district, data={"kind": connection.kind})
    connection.delete()


@transaction.atomic
def set_signin_policy(*, district, actor, partner_admins_need_mfa: bool) -> SignInPolicy:
    require(actor, "sso.configure", district, refusal=REFUSAL)
    policy, _ = SignInPolicy.objects.get_or_create(district=district)
    policy.partner_admins_need_mfa = partner_admins_need_mfa
    policy.save()
    AuditEvent.record(actor=actor, action=AuditAction.SIGNIN_POLICY_CHANGED, target=policy, district=district,
                      data={"partner_admins_need_mfa": partner_admins_need_mfa})
    return policy


@transaction.atomic
def link_sso_person(*, connection: SSOConnection, person, claims: dict, ip_address=None) -> User:
    """The account a matched sign-in uses; a rostered student or guardian without one gets it now."""
    user = person.user
    if user is None:
        email = (claims.get("email") or "").strip()
        record = person.student or person.guardian_link
        first = claims.get("given_name") or getattr(record, "first_name", "") or ""
        last = claims.get("family_name") or getattr(record, "last_name", "") or ""
        user = User(username=free_username(email or f"{connection.district.slug}-{person.student.student_number}"),
                    email=email, first_name=first[:150], last_name=last[:150])
        user.set_unusable_password()
        user.save()
        if person.student is not None:
            person.student.user = user
            person.student.save(update_fields=["user"])
            role = Role.STUDENT
        else:
            person.guardian_link.guardian_user = user
            person.guardian_link.save(update_fields=["guardian_user"])
            role = Role.GUARDIAN
        if not Membership.objects.filter(user=user, role=role, district=connection.district).exists():
            Membership.objects.create(user=user, role=role, district=connection.district)
        AuditEvent.record(actor=None, actor_label=connection.label, action=AuditAction.SIGNIN_ACCOUNT_CREATED,
                          target=user, district=connection.district, ip_address=ip_address,
                          data={"connection": connection.slug, "role": role})
    AuditEvent.record(actor=None, actor_label=connection.label, action=AuditAction.SIGNIN_SSO_LINKED,
                      target=user, district=connection.district, ip_address=ip_address,
                      data={"connection": connection.slug, "sub": str(claims.get("sub", ""))})
    return user


def record_refused_sign_in(*, connection: SSOConnection, claims: dict, reason: str, ip_address=None):
    """The audit entry for an SSO sign-in nobody could be matched to."""
    return AuditEvent.record(
        actor=None, actor_label=(claims.get("email") or str(claims.get("sub", "")))[:150],
        action=AuditAction.SIGNIN_SSO_REFUSED, district=connection.district, ip_address=ip_address,
        data={"connection": connection.slug, "reason": reason, "email": claims.get("email", ""),
              "sub": str(claims.get("sub", ""))},
    )


def needs_mfa(user) -> bool:
    """District staff always; partner administrators where a district's policy says so."""
    memberships = user.get_memberships()
    if any(m.role in STAFF_ROLES for m in memberships):
        return True
    partner_districts = {m.district_id for m in memberships if m.role == Role.PARTNER_ADMIN}
    return bool(partner_districts) and SignInPolicy.objects.filter(
        district_id__in=partner_districts, partner_admins_need_mfa=True
    ).exists()


def has_mfa(user) -> bool:
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


@transaction.atomic
def reset_mfa(*, membership: Membership, actor) -> int:
    """Remove a staff member's authenticators and end their sessions; they enrol again at sign-in."""
    require(actor, "mfa.reset", membership, refusal="Only the district's administrators reset MFA.")
    if membership.role not in STAFF_ROLES:
        raise SignInRefused("MFA is reset here for district staff only.")
    user = membership.user
    if user.pk == actor.pk:
        raise SignInRefused("You cannot reset your own MFA; ask another administrator.")
    removed, _ = Authenticator.objects.filter(user=user).delete()
    ended = end_sessions(user)
    AuditEvent.record(actor=actor, action=AuditAction.SIGNIN_MFA_RESET, target=user, district=membership.district,
                      data={"authenticators_removed": removed, "sessions_ended": ended})
    return removed


def users_with_mfa(users) -> set[int]:
    """Which of these people have a second factor (one query, for the staff MFA page)."""
    return set(
        Authenticator.objects.filter(
            user__in=users, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        ).values_list("user_id", flat=True)
    )
