"""The opportunity catalog's workflow: partners draft and submit, coordinators approve or return.

Draft → pending (the partner submits) → published (a coordinator approves) → closed; a pending
opportunity the coordinator sends back returns to draft with a comment. Every step goes through
`Opportunity.transition_to`, is audited, and tells the other side in the app and by e-mail.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from trellis.accounts.models import Role, User
from trellis.accounts.permissions import can, require
from trellis.core.errors import Refused
from trellis.core.models import AuditAction, AuditEvent
from trellis.core.notifications import notify
from trellis.opportunities.models import Opportunity
from trellis.rules.capacity import SEAT_HOLDING_STATUSES

Status = Opportunity.Status

VERB_SUBMITTED = "opportunity.submitted"
VERB_APPROVED = "opportunity.approved"
VERB_RETURNED = "opportunity.returned"
VERB_CLOSED = "opportunity.closed"

# Fields a partner sets on a draft; status, district and partner are never taken from a form.
EDITABLE_FIELDS = (
    "title",
    "description",
    "requirements",
    "kind",
    "cluster",
    "subcluster",
    "worksite",
    "mentor",
    "term",
    "seats",
    "start_date",
    "end_date",
    "schedule_kind",
    "weekdays",
    "start_time",
    "end_time",
    "shorten_on_early_release",
    "min_grade",
    "min_age",
    "is_hazardous",
    "hazardous_orders",
    "is_paid",
    "hourly_rate",
    "target_hours",
)


class OpportunityRefused(Refused):
    """A catalog step the rules forbid; the message says why."""


def _require_partner_admin(actor, opportunity_or_partner):
    require(
        actor,
        "opportunity.edit",
        opportunity_or_partner,
        refusal="Only the partner's administrators can change its opportunities.",
    )


def _require_reviewer(actor, opportunity):
    require(
        actor,
        "opportunity.approve",
        opportunity,
        refusal="Only the district's coordinators can approve opportunities.",
    )


def _lock(opportunity):
    return (
        Opportunity.objects.select_for_update(of=("self",))
        .select_related("partner", "district", "worksite", "mentor")
        .get(pk=opportunity.pk)
    )


def _move(opportunity, new_status):
    try:
        opportunity.transition_to(new_status)
    except ValidationError as error:
        raise OpportunityRefused(error.messages) from None
    opportunity.save(update_fields=["status", "updated_at"])


def _audit(opportunity, *, actor, action, data=None):
    AuditEvent.record(
        actor=actor, action=action, target=opportunity, district=opportunity.district, data=data
    )


def open_placement_count(opportunity) -> int:
    return opportunity.placements.filter(status__in=SEAT_HOLDING_STATUSES).count()


def reviewers_for(district_id):
    """Who approves a district's catalog: district admins and district-wide coordinators,
    or every coordinator of the district when it has no district-wide one."""
    base = User.objects.filter(is_active=True, memberships__district_id=district_id)
    wide = base.filter(
        Q(memberships__role=Role.DISTRICT_ADMIN)
        | Q(memberships__role=Role.COORDINATOR, memberships__school__isnull=True)
    ).distinct()
    if wide.exists():
        return wide
    return base.filter(memberships__role=Role.COORDINATOR).distinct()


def partner_admins_of(partner_id):
    return User.objects.filter(
        is_active=True, memberships__role=Role.PARTNER_ADMIN, memberships__partner_id=partner_id
    ).distinct()


def submission_problems(opportunity, *, today=None) -> list[str]:
    """What keeps a draft from going to a coordinator (empty when it is ready)."""
    today = today or timezone.localdate()
    problems = []
    if opportunity.end_date < today:
        problems.append("The end date has passed.")
    if opportunity.seats < 1:
        problems.append("Offer at least one seat.")
    if opportunity.schedule_kind == Opportunity.ScheduleKind.WEEKLY:
        if not opportunity.weekdays:
            problems.append("Choose the weekdays students attend.")
        if not (opportunity.start_time and opportunity.end_time):
            problems.append("Give the daily start and end times.")
    elif not opportunity.target_hours:
        problems.append("A block schedule needs a target number of hours.")
    if opportunity.worksite_id is None:
        problems.append("Choose the worksite (a virtual worksite for remote work).")
    elif opportunity.worksite.partner_id != opportunity.partner_id:
        problems.append("The worksite belongs to another partner.")
    if opportunity.mentor_id and opportunity.mentor.partner_id != opportunity.partner_id:
        problems.append("The mentor belongs to another partner.")
    if opportunity.subcluster_id and opportunity.subcluster.cluster_id != opportunity.cluster_id:
        problems.append("The sub-cluster is not part of the chosen career cluster.")
    return problems


def _check_references(partner, fields):
    """Worksite and mentor must be the partner's own; a term must be the district's."""
    worksite, mentor, term = fields.get("worksite"), fields.get("mentor"), fields.get("term")
    if worksite is not None and worksite.partner_id != partner.pk:
        raise OpportunityRefused("The worksite belongs to another partner.")
    if mentor is not None and mentor.partner_id != partner.pk:
        raise OpportunityRefused("The mentor belongs to another partner.")
    if term is not None and term.school_year.district_id != partner.district_id:
        raise OpportunityRefused("The term belongs to another district.")


@transaction.atomic
def create_opportunity(*, partner, actor, fields: dict):
    """A new draft for the partner; nobody outside the partner sees it until it is approved."""
    _require_partner_admin(actor, partner)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise OpportunityRefused(f"Unknown fields: {', '.join(sorted(unknown))}.")
    _check_references(partner, fields)
    opportunity = Opportunity(
        partner=partner, district_id=partner.district_id, status=Status.DRAFT, **fields
    )
    opportunity.full_clean()
    opportunity.save()
    _audit(opportunity, actor=actor, action=AuditAction.OPPORTUNITY_CREATED)
    return opportunity


@transaction.atomic
def update_opportunity(*, opportunity, actor, fields: dict):
    """Edit a draft; published opportunities change only their seats (change_seats)."""
    opportunity = _lock(opportunity)
    _require_partner_admin(actor, opportunity)
    if opportunity.status != Status.DRAFT:
        raise OpportunityRefused(
            "Only drafts can be edited. A published opportunity can change its seats or close."
        )
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise OpportunityRefused(f"Unknown fields: {', '.join(sorted(unknown))}.")
    _check_references(opportunity.partner, fields)
    changed = []
    for name, value in fields.items():
        if getattr(opportunity, name) != value:
            setattr(opportunity, name, value)
            changed.append(name)
    if "seats" in changed and opportunity.seats < open_placement_count(opportunity):
        raise OpportunityRefused("Seats cannot go below the students already placed.")
    if changed:
        opportunity.full_clean()
        opportunity.save()
        _audit(opportunity, actor=actor, action=AuditAction.OPPORTUNITY_UPDATED, data={"fields": changed})
    return opportunity


@transaction.atomic
def change_seats(*, opportunity, actor, seats: int):
    """More or fewer seats; never fewer than the open (proposed, confirmed, active) placements."""
    opportunity = _lock(opportunity)
    if not (can(actor, "opportunity.edit", opportunity) or can(actor, "opportunity.approve", opportunity)):
        raise PermissionDenied("Only the partner's administrators or coordinators change seats.")
    if opportunity.status == Status.CLOSED:
        raise OpportunityRefused("This opportunity is closed.")
    if seats is None or seats < 0:
        raise OpportunityRefused("Seats must be zero or more.")
    taken = open_placement_count(opportunity)
    if seats < taken:
        raise OpportunityRefused(
            f"Seats cannot go below the {taken} student{'s' if taken != 1 else ''} already placed."
        )
    before = opportunity.seats
    if seats != before:
        opportunity.seats = seats
        opportunity.save(update_fields=["seats", "updated_at"])
        _audit(
            opportunity,
            actor=actor,
            action=AuditAction.OPPORTUNITY_SEATS_CHANGED,
            data={"from": before, "to": seats},
        )
    return opportunity


@transaction.atomic
def submit_opportunity(*, opportunity, actor):
    """Send a draft to the coordinators for approval; refused while it is incomplete."""
    opportunity = _lock(opportunity)
    _require_partner_admin(actor, opportunity)
    if opportunity.status == Status.DRAFT:
        problems = submission_problems(opportunity)
        if problems:
            raise OpportunityRefused(problems)
    _move(opportunity, Status.PENDING)
    _audit(opportunity, actor=actor, action=AuditAction.OPPORTUNITY_SUBMITTED)
    notify(
        reviewers_for(opportunity.district_id),
        verb=VERB_SUBMITTED,
        text=f"{opportunity.partner.name} submitted “{opportunity.title}” for approval.",
        url=reverse("opportunities:review", args=[opportunity.pk]),
        district=opportunity.district,
    )
    return opportunity


@transaction.atomic
def approve_opportunity(*, opportunity, actor):
    """Publish a pending opportunity: students can now see it and apply."""
    opportunity = _lock(opportunity)
    _require_reviewer(actor, opportunity)
    if opportunity.status == Status.PENDING:
        problems = submission_problems(opportunity)
        if problems:
            raise OpportunityRefused(problems)
    _move(opportunity, Status.PUBLISHED)
    _audit(opportunity, actor=actor, action=AuditAction.OPPORTUNITY_APPROVED)
    notify(
        partner_admins_of(opportunity.partner_id),
        verb=VERB_APPROVED,
        text=f"“{opportunity.title}” is approved and published to students.",
        url=reverse("partner_portal:opportunity", args=[opportunity.pk]),
        district=opportunity.district,
    )
    return opportunity


@transaction.atomic
def return_opportunity(*, opportunity, actor, comment: str):
    """Send a pending opportunity back to the partner as a draft, saying what to change."""
    opportunity = _lock(opportunity)
    _require_reviewer(actor, opportunity)
    comment = (comment or "").strip()
    if not comment:
        raise OpportunityRefused("Say what the partner should change.")
    _move(opportunity, Status.DRAFT)
    _audit(opportunity, actor=actor, action=AuditAction.OPPORTUNITY_RETURNED, data={"comment": comment})
    notify(
        partner_admins_of(opportunity.partner_id),
        verb=VERB_RETURNED,
        text=f"“{opportunity.title}” was sent back for changes: {comment}",
        url=reverse("partner_portal:opportunity", args=[opportunity.pk]),
        district=opportunity.district,
    )
    return opportunity


@transaction.atomic
def close_opportunity(*, opportunity, actor):
    """Stop taking students; placements already made carry on."""
    opportunity = _lock(opportunity)
    partner_side = can(actor, "opportunity.edit", opportunity)
    if not (partner_side or can(actor, "opportunity.approve", opportunity)):
        raise PermissionDenied("Only the partner's administrators or coordinators can close it.")
    _move(opportunity, Status.CLOSED)
    _audit(opportunity, actor=actor, action=AuditAction.OPPORTUNITY_CLOSED)
    if partner_side:
        recipients, url = (
            reviewers_for(opportunity.district_id),
            reverse("opportunities:detail", args=[opportunity.pk]),
        )
    else:
        recipients, url = (
            partner_admins_of(opportunity.partner_id),
            reverse("partner_portal:opportunity", args=[opportunity.pk]),
        )
    notify(
        [u for u in recipients if u.pk != actor.pk],
        verb=VERB_CLOSED,
        text=f"“{opportunity.title}” at {opportunity.partner.name} is closed to new students.",
        url=url,
        district=opportunity.district,
    )
    return opportunity


def last_return_comment(opportunity):
    """The coordinator's latest "send back" comment, from the audit trail (None if never returned)."""
    event = (
        AuditEvent.objects.filter(
            action=AuditAction.OPPORTUNITY_RETURNED,
            target_type=opportunity._meta.label_lower,
            target_id=str(opportunity.pk),
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    return event
