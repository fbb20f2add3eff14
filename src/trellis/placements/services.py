"""Placement lifecycle: propose, confirm, activate, complete, withdraw and re-place; outcomes; concerns.

Each service takes the acting user as `actor=`, runs in one transaction, refuses what the
rules forbid with a message a coordinator can act on, writes an audit event, and tells the
people concerned (in the app now, by e-mail after commit).
"""


from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from trellis.accounts.models import Role, User
from trellis.accounts.permissions import can, require
from trellis.core.errors import Refused
from trellis.core.models import AuditAction, AuditEvent
from trellis.core.notifications import Verb, notify
from trellis.opportunities.models import Opportunity
from trellis.placements import capacity
from trellis.placements.agreements import (
    create_agreements,
    missing_signatures,
    request_guardian_signatures,
)
from trellis.placements.models import Concern, Outcome, Placement, Signature, SignerRole
from trellis.placements.selectors import coordinators_for
from trellis.rules import eligibility
from trellis.rules.ages import add_years
from trellis.students.models import StudentInterest

OPEN = Placement.OPEN_STATUSES


class PlacementRefused(Refused):
    """A lifecycle step the rules forbid; the message says why, for the coordinator."""


class MissingSignatures(PlacementRefused):
    """Activation refused: lists each document and signer still missing."""

    def __init__(self, missing):
        self.missing = missing
        listed = "; ".join(str(m) for m in missing)
        super().__init__(f"Signatures missing — {listed}.")


# --- Reads the services share ----------------------------------------------------------


def eligibility_problems(student, opportunity, *, today=None) -> list[str]:
    """Why a student cannot be placed at an opportunity (empty when they can): the one rule set."""
    return eligibility.for_placement(
        student.eligibility_facts(),
        opportunity.eligibility_facts(),
        today=today or timezone.localdate(),
    )


def replacement_options(student, *, exclude=(), today=None):
    """Open opportunities with a free seat that the student is eligible for, interests first."""
    today = today or timezone.localdate()
    qs = Opportunity.objects.filter(
        district_id=student.district_id,
        status=Opportunity.Status.PUBLISHED,
        end_date__gte=today,
        min_grade__lte=student.grade,
    ).exclude(pk__in=[o.pk for o in exclude])
    qs = qs.exclude(
        pk__in=Placement.objects.filter(student=student, status__in=OPEN).values("opportunity_id")
    )
    # Age on the first day, per distinct minimum age: a handful of values, one extra query.
    age_q = Q(pk__in=[])
    for min_age in set(qs.values_list("min_age", flat=True)):
        birthday = add_years(student.birth_date, min_age)
        age_q |= Q(min_age=min_age) & (Q() if birthday <= today else Q(start_date__gte=birthday))
    qs = qs.filter(age_q).with_seats_left().filter(seats_left__gt=0)
    interest = StudentInterest.objects.filter(student=student, cluster=OuterRef("cluster"))
    return (
        qs.annotate(matches_interest=Exists(interest))
        .select_related("partner", "cluster", "worksite", "term")
        .order_by("-matches_interest", "start_date", "title")
    )


def _partner_admins(partner_id):
    return User.objects.filter(
        memberships__role=Role.PARTNER_ADMIN, memberships__partner_id=partner_id, is_active=True
    ).distinct()


def _guardian_users(student):
    return User.objects.filter(guardian_links__student=student, is_active=True).distinct()


AUDIENCE = ("student", "guardians", "mentor", "partner_admins", "coordinators")


def _announce(placement, *, verb, text, actor, to=AUDIENCE):
    """Notify the people around a placement, minus the actor; staff land on the manage page."""
    others = []
    if "student" in to and placement.student.user_id:
        others.append(placement.student.user)
    if "guardians" in to:
        others += list(_guardian_users(placement.student))
    if "mentor" in to and placement.mentor_id:
        others.append(placement.mentor.user)
    if "partner_admins" in to:
        others += list(_partner_admins(placement.opportunity.partner_id))
    coordinators = list(coordinators_for(placement.student)) if "coordinators" in to else []
    actor_id = getattr(actor, "pk", None)
    notify(
        [u for u in others if u.pk != actor_id],
        verb=verb,
        text=text,
        url=reverse("placements:detail", args=[placement.pk]),
        district=placement.district,
    )
    notify(
        [u for u in coordinators if u.pk != actor_id],
        verb=verb,
        text=text,
        url=reverse("lifecycle:placement", args=[placement.pk]),
        district=placement.district,
    )


def _require_manager(actor, placement):
    require(
        actor,
        "placement.manage",
        placement,
        refusal="Only the student's coordinator can change this placement.",
    )


def _partner_accepts(actor, *, student, opportunity, application) -> bool:
    """A partner administrator proposes a placement by accepting a student's application to
    one of its own opportunities (applications.accept_application); nothing else."""
    return (
        application is not None
        and application.student_id == student.pk
        and application.opportunity_id == opportunity.pk
        and can(actor, "application.review", application)
    )


def _lock(placement):
    """Re-read the row under a write lock so two clicks cannot both move it."""
    return (
        Placement.objects.select_for_update(of=("self",))
        .select_related(
            "student__school", "student__user", "opportunity__partner", "mentor__user", "district"
        )
        .get(pk=placement.pk)
    )


def _audit(placement, *, actor, action, data=None):
    AuditEvent.record(
        actor=actor, action=action, target=placement, district=placement.district, data=data
    )


def _drop_future_sessions(placement):
    """A placement that ends early keeps its past sessions (and any logged hours) only."""
    placement.sessions.filter(date__gt=timezone.localdate(), hour_logs__isnull=True).delete()


# --- Lifecycle services ------------------------------------------------------------------


def new_placement(*, student_id, opportunity, today=None, application=None, match_round=None):
    """A proposed placement, not yet saved: the one shape of a new placement, for a
    coordinator's proposal (`create_placement`) and a round's publishing (a bulk insert).

    Its district and mentor are the opportunity's; it runs from the opportunity's first day
    (or today, once that has passed) to its last. The caller has locked the seats
    (`capacity`) and checked the student may be placed there.
    """
    today = today or timezone.localdate()
    return Placement(
        district_id=opportunity.district_id,
        student_id=student_id,
        opportunity=opportunity,
        mentor_id=opportunity.mentor_id,
        application=application,
        match_round=match_round,
        status=Placement.Status.PROPOSED,
        start_date=max(opportunity.start_date, today),
        end_date=opportunity.end_date,
    )


@transaction.atomic
def create_placement(*, student, opportunity, actor, application=None):
    """Propose a placement; refused without a free seat, for a duplicate, or an ineligible student."""
    if not (
        can(actor, "placement.propose", student)
        or _partner_accepts(
            actor, student=student, opportunity=opportunity, application=application
        )
    ):
        raise PermissionDenied("Only the student's coordinator can propose a placement.")
    opportunity = capacity.lock_opportunity(opportunity, "partner", "mentor")
    problems = eligibility_problems(student, opportunity)
    if problems:
        raise PlacementRefused(" ".join(problems))
    if Placement.objects.filter(student=student, opportunity=opportunity, status__in=OPEN).exists():
        raise PlacementRefused(
            f"{student.full_name} already has an open placement at “{opportunity.title}”."
        )
    if capacity.seats_left(opportunity) <= 0:
        raise PlacementRefused(
            f"“{opportunity.title}” has no seats left ({opportunity.seats} taken)."
        )
    if application is not None and (
        application.student_id != student.pk or application.opportunity_id != opportunity.pk
    ):
        raise PlacementRefused("That application is for another student or opportunity.")
    placement = new_placement(student_id=student.pk, opportunity=opportunity, application=application)
    placement.save()
    _audit(
        placement,
        actor=actor,
        action=AuditAction.PLACEMENT_PROPOSED,
        data={"opportunity": opportunity.pk, "application": getattr(application, "pk", None)},
    )
    _announce(
        placement,
        verb=Verb.PLACEMENT_PROPOSED,
        actor=actor,
        text=f"Placement proposed: {student.full_name} at {opportunity.title} ({opportunity.partner.name}).",
    )
    return placement


@transaction.atomic
def confirm_placement(placement, *, actor):
    """Confirm a proposed placement and issue its agreements for signature."""
    placement = _lock(placement)
    _require_manager(actor, placement)
    placement.transition_to(Placement.Status.CONFIRMED)
    placement.save(update_fields=["status", "confirmed_at"])
    agreements = create_agreements(placement)
    _audit(
        placement,
        actor=actor,
        action=AuditAction.PLACEMENT_CONFIRMED,
        data={"agreements": [a.kind for a in agreements]},
    )
    _announce(
        placement,
        verb=Verb.PLACEMENT_CONFIRMED,
        actor=actor,
        text=f"Placement confirmed: {placement}. Agreements are ready to sign.",
    )
    signers = []
    if placement.student.user_id:
        signers.append(placement.student.user)
    if placement.mentor_id:
        signers.append(placement.mentor.user)
    signers += list(coordinators_for(placement.student))
    notify(
        signers,
        verb=Verb.SIGNATURE_REQUESTED,
        text=f"Please sign the agreements for {placement}.",
        url=reverse("lifecycle:placement", args=[placement.pk]),
        district=placement.district,
    )
    request_guardian_signatures(placement)
    return placement


@transaction.atomic
def activate_placement(placement, *, actor):
    """Start a confirmed placement; refused, listing what is missing, until every signature is on file."""
    placement = _lock(placement)
    _require_manager(actor, placement)
    if not placement.can_transition_to(Placement.Status.ACTIVE):
        placement.transition_to(Placement.Status.ACTIVE)  # raises the IllegalTransition message
    if not placement.agreements.exists():
        raise PlacementRefused("This placement has no agreements yet.")
    missing = missing_signatures(
        Placement.objects.prefetch_related("agreements__signatures", "student__guardian_links")
        .select_related("student__school", "mentor__user")
        .get(pk=placement.pk)
    )
    if missing:
        raise MissingSignatures(missing)
    placement.transition_to(Placement.Status.ACTIVE)
    placement.save(update_fields=["status", "activated_at"])
    _audit(placement, actor=actor, action=AuditAction.PLACEMENT_ACTIVATED)
    _announce(
        placement,
        verb=Verb.PLACEMENT_ACTIVATED,
        actor=actor,
        text=f"Placement started: {placement}.",
    )
    return placement


@transaction.atomic
def complete_placement(placement, *, actor):
    """Mark an active placement completed."""
    placement = _lock(placement)
    _require_manager(actor, placement)
    placement.transition_to(Placement.Status.COMPLETED)
    placement.save(update_fields=["status", "completed_at"])
    _drop_future_sessions(placement)
    _audit(placement, actor=actor, action=AuditAction.PLACEMENT_COMPLETED)
    _announce(
        placement,
        verb=Verb.PLACEMENT_COMPLETED,
        actor=actor,
        to=("student", "guardians", "mentor", "partner_admins"),
        text=f"Placement completed: {placement}.",
    )
    return placement


@transaction.atomic
def withdraw_placement(
    placement, *, actor, initiator, reason, note="", partner_note="", partner_in_good_standing=True
):
    """End a placement early; the seat reopens and the partner's standing is recorded, by default kept."""
    placement = _lock(placement)
    _require_manager(actor, placement)
    if initiator not in Placement.Initiator.values:
        raise PlacementRefused(
            "Say who asked for the withdrawal: the school, the student or the partner."
        )
    if reason not in Placement.WithdrawalReason.values:
        raise PlacementRefused("Choose a reason for the withdrawal.")
    placement.transition_to(Placement.Status.WITHDRAWN)
    placement.withdrawn_by = actor
    placement.withdrawal_initiator = initiator
    placement.withdrawal_reason = reason
    placement.withdrawal_note = note
    placement.partner_relationship_note = partner_note
    placement.partner_in_good_standing = partner_in_good_standing
    placement.save()
    _drop_future_sessions(placement)
    _audit(
        placement,
        actor=actor,
        action=AuditAction.PLACEMENT_WITHDRAWN,
        data={
            "initiator": initiator,
            "reason": reason,
            "partner_in_good_standing": partner_in_good_standing,
        },
    )
    # The reason and notes stay with the school: the message says only that it ended.
    _announce(
        placement,
        verb=Verb.PLACEMENT_WITHDRAWN,
        actor=actor,
        text=f"Placement withdrawn: {placement}.",
    )
    return placement


@transaction.atomic
def replace_student(*, withdrawn_placement, opportunity, actor):
    """Re-place a withdrawn student: propose a new placement at one of their open options."""
    if withdrawn_placement.status != Placement.Status.WITHDRAWN:
        raise PlacementRefused("Only a withdrawn placement's student can be re-placed from it.")
    student = withdrawn_placement.student
    require(
        actor, "placement.replace", student, refusal="Only the student's coordinator can re-place them."
    )
    if not replacement_options(student).filter(pk=opportunity.pk).exists():
        problems = eligibility_problems(student, opportunity) or [
            "It has no seat left, or the student is already placed there."
        ]
        raise PlacementRefused(
            f"“{opportunity.title}” is not open to {student.full_name}: " + " ".join(problems)
        )
    placement = create_placement(student=student, opportunity=opportunity, actor=actor)
    AuditEvent.record(
        actor=actor,
        action=AuditAction.PLACEMENT_REPLACED,
        target=placement,
        district=placement.district,
        data={"from": withdrawn_placement.pk, "to": placement.pk},
    )
    return placement


@transaction.atomic
def resend_guardian_links(placement, *, actor):
    """E-mail fresh signing links (the old ones expire) to guardians who have yet to sign."""
    _require_manager(actor, placement)
    if placement.status != Placement.Status.CONFIRMED:
        raise PlacementRefused("Signing links are sent only while the placement awaits signatures.")
    sent = request_guardian_signatures(placement)
    if not sent:
        raise PlacementRefused("No guardian signature is waiting, or no guardian on file may sign.")
    _audit(placement, actor=actor, action=AuditAction.AGREEMENT_LINKS_SENT, data={"links": sent})
    return sent


@transaction.atomic
def record_outcome(*, student, partner, kind, date, actor, placement=None, job_title="", notes=""):
    """Record a job offer or a hire after graduation, optionally tied to the placement behind it."""
    require(
        actor, "outcome.record", student, refusal="Only the student's coordinator can record an outcome."
    )
    if kind not in Outcome.Kind.values:
        raise PlacementRefused("Choose a job offer or a hire.")
    if partner.district_id != student.district_id:
        raise PlacementRefused("The employer must be a partner of the student's district.")
    if placement is not None and (
        placement.student_id != student.pk or placement.opportunity.partner_id != partner.pk
    ):
        raise PlacementRefused("That placement is not this student's placement with this partner.")
    outcome = Outcome.objects.create(
        student=student,
        partner=partner,
        kind=kind,
        date=date,
        placement=placement,
        job_title=job_title,
        notes=notes,
        recorded_by=actor,
    )
    AuditEvent.record(
        actor=actor,
        action=AuditAction.OUTCOME_RECORDED,
        target=outcome,
        district=student.district,
        data={"kind": kind, "partner": partner.pk, "placement": getattr(placement, "pk", None)},
    )
    return outcome


@transaction.atomic
def raise_concern(*, placement, actor, text):
    """A concern from anyone who can see the placement reaches its coordinators at once, by e-mail too."""
    if not Placement.objects.for_user(actor).filter(pk=placement.pk).exists():
        raise PermissionDenied("You cannot raise a concern about this placement.")
    text = text.strip()
    if not text:
        raise PlacementRefused("Describe the concern.")
    concern = Concern.objects.create(placement=placement, raised_by=actor, text=text)
    AuditEvent.record(
        actor=actor,
        action=AuditAction.CONCERN_RAISED,
        target=placement,
        district=placement.district,
        data={"concern": concern.pk},
    )
    who = actor.get_full_name() or actor.get_username()
    notify(
        coordinators_for(placement.student),
        verb=Verb.CONCERN_RAISED,
        # The e-mail says who and where; the text itself stays behind the sign-in.
        text=f"{who} raised a concern about {placement}.",
        url=reverse("lifecycle:placement", args=[placement.pk]),
        district=placement.district,
    )
    return concern


@transaction.atomic
def resolve_concern(*, concern, actor, note):
    """A coordinator closes a concern with a note of what was done; whoever raised it is told.

    The note is the record (a withdrawal, a talk with the student, a changed schedule): it is
    required, and the concern cannot be resolved twice. The raiser's notice links to where
    they can read the note (the intern page for a mentor).
    """
    placement = concern.placement
    require(
        actor,
        "concern.resolve",
        concern,
        refusal="Only a coordinator of this student can resolve the concern.",
    )
    note = (note or "").strip()
    if not note:
        raise PlacementRefused("Say what was done about the concern.")
    # Locked, so two coordinators resolving at once cannot both write a note.
    locked = Concern.objects.select_for_update().get(pk=concern.pk)
    if locked.resolved_at is not None:
        raise PlacementRefused(
            f"This concern was already resolved on {timezone.localtime(locked.resolved_at):%b %-d, %Y}."
        )
    concern.resolved_at = timezone.now()
    concern.resolved_by = actor
    concern.resolution_note = note
    concern.save(update_fields=["resolved_at", "resolved_by", "resolution_note"])
    AuditEvent.record(
        actor=actor,
        action=AuditAction.CONCERN_RESOLVED,
        target=placement,
        district=placement.district,
        data={"concern": concern.pk},
    )
    raiser = concern.raised_by
    if raiser is not None and raiser.pk != actor.pk:
        if can(raiser, "concern.resolve", concern):
            url = reverse("lifecycle:placement", args=[placement.pk])
        elif placement.mentor is not None and placement.mentor.user_id == raiser.pk:
            url = reverse("mentor:intern", args=[placement.pk])
        else:
            url = ""
        who = actor.get_full_name() or actor.get_username()
        notify(
            [raiser],
            verb=Verb.CONCERN_RESOLVED,
            text=f"{who} resolved the concern you raised about {placement}.",
            url=url,
            district=placement.district,
        )
    return concern


@transaction.atomic
def assign_mentor(*, placement, mentor, actor):
    """Name or change a placement's mentor, who must sign its agreements before it can start.

    The mentor must work for the opportunity's partner. On a placement still awaiting
    signatures, a mentor signature given by the previous mentor no longer counts: it is removed
    (and listed in the audit event) so the new mentor signs in their own name.
    """
    placement = _lock(placement)
    _require_manager(actor, placement)
    if placement.status in (Placement.Status.COMPLETED, Placement.Status.WITHDRAWN):
        raise PlacementRefused(
            f"A {placement.get_status_display().lower()} placement's mentor cannot be changed."
        )
    partner = placement.opportunity.partner
    if mentor.partner_id != partner.pk:
        raise PlacementRefused(f"{mentor} is not a mentor at {partner.name}.")
    if not mentor.user.is_active:
        raise PlacementRefused(f"{mentor}'s account is no longer active.")
    if placement.mentor_id == mentor.pk:
        raise PlacementRefused(f"{mentor} is already this placement's mentor.")
    previous = placement.mentor
    placement.mentor = mentor
    placement.save(update_fields=["mentor"])
    voided = []
    if placement.status == Placement.Status.CONFIRMED:
        stale = Signature.objects.filter(
            agreement__placement=placement, role=SignerRole.MENTOR
        ).exclude(signer_id=mentor.user_id)
        voided = [
            {
                "agreement": s.agreement_id,
                "typed_name": s.typed_name,
                "signed_at": s.signed_at.isoformat(),
            }
            for s in stale
        ]
        stale.delete()
    _audit(
        placement,
        actor=actor,
        action=AuditAction.PLACEMENT_MENTOR_ASSIGNED,
        data={
            "mentor": mentor.pk,
            "previous_mentor": getattr(previous, "pk", None),
            "voided_signatures": voided,
        },
    )
    if placement.status == Placement.Status.CONFIRMED:
        text = f"You are now the mentor for {placement}. Please sign its agreements."
        url = reverse("lifecycle:placement", args=[placement.pk])
    else:
        text = f"You are now the mentor for {placement}."
        url = reverse("mentor:intern", args=[placement.pk])
    notify(
        [mentor.user] if mentor.user_id != getattr(actor, "pk", None) else [],
        verb=Verb.MENTOR_ASSIGNED,
        text=text,
        url=url,
        district=placement.district,
    )
    return placement
