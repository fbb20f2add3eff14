"""Hour logs from report to approval: logging, edits, mentor decisions in the app or from an
e-mailed link, coordinator corrections. Every change is audited; e-mail goes out on commit.
"""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from trellis.accounts.permissions import can
from trellis.core.models import AuditAction, AuditEvent
from trellis.core.notifications import Verb, notify
from trellis.core.tokens import hash_token, new_token
from trellis.districts.calendar import DistrictCalendar, district_today, monday_of
from trellis.hours import links
from trellis.hours.labour import Shift, check_schedule
from trellis.hours.models import ApprovalLink, HourLog
from trellis.hours.totals import recount_placements
from trellis.placements.models import Placement

EDITABLE_BY_STUDENT = (HourLog.Status.SUBMITTED, HourLog.Status.RETURNED)


def hours_between(start: dt.time, end: dt.time) -> Decimal:
    seconds = (end.hour * 3600 + end.minute * 60 + end.second) - (
        start.hour * 3600 + start.minute * 60 + start.second
    )
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _check_times(
    placement, *, date, start_time, end_time, session=None, exclude_pk=None
) -> Decimal:
    """The rules one log must meet; returns its hours or raises ValidationError by field."""
    if end_time <= start_time:
        raise ValidationError({"end_time": "The end time must be after the start time."})
    if not placement.start_date <= date <= placement.end_date:
        raise ValidationError(
            {
                "date": f"The placement runs {placement.start_date:%b %-d, %Y} to {placement.end_date:%b %-d, %Y}."
            }
        )
    if date > district_today(placement.district):
        raise ValidationError({"date": "Hours cannot be logged for a future date."})
    if session is not None and session.placement_id != placement.pk:
        raise ValidationError({"session": "That session belongs to another placement."})
    overlapping = (
        HourLog.objects.filter(
            placement__student_id=placement.student_id,
            date=date,
            start_time__lt=end_time,
            end_time__gt=start_time,
        )
        .exclude(pk=exclude_pk)
        .order_by("start_time")
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: (
                    f"These times overlap hours already logged on {date:%b %-d} "
                    f"({overlapping.start_time:%H:%M}–{overlapping.end_time:%H:%M}); change that log instead."
                )
            }
        )
    return hours_between(start_time, end_time)


def week_labour_flags(
    student, logs, calendar, *, hazardous: bool, student_learner_agreement: bool, focus=None
) -> list[list[dict]]:
    """The labour flags each of one week's logs carries, in the order given (date, start, pk).

    Each log carries the violations dated on its day; a violation dated on no logged day goes
    on `focus` if it is one of the logs, else on the last. Logs need only `pk`, `date`,
    `start_time` and `end_time`, so the demo generator flags the logs it writes in bulk here too.
    """
    shifts = [Shift(log.date, log.start_time, log.end_time) for log in logs]
    violations = check_schedule(
        student,
        shifts,
        calendar,
        hazardous=hazardous,
        student_learner_agreement=student_learner_agreement,
    )
    logged_days = {log.date for log in logs}
    by_day: dict[dt.date | None, list[dict]] = defaultdict(list)
    for v in violations:
        flag = {
            "rule": v.rule_code,
            "message": v.message,
            "date": v.date.isoformat() if v.date else None,
        }
        by_day[v.date if v.date in logged_days else None].append(flag)
    target = focus if focus is not None and focus.date in logged_days else logs[-1]
    out = []
    for log in logs:
        flags = list(by_day.get(log.date, []))
        if log.pk == target.pk:
            flags += by_day.get(None, [])
        out.append(flags)
    return out


def refresh_labour_flags(student, day: dt.date, *, focus: HourLog | None = None) -> list[dict]:
    """Re-check the youth labour rules over the student's logs in the week of `day`.

    Flags never block a log (the hours were worked); they tell the coordinator. Returns the
    flags of `focus`, the log that was just written.
    """
    week_start = monday_of(day)
    week_end = week_start + dt.timedelta(days=6)
    logs = list(
        HourLog.objects.filter(placement__student=student, date__gte=week_start, date__lte=week_end)
        .select_related("placement__opportunity")
        .order_by("date", "start_time", "pk")
    )
    if not logs:
        return []
    hazardous_placements = {log.placement for log in logs if log.placement.opportunity.is_hazardous}
    flags_by_log = week_labour_flags(
        student,
        logs,
        DistrictCalendar(student.district, student.school),
        hazardous=bool(hazardous_placements),
        student_learner_agreement=bool(hazardous_placements)
        and all(p.student_learner_agreement_on_file for p in hazardous_placements),
        focus=focus,
    )
    changed = []
    for log, flags in zip(logs, flags_by_log, strict=True):
        if log.labour_flags != flags:
            log.labour_flags = flags
            changed.append(log)
    if changed:
        HourLog.objects.bulk_update(changed, ["labour_flags"])
    if focus is not None:
        focus.labour_flags = next((log.labour_flags for log in logs if log.pk == focus.pk), [])
        return focus.labour_flags
    return []


def _audit(action, log, *, actor=None, actor_label="", ip_address=None, data=None):
    return AuditEvent.record(
        actor=actor,
        action=action,
        target=log,
        district=log.placement.district,
        data=data,
        ip_address=ip_address,
        actor_label=actor_label,
    )


def _snapshot(log: HourLog) -> dict:
    """The editable values of a log as text, for old/new pairs in the audit trail."""
    return {
        "date": log.date.isoformat(),
        "start_time": log.start_time.strftime("%H:%M"),
        "end_time": log.end_time.strftime("%H:%M"),
        "hours": str(log.hours),
        "description": log.description,
        "status": log.status,
    }


def _send_later(subject: str, body: str, to: str) -> None:
    """E-mail after the transaction commits; a mail server failure is logged, not raised.

    Used for approval links instead of core.notifications: its queue stores messages in the
    task table, and a link's clear token must not be kept anywhere in the database.
    """
    if not to:
        return
    transaction.on_commit(
        lambda: send_mail(subject, body, None, [to]),
        robust=True,
    )


@transaction.atomic
def log_hours(
    *, placement, actor, date, start_time, end_time, description, session=None
) -> HourLog:
    """A student reports hours worked on their own active placement; labour rules are flagged, not enforced."""
    if not can(actor, "hours.log", placement):
        raise PermissionDenied("Only the student on this placement can log its hours.")
    if placement.status != Placement.Status.ACTIVE:
        raise ValidationError("Hours can only be logged on an active placement.")
    hours = _check_times(
        placement, date=date, start_time=start_time, end_time=end_time, session=session
    )
    log = HourLog.objects.create(
        placement=placement,
        session=session,
        date=date,
        start_time=start_time,
        end_time=end_time,
        hours=hours,
        description=description.strip(),
    )
    flags = refresh_labour_flags(placement.student, date, focus=log)
    _audit(
        AuditAction.HOUR_LOG_SUBMITTED,
        log,
        actor=actor,
        data={
            "hours": str(hours),
            "date": date.isoformat(),
            "labour_flags": [f["rule"] for f in flags],
        },
    )
    return log


@transaction.atomic
def update_hour_log(
    *, log, actor, date, start_time, end_time, description, ip_address=None
) -> HourLog:
    """The student fixes a submitted or returned log (returned ones go back to the mentor);
    a coordinator may correct any log, approved ones included, with old and new values audited."""
    placement = log.placement
    is_owner = can(actor, "hours.log", log)
    is_coordinator = can(actor, "hours.correct", log)
    if not (is_owner or is_coordinator):
        raise PermissionDenied("You cannot change this log.")
    if not is_coordinator:
        if log.status not in EDITABLE_BY_STUDENT:
            raise PermissionDenied("Approved hours can only be changed by a coordinator.")
        if placement.status not in (Placement.Status.ACTIVE, Placement.Status.COMPLETED):
            raise ValidationError("This placement no longer accepts changes to its hours.")
    old = _snapshot(log)
    old_date = log.date
    log.hours = _check_times(
        placement,
        date=date,
        start_time=start_time,
        end_time=end_time,
        session=log.session,
        exclude_pk=log.pk,
    )
    log.date, log.start_time, log.end_time = date, start_time, end_time
    log.description = description.strip()
    if is_coordinator and not is_owner:
        action = AuditAction.HOUR_LOG_CORRECTED
    elif log.status == HourLog.Status.RETURNED:
        action = AuditAction.HOUR_LOG_RESUBMITTED
        log.status = HourLog.Status.SUBMITTED
        log.return_comment = ""
        log.approver = None
        log.approver_label = ""
        log.decided_at = None
    else:
        action = AuditAction.HOUR_LOG_EDITED
    log.save()
    recount_placements([placement])
    refresh_labour_flags(placement.student, log.date, focus=log)
    if monday_of(old_date) != monday_of(log.date):
        refresh_labour_flags(placement.student, old_date)
    new = _snapshot(log)
    changed = {k: {"old": old[k], "new": new[k]} for k in new if old[k] != new[k]}
    _audit(
        action,
        log,
        actor=actor,
        ip_address=ip_address,
        data={"old": old, "new": new, "changed": sorted(changed)},
    )
    return log


@transaction.atomic
def delete_hour_log(*, log, actor) -> None:
    """The student withdraws a log the mentor has not approved."""
    if not can(actor, "hours.log", log):
        raise PermissionDenied("Only the student who logged these hours can delete them.")
    if log.status not in EDITABLE_BY_STUDENT:
        raise PermissionDenied("Approved hours can only be changed by a coordinator.")
    _audit(AuditAction.HOUR_LOG_DELETED, log, actor=actor, data={"old": _snapshot(log)})
    student, day = log.placement.student, log.date
    log.delete()  # never an approved one, so the reports' roll-up is unchanged
    refresh_labour_flags(student, day)


def _decide(log, *, status, approver, label, comment=""):
    log.status = status
    log.approver = approver
    log.approver_label = label
    log.decided_at = timezone.now()
    log.return_comment = comment


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


@transaction.atomic
def approve_hour_logs(*, logs, actor, ip_address=None) -> list[HourLog]:
    """The mentor (or a partner administrator) approves one or many submitted logs; all or nothing."""
    logs = list(logs)
    if not logs:
        raise ValidationError("Choose at least one log to approve.")
    for log in logs:
        if not can(actor, "hours.approve", log) or can(actor, "hours.log", log):
            raise PermissionDenied("You can only approve hours of students you supervise.")
        if log.status != HourLog.Status.SUBMITTED:
            raise ValidationError(f"The log of {log.date:%b %-d} is not awaiting approval.")
    for log in logs:
        _decide(log, status=HourLog.Status.APPROVED, approver=actor, label=_name(actor))
    HourLog.objects.bulk_update(
        logs, ["status", "approver", "approver_label", "decided_at", "return_comment"]
    )
    recount_placements({log.placement_id for log in logs})
    for log in logs:
        _audit(
            AuditAction.HOUR_LOG_APPROVED,
            log,
            actor=actor,
            ip_address=ip_address,
            data={"hours": str(log.hours)},
        )
    return logs


@transaction.atomic
def return_hour_log(*, log, actor, comment, ip_address=None) -> HourLog:
    """The mentor sends a log back to the student with a comment saying what to fix."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "Say what the student should change."})
    if not can(actor, "hours.approve", log) or can(actor, "hours.log", log):
        raise PermissionDenied("You can only return hours of students you supervise.")
    if log.status != HourLog.Status.SUBMITTED:
        raise ValidationError("Only logs awaiting approval can be returned.")
    _decide(
        log, status=HourLog.Status.RETURNED, approver=actor, label=_name(actor), comment=comment
    )
    log.save(update_fields=["status", "approver", "approver_label", "decided_at", "return_comment"])
    _audit(AuditAction.HOUR_LOG_RETURNED, log, actor=actor, ip_address=ip_address, data={"comment": comment})
    _notify_returned(log, by=_name(actor))
    return log


def _notify_returned(log, *, by: str) -> None:
    """Tell the student in the app and by e-mail (core notifications, sent after commit)."""
    student = log.placement.student
    notify(
        [student.user] if student.user_id else [],
        verb=Verb.HOURS_RETURNED,
        text=(
            f"{by} returned your hours of {log.date:%a %b %-d} "
            f"({log.start_time:%H:%M}–{log.end_time:%H:%M}) at {log.placement.opportunity}: "
            f"{log.return_comment}"
        ),
        url=reverse("hours:placement", args=[log.placement_id]),
        district=log.placement.district,
    )


@transaction.atomic
def send_approval_request(*, mentor, logs, actor=None) -> ApprovalLink:
    """E-mail the mentor a single-use link that approves exactly these submitted logs.

    The returned link carries the clear token in `link.token` (it is stored only hashed).
    """
    logs = list(logs)
    if not logs:
        raise ValidationError("There are no logs to send.")
    if not mentor.user.email:
        raise ValidationError(f"{mentor} has no e-mail address.")
    for log in logs:
        if log.placement.mentor_id != mentor.pk:
            raise ValidationError(f"{mentor} does not supervise every one of these logs.")
        if log.status != HourLog.Status.SUBMITTED:
            raise ValidationError(f"The log of {log.date:%b %-d} is not awaiting approval.")
        if actor is not None and not can(actor, "hours.oversee", log):
            raise PermissionDenied("You can only send requests for students you coordinate.")
    token = new_token()
    link = ApprovalLink.objects.create(
        mentor=mentor,
        token_hash=hash_token(token),
        sent_to=mentor.user.email,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        expires_at=links.expiry_from(),
    )
    link.logs.set(logs)
    AuditEvent.record(
        actor=actor,
        action=AuditAction.APPROVAL_LINK_SENT,
        target=link,
        district=mentor.partner.district,
        data={
            "log_ids": sorted(log.pk for log in logs),
            "sent_to": link.sent_to,
            "expires_at": link.expires_at.isoformat(),
        },
    )
    lines = "\n".join(
        f"  - {log.placement.student.full_name}, {log.date:%a %b %-d}: "
        f"{log.start_time:%H:%M}–{log.end_time:%H:%M} ({log.hours} h)"
        for log in sorted(logs, key=lambda x: (x.date, x.start_time))
    )
    _send_later(
        f"Trellis: {len(logs)} hour log{'s' if len(logs) != 1 else ''} to approve",
        (
            f"Hello {_name(mentor.user)},\n\nThese hours are waiting for your approval:\n\n{lines}\n\n"
            f"Approve them, or return one with a comment, here (no sign-in needed):\n{links.link_url(token)}\n\n"
            f"The link works once and expires on {timezone.localtime(link.expires_at):%b %-d, %Y}. "
            "Do not forward it: anyone with the link can approve these hours."
        ),
        link.sent_to,
    )
    link.token = token
    return link


def pending_logs_by_mentor(logs=None):
    """Submitted logs whose mentor has an e-mail address and no open link covering them yet."""
    logs = HourLog.objects.all() if logs is None else logs
    now = timezone.now()
    pending = (
        logs.filter(status=HourLog.Status.SUBMITTED, placement__mentor__isnull=False)
        .exclude(approval_links__in=ApprovalLink.objects.open(now=now))
        .select_related(
            "placement__student",
            "placement__mentor__user",
            "placement__mentor__partner__district",
            "placement__district",
        )
        .order_by("placement__mentor_id", "date", "start_time")
    )
    grouped = defaultdict(list)
    for log in pending:
        grouped[log.placement.mentor].append(log)
    return grouped


def send_pending_approval_requests(*, actor=None, logs=None) -> dict:
    """One e-mailed link per mentor with logs awaiting approval (the coordinator's button and the command).

    `logs` narrows the logs considered (a coordinator passes the logs in their scope).
    Mentors without an e-mail address are skipped and counted.
    """
    sent = skipped = count = 0
    for mentor, mentor_logs in pending_logs_by_mentor(logs).items():
        if not mentor.user.email:
            skipped += 1
            continue
        send_approval_request(mentor=mentor, logs=mentor_logs, actor=actor)
        sent += 1
        count += len(mentor_logs)
    return {"sent": sent, "logs": count, "skipped_mentors": skipped}


def decide_by_link(*, link, returns: dict, posted_ids=(), ip_address=None) -> dict:
    """The mentor acts on an e-mailed link: return the logs in `returns` (id → comment), approve the rest.

    The logs come from the link's server-side record: an id outside it is refused (and the
    attempt audited) before anything changes. `posted_ids` are any other log ids the request
    named; they too must belong to the link. The link is claimed atomically, so it works once.
    """
    links.ensure_usable(link)
    bound = {
        log.pk: log
        for log in link.logs.select_related(
            "placement__student__user", "placement__district", "placement__opportunity"
        )
    }
    outsiders = (set(returns) | set(posted_ids)) - set(bound)
    if outsiders:
        AuditEvent.record(
            actor=None,
            actor_label=links.approver_label(link.mentor),
            action=AuditAction.APPROVAL_LINK_REJECTED,
            target=link,
            district=link.mentor.partner.district,
            data={"refused_log_ids": sorted(str(i) for i in outsiders)},
            ip_address=ip_address,
        )
        raise PermissionDenied("This link cannot change those logs.")
    missing = [pk for pk, comment in returns.items() if not (comment or "").strip()]
    if missing:
        raise ValidationError(
            "Add a comment for each log you return, so the student knows what to fix."
        )
    with transaction.atomic():
        return _apply_link_decisions(link, bound, returns, ip_address)


def _apply_link_decisions(link, bound, returns, ip_address) -> dict:
    now = timezone.now()
    claimed = ApprovalLink.objects.filter(
        pk=link.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now, used_ip=ip_address)
    if not claimed:
        link.refresh_from_db()
        links.ensure_usable(link, now=now)
        raise links.LinkGone("used")
    link.used_at, link.used_ip = now, ip_address
    label = links.approver_label(link.mentor)
    result = {"approved": [], "returned": [], "skipped": []}
    for pk, log in sorted(bound.items()):
        # Decided in the app meanwhile, or the student moved to another mentor: leave it alone.
        if log.status != HourLog.Status.SUBMITTED or log.placement.mentor_id != link.mentor_id:
            result["skipped"].append(pk)
            continue
        if pk in returns:
            comment = returns[pk].strip()
            _decide(
                log, status=HourLog.Status.RETURNED, approver=None, label=label, comment=comment
            )
            action, data = AuditAction.HOUR_LOG_RETURNED, {"comment": comment}
            result["returned"].append(pk)
        else:
            _decide(log, status=HourLog.Status.APPROVED, approver=None, label=label)
            action, data = AuditAction.HOUR_LOG_APPROVED, {"hours": str(log.hours)}
            result["approved"].append(pk)
        log.save(
            update_fields=["status", "approver", "approver_label", "decided_at", "return_comment"]
        )
        _audit(
            action,
            log,
            actor_label=label,
            ip_address=ip_address,
            data={**data, "via": "e-mailed link", "link_id": link.pk},
        )
        if action == "hour_log.returned":
            _notify_returned(log, by=label)
    recount_placements({log.placement_id for log in bound.values()})
    AuditEvent.record(
        actor=None,
        actor_label=label,
        action=AuditAction.APPROVAL_LINK_USED,
        target=link,
        district=link.mentor.partner.district,
        data=result,
        ip_address=ip_address,
    )
    return result


def record_payroll_export(*, period, actor, fmt, row_count, ip_address=None) -> None:
    """A payroll file leaves the system: who took it, which period, how many rows (FERPA §99.32)."""
    AuditEvent.record(
        actor=actor,
        action=AuditAction.PAYROLL_EXPORTED,
        target=period,
        district=period.district,
        data={"format": fmt, "rows": row_count},
        ip_address=ip_address,
    )
