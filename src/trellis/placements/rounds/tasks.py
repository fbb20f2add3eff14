"""Background tasks for match rounds (django-tasks; the database backend outside tests).

The tasks import the services; the services queue them through `services.queue_with`, called at
the bottom of this module, which PlacementsConfig.ready imports."""

from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django_tasks import task

from trellis.accounts.models import Role
from trellis.core.notifications import absolute_url
from trellis.placements.models import MatchRound, MatchRun, Placement
from trellis.placements.rounds.services import perform_match_run, queue_with, unplaced_students


@task()
def execute_match_run(run_id: int) -> dict:
    """Run the engine for one queued MatchRun; progress and failures are saved on the row."""
    run = MatchRun.objects.select_related("match_round", "requested_by").get(pk=run_id)
    run = perform_match_run(run)
    return {"run": run.pk, "status": run.status}


def _link(name, *args) -> str:
    return absolute_url(reverse(name, args=args))


@task()
def send_round_notifications(round_id: int) -> int:
    """E-mail every student their result and every host partner its proposed students."""
    match_round = MatchRound.objects.select_related("district").get(pk=round_id)
    placements = list(
        Placement.objects.filter(match_round=match_round)
        .select_related("student__user", "opportunity__partner")
        .order_by("opportunity__partner__name", "opportunity__title", "student__last_name")
    )
    reply_to = (
        [match_round.district.wbl_contact_email] if match_round.district.wbl_contact_email else None
    )
    result_url = _link("rounds:my_result", match_round.pk)
    messages = []
    for p in placements:
        to = _student_addresses(p.student)
        if to:
            messages.append(
                EmailMessage(
                    subject=f"Your placement proposal: {p.opportunity.title}",
                    body=(
                        f'Hello {p.student.full_name},\n\nThe match round "{match_round.name}" is published. '
                        f"You have been proposed for {p.opportunity.title} at {p.opportunity.partner.name}, "
                        f"starting {p.start_date:%B} {p.start_date.day}.\n\nSee your result and the next steps: {result_url}\n"
                    ),
                    to=to,
                    reply_to=reply_to,
                )
            )
    for student in unplaced_students(match_round).select_related("user"):
        to = _student_addresses(student)
        if to:
            messages.append(
                EmailMessage(
                    subject=f"Match round result: {match_round.name}",
                    body=(
                        f'Hello {student.full_name},\n\nThe match round "{match_round.name}" is published and '
                        "you were not placed this time. Your result page explains why, and lists "
                        f"opportunities that still have open seats: {result_url}\n"
                    ),
                    to=to,
                    reply_to=reply_to,
                )
            )
    by_partner: dict = {}
    for p in placements:
        by_partner.setdefault(p.opportunity.partner, []).append(p)
    for partner, rows in by_partner.items():
        to = _partner_addresses(partner)
        if not to:
            continue
        lines = "\n".join(f"- {p.student.full_name}: {p.opportunity.title}" for p in rows)
        messages.append(
            EmailMessage(
                subject=f"Students proposed to {partner.name}",
                body=(
                    f'Hello,\n\nThe match round "{match_round.name}" proposed these students to {partner.name}:\n\n'
                    f"{lines}\n\nPlease review them in Trellis: {_link('rounds:placements', match_round.pk)}\n"
                ),
                to=to,
                reply_to=reply_to,
            )
        )
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


def _student_addresses(student) -> list[str]:
    email = student.email or (student.user.email if student.user_id and student.user else "")
    return [email] if email else []


def _partner_addresses(partner) -> list[str]:
    emails = {partner.contact_email} if partner.contact_email else set()
    emails |= set(
        partner.memberships.filter(role=Role.PARTNER_ADMIN, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(emails)


queue_with(match_run=execute_match_run, round_notifications=send_round_notifications)
