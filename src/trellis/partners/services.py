"""A partner administrator's writes: profile, worksites and mentors.

Each service checks that the actor administers the partner (coordinators only record mentors'
background checks), runs in one transaction, writes an audit event, and e-mails after commit.
Decisions on applicants are the application lifecycle's (`placements/applications.py`).
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from trellis.accounts.invitations import free_username, send_password_set_email
from trellis.accounts.models import Membership, Role, User
from trellis.accounts.permissions import require
from trellis.core.errors import Refused
from trellis.core.models import AuditAction, AuditEvent
from trellis.core.notifications import notify
from trellis.core.places import UnknownZip, locate_zip
from trellis.partners.models import Mentor, Worksite

PROFILE_FIELDS = ("name", "description", "website", "phone", "contact_email")
WORKSITE_FIELDS = ("name", "is_virtual", "address", "city", "state", "zip_code")

VERB_MENTOR_ADDED = "mentor.added"


class PartnerRefused(Refused):
    """A partner-portal step the rules forbid; the message says why."""


def _require_admin(actor, record):
    """The partner's own administrators run its profile, worksites and mentors."""
    require(actor, "partner.manage", record, refusal="Only the partner's administrators can do this.")


def _audit(*, actor, action, target, district, data=None):
    AuditEvent.record(actor=actor, action=action, target=target, district=district, data=data)


def _apply(instance, fields: dict, allowed) -> list[str]:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise PartnerRefused(f"Unknown fields: {', '.join(sorted(unknown))}.")
    changed = []
    for name, value in fields.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


# --- Profile and worksites -----------------------------------------------------------------


@transaction.atomic
def update_partner_profile(*, partner, actor, fields: dict):
    """Name, description, website, phone and contact e-mail; kind and department stay the district's."""
    _require_admin(actor, partner)
    changed = _apply(partner, fields, PROFILE_FIELDS)
    if changed:
        partner.full_clean()
        partner.save(update_fields=changed)
        _audit(
            actor=actor,
            action=AuditAction.PARTNER_UPDATED,
            target=partner,
            district=partner.district,
            data={"fields": changed},
        )
    return partner


def locate_worksite(worksite) -> None:
    """Give a worksite without coordinates its ZIP code's centre, marked approximate.

    Coordinates decide whether students without transportation can reach a worksite; an
    address typed in the portal has none. Virtual worksites have no place at all. Callers
    clear the coordinates first when the address changed.
    """
    if worksite.is_virtual:
        worksite.latitude = worksite.longitude = None
        worksite.location_is_approximate = False
        return
    if worksite.latitude is not None and worksite.longitude is not None:
        return
    try:
        place = locate_zip(worksite.zip_code)
    except UnknownZip:
        worksite.latitude = worksite.longitude = None
        worksite.location_is_approximate = False
        return
    worksite.latitude, worksite.longitude = place.latitude, place.longitude
    worksite.location_is_approximate = True


def _clean_worksite(worksite):
    if worksite.is_virtual:
        worksite.address = worksite.address.strip()
    elif not worksite.address.strip():
        raise PartnerRefused("Give the worksite's street address, or mark it as virtual.")
    elif not worksite.zip_code.strip():
        raise PartnerRefused(
            "Give the worksite's ZIP code: it tells how far students travel to get there."
        )
    worksite.full_clean()
    locate_worksite(worksite)


@transaction.atomic
def add_worksite(*, partner, actor, fields: dict):
    _require_admin(actor, partner)
    worksite = Worksite(partner=partner)
    _apply(worksite, fields, WORKSITE_FIELDS)
    _clean_worksite(worksite)
    worksite.save()
    _audit(actor=actor, action=AuditAction.WORKSITE_ADDED, target=worksite, district=partner.district)
    return worksite


@transaction.atomic
def update_worksite(*, worksite, actor, fields: dict):
    _require_admin(actor, worksite)
    changed = _apply(worksite, fields, WORKSITE_FIELDS)
    if changed:
        if {"address", "city", "state", "zip_code", "is_virtual"} & set(changed):
            # The old coordinates described the old address; distance filters must not trust them.
            worksite.latitude = worksite.longitude = None
        _clean_worksite(worksite)
        worksite.save()
        _audit(
            actor=actor,
            action=AuditAction.WORKSITE_UPDATED,
            target=worksite,
            district=worksite.partner.district,
            data={"fields": changed},
        )
    return worksite


# --- Mentors ---------------------------------------------------------------------------------


def _send_mentor_invitation(user, *, partner, invited_by):
    """Queue the "set your password" e-mail: a one-time link that also signs the mentor in later."""
    send_password_set_email(
        user,
        template_prefix="partners/mentor_invite",
        context={
            "partner": partner,
            "invited_by": invited_by.get_full_name() or invited_by.get_username(),
        },
    )


@transaction.atomic
def invite_mentor(*, partner, actor, first_name, last_name, email, title="", phone=""):
    """Add a mentor by name and e-mail.

    A new person gets an account with no usable password and an e-mail to set one; someone who
    already has an account (district staff mentoring for a department, say) keeps it and is told.
    """
    _require_admin(actor, partner)
    email = (email or "").strip()
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if not (email and first_name and last_name):
        raise PartnerRefused("Give the mentor's first name, last name and e-mail address.")
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    created = user is None
    if created:
        user = User(
            username=free_username(email),
            email=email,
            first_name=first_name,
            last_name=last_name,
        )
        user.set_unusable_password()
        user.save()
    elif Mentor.objects.filter(partner=partner, user=user).exists():
        raise PartnerRefused(f"{user} is already a mentor at {partner.name}.")
    Membership.objects.get_or_create(
        user=user, role=Role.MENTOR, district_id=partner.district_id, partner=partner
    )
    mentor = Mentor.objects.create(partner=partner, user=user, title=title, phone=phone)
    _audit(
        actor=actor,
        action=AuditAction.MENTOR_INVITED if created else AuditAction.MENTOR_ADDED,
        target=mentor,
        district=partner.district,
        data={"user": user.pk, "new_account": created},
    )
    if created or not user.has_usable_password():
        _send_mentor_invitation(user, partner=partner, invited_by=actor)
    else:
        notify(
            [user],
            verb=VERB_MENTOR_ADDED,
            text=f"You are now a mentor at {partner.name} in Trellis.",
            url=reverse("core:home"),
            district=partner.district,
        )
    return mentor


@transaction.atomic
def update_mentor(*, mentor, actor, title, phone):
    """A partner administrator edits the mentor's title and phone (not the background check)."""
    _require_admin(actor, mentor)
    changed = _apply(mentor, {"title": title, "phone": phone}, ("title", "phone"))
    if changed:
        mentor.save(update_fields=changed)
        _audit(
            actor=actor,
            action=AuditAction.MENTOR_UPDATED,
            target=mentor,
            district=mentor.partner.district,
            data={"fields": changed},
        )
    return mentor


@transaction.atomic
def resend_mentor_invitation(*, mentor, actor):
    """A fresh password-set link for a mentor who has not set a password yet."""
    _require_admin(actor, mentor)
    if mentor.user.has_usable_password():
        raise PartnerRefused(f"{mentor.user} has already set a password.")
    _send_mentor_invitation(mentor.user, partner=mentor.partner, invited_by=actor)
    _audit(
        actor=actor,
        action=AuditAction.MENTOR_INVITATION_RESENT,
        target=mentor,
        district=mentor.partner.district,
    )
    return mentor


@transaction.atomic
def record_background_check(*, mentor, actor, checked_on):
    """Coordinators only: the district vouches for the check, not the partner."""
    require(
        actor,
        "mentor.record_background_check",
        mentor,
        refusal="Only the district's coordinators record background checks.",
    )
    if checked_on is not None and checked_on > timezone.localdate():
        raise PartnerRefused("A background check date cannot be in the future.")
    before = mentor.background_check_date
    mentor.background_check_date = checked_on
    mentor.save(update_fields=["background_check_date"])
    _audit(
        actor=actor,
        action=AuditAction.MENTOR_BACKGROUND_CHECK_RECORDED,
        target=mentor,
        district=mentor.partner.district,
        data={
            "from": before.isoformat() if before else None,
            "to": checked_on.isoformat() if checked_on else None,
        },
    )
    return mentor
