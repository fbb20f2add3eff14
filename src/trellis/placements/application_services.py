"""What a student does on their own: apply to an opportunity, withdraw the application, reflect.

Each service acts only for the student themself (`actor` is the student's account), runs in one
transaction, refuses with a sentence the student can act on, and writes an audit event. The
rules for who may apply are the browse page's (`opportunities.search.reasons_not_open`), so the
page and the service can never disagree.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from trellis.accounts.models import Role, User
from trellis.accounts.permissions import require
from trellis.core.models import AuditAction, AuditEvent
from trellis.core.notifications import notify
from trellis.districts.calendar import district_today
from trellis.opportunities import search
from trellis.opportunities.models import Opportunity
from trellis.placements.models import Application, CareerFit, Placement, Reflection

STATEMENT_MAX = 1500
REFLECTION_MAX = 5000
REFLECTION_STATUSES = (Placement.Status.ACTIVE, Placement.Status.COMPLETED)
APPLICATION_SUBMITTED = "application.submitted"


class ApplicationRefused(ValidationError):
    """An application, withdrawal or reflection the rules forbid; the message says why."""


def _require_own(actor, record, action="application.submit"):
    require(actor, action, record, refusal="Only the student can do this for themself.")


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
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("student__district", "opportunity")
        .get(pk=application.pk)
    )
    _require_own(actor, application.student)
    if application.status != Application.Status.SUBMITTED:
        raise ApplicationRefused(
            f"Only a submitted application can be withdrawn; this one is "
            f"{application.get_status_display().lower()}."
        )
    application.status = Application.Status.WITHDRAWN
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at"])
    AuditEvent.record(
        actor=actor,
        action=AuditAction.APPLICATION_WITHDRAWN,
        target=application,
        district=application.student.district,
        data={"opportunity": application.opportunity_id},
    )
    return application


@transaction.atomic
def write_reflection(*, placement, actor, career_fit, text) -> Reflection:
    """The student's reflection on an active or completed placement, with their career fit."""
    _require_own(actor, placement, "reflection.write")
    if placement.status not in REFLECTION_STATUSES:
        raise ApplicationRefused(
            f"You can reflect on an active or completed placement; this one is "
            f"{placement.get_status_display().lower()}."
        )
    if career_fit not in CareerFit.values:
        raise ApplicationRefused(
            "Choose whether this career is for you, you are unsure, or it is not for you."
        )
    text = (text or "").strip()
    if not text:
        raise ApplicationRefused("Write your reflection.")
    if len(text) > REFLECTION_MAX:
        raise ApplicationRefused(f"Keep your reflection to {REFLECTION_MAX} characters or fewer.")
    reflection = Reflection.objects.create(placement=placement, career_fit=career_fit, text=text)
    AuditEvent.record(
        actor=actor,
        action=AuditAction.REFLECTION_WRITTEN,
        target=placement,
        district=placement.district,
        data={"reflection": reflection.pk, "career_fit": career_fit},
    )
    return reflection
