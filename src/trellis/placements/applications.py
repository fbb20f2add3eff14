"""The application lifecycle, in one place: a student applies and may withdraw; the partner
accepts (proposing a placement), declines, or ranks applicants for a match round.

submitted → interview (ranked) → accepted | declined; submitted → withdrawn → submitted again.
Each service checks who acts (the student for themself, the partner's administrators for its
applicants), runs in one transaction, refuses with a sentence the person can act on, writes an
audit event and tells the other side. The rules for who may apply are the browse page's
(`opportunities.search.reasons_not_open`), so the page and the service can never disagree.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from trellis.accounts.models import Role, User
from trellis.accounts.permissions import require
from trellis.core.errors import Refused
from trellis.core.models import AuditAction, AuditEvent
from trellis.core.notifications import notify
from trellis.districts.calendar import district_today
from trellis.opportunities import search
from trellis.opportunities.models import Opportunity
from trellis.placements.models import Application
from trellis.placements.services import create_placement

STATEMENT_MAX = 1500
APPLICATION_SUBMITTED = "application.submitted"
VERB_APPLICATION_ACCEPTED = "application.accepted"
VERB_APPLICATION_DECLINED = "application.declined"
DECIDABLE = (Application.Status.SUBMITTED, Application.Status.INTERVIEW)
"""The statuses a partner can still decide on (accept, decline or rank)."""


class ApplicationRefused(Refused):
    """An application step the rules forbid; the message says why."""


def _require_own(actor, record):
    require(actor, "application.submit", record, refusal="Only the student can do this for themself.")


def _require_reviewer(actor, application):
    require(
        actor,
        "application.review",
        application,
        refusal="Only the partner's administrators can do this.",
    )


def _partner_admins(opportunity):
    """The partner's administrators decide on applications in the partner portal."""
    return list(
        User.objects.filter(
            memberships__role=Role.PARTNER_ADMIN,
            memberships__partner_id=opportunity.partner_id,
            is_active=True,
        ).distinct()
    )


def name_for_partner(student) -> str:
    """The student's full name only with their consent; otherwise first name and grade."""
    if student.shares_profile_with_partners:
        return student.full_name
    return f"{student.preferred_name or student.first_name} (grade {student.grade})"


def _tell_partner(opportunity, student):
    """Administrators land on the applicants page; the opportunity's mentor, who has no such
    page, on the opportunity."""
    text = f"New application for {opportunity.title} from {name_for_partner(student)}."
    admins = _partner_admins(opportunity)
    notify(
        admins,
        verb=APPLICATION_SUBMITTED,
        text=text,
        url=reverse("partner_portal:applicants", args=[opportunity.pk]),
        district=student.district,
    )
    if opportunity.mentor_id and opportunity.mentor.user_id not in {u.pk for u in admins}:
        notify(
            [opportunity.mentor.user],
            verb=APPLICATION_SUBMITTED,
            text=text,
            url=reverse("opportunities:detail", args=[opportunity.pk]),
            district=student.district,
        )


def _lock_application(application):
    """Re-read the row under a write lock so two clicks cannot both decide it."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related(
            "student__user", "student__school", "student__district", "opportunity__partner__district"
        )
        .get(pk=application.pk)
    )


def _decide(application, status, *fields):
    """Every move out of the partner's queue (or the student's withdrawal) stamps its time."""
    application.status = status
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at", *fields])


@transaction.atomic
def apply_to_opportunity(*, student, opportunity, statement, actor) -> Application:
    """Apply with a short statement; refused when any reason on the browse page applies.

    One application per student and opportunity: a withdrawn application is submitted again
    (with the new statement) rather than duplicated.
    """
    _require_own(actor, student)
    if not student.is_active:
        raise ApplicationRefused("Your student record is not active; ask your coordinator.")
    statement = (statement or "").strip()
    if not statement:
        raise ApplicationRefused("Write a short statement about why you want this opportunity.")
    if len(statement) > STATEMENT_MAX:
        raise ApplicationRefused(f"Keep your statement to {STATEMENT_MAX} characters or fewer.")
    # Applications to one opportunity are serialised, so a double click meets the first row.
    locked = Opportunity.objects.select_for_update(of=("self",)).filter(pk=opportunity.pk).first()
    if locked is None or locked.district_id != student.district_id:
        raise ApplicationRefused("That opportunity is not open to you.")
    annotated = search.get_for_student(actor, student, opportunity.pk)
    if annotated is None:
        raise ApplicationRefused(f"“{locked.title}” is not open for applications.")
    reasons = search.reasons_not_open(student, annotated, today=district_today(student.district))
    if reasons:
        raise ApplicationRefused(" ".join(r["text"] for r in reasons))
    existing = (
        Application.objects.select_for_update()
        .filter(student=student, opportunity=annotated)
        .first()
    )
    if existing is not None:
        # Only a withdrawn one can be here: every standing status is a reason above.
        existing.status = Application.Status.SUBMITTED
        existing.statement = statement
        existing.interview_rank = None
        existing.decided_at = None
        existing.save(update_fields=["status", "statement", "interview_rank", "decided_at"])
        application, action = existing, AuditAction.APPLICATION_RESUBMITTED
    else:
        application = Application.objects.create(
            student=student, opportunity=annotated, statement=statement
        )
        action = AuditAction.APPLICATION_SUBMITTED
    AuditEvent.record(
        actor=actor,
        action=action,
        target=application,
        district=student.district,
        data={"opportunity": annotated.pk},
    )
    _tell_partner(annotated, student)
    return application


@transaction.atomic
def withdraw_application(*, application, actor) -> Application:
    """The student takes back an application the partner has not yet acted on."""
    application = _lock_application(application)
    _require_own(actor, application.student)
    if application.status != Application.Status.SUBMITTED:
        raise ApplicationRefused(
            f"Only a submitted application can be withdrawn; this one is "
            f"{application.get_status_display().lower()}."
        )
    _decide(application, Application.Status.WITHDRAWN)
    AuditEvent.record(
        actor=actor,
        action=AuditAction.APPLICATION_WITHDRAWN,
        target=application,
        district=application.student.district,
        data={"opportunity": application.opportunity_id},
    )
    return application


# --- The partner's decisions ---------------------------------------------------------------


def _decidable(application):
    if application.status not in DECIDABLE:
        raise ApplicationRefused(
            f"This application is already {application.get_status_display().lower()}."
        )


def _tell_student(application, *, verb, text):
    student = application.student
    if student.user_id:
        notify(
            [student.user],
            verb=verb,
            text=text,
            url=reverse("opportunities:detail", args=[application.opportunity_id]),
            district=application.opportunity.partner.district,
        )


@transaction.atomic
def accept_application(*, application, actor):
    """Accept an applicant: the application is accepted and a placement is proposed to the
    student's coordinator, through the lifecycle's create_placement (seats, eligibility)."""
    application = _lock_application(application)
    opportunity = application.opportunity
    _require_reviewer(actor, application)
    _decidable(application)
    _decide(application, Application.Status.ACCEPTED)
    placement = create_placement(
        student=application.student, opportunity=opportunity, actor=actor, application=application
    )
    AuditEvent.record(
        actor=actor,
        action=AuditAction.APPLICATION_ACCEPTED,
        target=application,
        district=opportunity.partner.district,
        data={"placement": placement.pk},
    )
    _tell_student(
        application,
        verb=VERB_APPLICATION_ACCEPTED,
        text=f"{opportunity.partner.name} accepted your application to “{opportunity.title}”. "
        "Your coordinator will confirm the placement.",
    )
    return placement


@transaction.atomic
def decline_application(*, application, actor, note=""):
    """Decline an applicant; the note stays with the partner and the school."""
    application = _lock_application(application)
    opportunity = application.opportunity
    _require_reviewer(actor, application)
    _decidable(application)
    application.partner_note = (note or "").strip()
    _decide(application, Application.Status.DECLINED, "partner_note")
    AuditEvent.record(
        actor=actor,
        action=AuditAction.APPLICATION_DECLINED,
        target=application,
        district=opportunity.partner.district,
    )
    _tell_student(
        application,
        verb=VERB_APPLICATION_DECLINED,
        text=f"{opportunity.partner.name} cannot offer you a place in “{opportunity.title}” "
        "this time. Other opportunities are open.",
    )
    return application


@transaction.atomic
def rank_application(*, application, actor, rank):
    """The partner's interview rank (1 = best), used by match rounds; blank clears it.

    Ranking a submitted application moves it to the interview stage.
    """
    application = _lock_application(application)
    opportunity = application.opportunity
    _require_reviewer(actor, application)
    _decidable(application)
    if rank is not None and (rank < 1 or rank > 999):
        raise ApplicationRefused("A rank is a whole number from 1 (best) up.")
    before = application.interview_rank
    application.interview_rank = rank
    if rank is not None and application.status == Application.Status.SUBMITTED:
        application.status = Application.Status.INTERVIEW
    application.save(update_fields=["interview_rank", "status"])
    AuditEvent.record(
        actor=actor,
        action=AuditAction.APPLICATION_RANKED,
        target=application,
        district=opportunity.partner.district,
        data={"from": before, "to": rank},
    )
    return application
