"""The FERPA disclosure record (34 CFR 99.32): who saw or took which student's education
record, when and why, kept with the student's record and shown to the student and guardians.

Each disclosure is an AuditEvent whose target is the student, so it lives with the record and
goes when the record is purged. Bulk exports are recorded once, with what was exported and
the filters used.
"""

from django.core.exceptions import PermissionDenied

from trellis.accounts.permissions import can
from trellis.core.audit import AuditAction
from trellis.core.models import AuditEvent

# --- Audit actions of the disclosure record (members of core.audit.AuditAction) ---------------
STUDENT_PAGE_VIEWED = AuditAction.STUDENT_PAGE_VIEWED  # staff or a partner opened the student page
APPLICANTS_VIEWED = AuditAction.APPLICANTS_VIEWED  # a partner read the student as an applicant
RECORD_VIEWED = AuditAction.RECORD_VIEWED  # the experience record page
RECORD_DOWNLOADED = AuditAction.RECORD_DOWNLOADED  # the experience record PDF
BULK_EXPORT = AuditAction.EXPORT_DOWNLOADED  # a CSV/XLSX leaving the system, by anyone
STUDENT_DELETED = AuditAction.STUDENT_DELETED  # a student record deleted (site administration)
DISCLOSURE_LOG_EXPORTED = AuditAction.DISCLOSURE_LOG_EXPORTED

DISCLOSURE_ACTIONS = (STUDENT_PAGE_VIEWED, APPLICANTS_VIEWED, RECORD_VIEWED, RECORD_DOWNLOADED)


def _label(student) -> str:
    return str(student)[:200]


def record_disclosure(*, students, actor, action, purpose, data=None, ip_address=None) -> int:
    """One disclosure row per student (who, what, when, why); returns how many were written."""
    students = [s for s in students if s is not None]
    if not students:
        return 0
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = (user.get_full_name() or user.get_username()) if user else ""
    rows = [
        AuditEvent(
            district_id=s.district_id,
            actor=user,
            actor_label=label,
            action=action,
            target_type="students.student",
            target_id=str(s.pk),
            target_label=_label(s),
            data={"purpose": purpose, **(data or {})},
            ip_address=ip_address,
        )
        for s in students
    ]
    AuditEvent.record_many(rows)  # one INSERT for the lot
    return len(rows)


def record_bulk_export(*, actor, district, what: str, rows: int, filters=None, ip_address=None):
    """Any CSV/XLSX export, whoever takes it: what, how many rows, with which filters."""
    return AuditEvent.record(
        actor=actor,
        action=BULK_EXPORT,
        district=district,
        data={"export": what, "rows": rows, "filters": filters or {}},
        ip_address=ip_address,
    )


def disclosures_for(student):
    """The student's disclosure record, newest first (the student's own views are not in it)."""
    events = AuditEvent.objects.filter(
        target_type="students.student", target_id=str(student.pk), action__in=DISCLOSURE_ACTIONS
    )
    if student.user_id:
        events = events.exclude(actor_id=student.user_id)
    return events.order_by("-created_at", "-id")


DISCLOSURE_HEADER = ["When (UTC)", "Who", "What", "Purpose", "From address"]


def disclosure_rows(student):
    return [
        [
            e.created_at.strftime("%Y-%m-%d %H:%M"),
            e.actor_label,
            e.action,
            (e.data or {}).get("purpose", ""),
            e.ip_address or "",
        ]
        for e in disclosures_for(student).iterator()
    ]


def export_disclosure_log(*, student, actor, ip_address=None) -> list:
    """A coordinator takes the student's disclosure record (itself recorded)."""
    if not can(actor, "student.export_disclosures", student):
        raise PermissionDenied("Only the student's coordinators export the disclosure record.")
    rows = disclosure_rows(student)
    AuditEvent.record(
        actor=actor,
        action=DISCLOSURE_LOG_EXPORTED,
        target=student,
        district=student.district,
        data={"rows": len(rows)},
        ip_address=ip_address,
    )
    return rows
