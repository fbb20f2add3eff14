"""OneRoster imports: upload, preview, confirm, apply (one transaction, audited); one student upsert."""

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from trellis.accounts.permissions import require
from trellis.core.errors import Refused
from trellis.core.models import AuditAction, AuditEvent
from trellis.districts.models import District, School
from trellis.rostering.apply import apply_plan
from trellis.rostering.models import RosterImport
from trellis.rostering.oneroster import RosterFileError
from trellis.rostering.plan import TRELLIS_GRADES, Plan, build_plan, graduation_year
from trellis.students.models import Student

ACTION = "roster.import"


class ImportRefused(Refused):
    """The file (or one of its rows) cannot be used; nothing was written."""


def _progress(roster_import):
    def report(pct):
        roster_import.progress = pct
        RosterImport.objects.filter(pk=roster_import.pk).update(progress=pct)

    return report


def _plan(roster_import, *, skip_invalid, progress=None) -> Plan | None:
    """The plan for the stored file, or None with the import marked refused (file unreadable)."""
    try:
        with roster_import.file.open("rb") as handle:
            return build_plan(roster_import.district, handle, skip_invalid=skip_invalid, progress=progress)
    except RosterFileError as exc:
        roster_import.problems = [p.as_row() for p in exc.problems]
        roster_import.problem_count = len(exc.problems)
        return None


def _store_plan(roster_import, plan: Plan):
    roster_import.version = plan.package.version
    roster_import.mode = plan.mode
    roster_import.counts = plan.counts
    roster_import.problems = plan.stored_problems()
    roster_import.problem_count = len(plan.problems)
    roster_import.warnings = plan.warnings


def upload_import(*, district, upload, actor) -> RosterImport:
    """Store an uploaded ZIP; its check (the preview) runs in a worker: `tasks.queue_check`."""
    require(actor, ACTION, district, refusal="You may not import the district's roster.")
    roster_import = RosterImport(
        district=district, uploaded_by=actor, filename=upload.name[:255], size=upload.size or 0
    )
    roster_import.file.save(upload.name, upload, save=False)
    roster_import.save()
    return roster_import


def check_import(roster_import) -> RosterImport:
    """Build the plan without writing; store what it would do and every refused row."""
    roster_import.status = RosterImport.Status.CHECKING
    plan = _plan(roster_import, skip_invalid=False, progress=_progress(roster_import))
    if plan is not None:
        _store_plan(roster_import, plan)
    usable = plan is not None and not plan.fatal
    roster_import.status = RosterImport.Status.PREVIEWED if usable else RosterImport.Status.REFUSED
    roster_import.progress = 0
    roster_import.save()
    return roster_import


@transaction.atomic
def confirm_import(*, roster_import, actor, skip_invalid=False) -> RosterImport:
    """Mark a previewed import queued (`tasks.queue_import` runs it in a worker). With refused rows
    it is confirmed only when "import the rest" is chosen."""
    require(actor, ACTION, roster_import.district, refusal="You may not import the district's roster.")
    roster_import = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
    if roster_import.status != RosterImport.Status.PREVIEWED:
        raise ImportRefused(f"This import is {roster_import.get_status_display().lower()}; it cannot be confirmed.")
    if roster_import.problem_count and not skip_invalid:
        raise ImportRefused(
            f"{roster_import.problem_count} rows are refused. Fix the file and upload it again, "
            "or choose to import the rest without them."
        )
    roster_import.status = RosterImport.Status.QUEUED
    roster_import.skip_invalid = bool(skip_invalid and roster_import.problem_count)
    roster_import.confirmed_by = actor
    roster_import.progress = 0
    roster_import.save(update_fields=["status", "skip_invalid", "confirmed_by", "progress"])
    return roster_import


def perform_import(roster_import) -> RosterImport:
    """Re-read the file against the database as it is now and apply it all, or nothing."""
    progress = _progress(roster_import)
    roster_import.status = RosterImport.Status.RUNNING
    roster_import.started_at = timezone.now()
    roster_import.save(update_fields=["status", "started_at"])
    try:
        plan = _plan(roster_import, skip_invalid=roster_import.skip_invalid, progress=progress)
        if plan is not None:
            _store_plan(roster_import, plan)
        if plan is None or plan.refused:
            roster_import.status = RosterImport.Status.REFUSED
        else:
            progress(50)
            with transaction.atomic():
                # One import per district at a time: the district row is the lock. An import that
                # finished while this one was planning changed the rows the plan read: read again.
                District.objects.select_for_update().get(pk=roster_import.district_id)
                if (
                    RosterImport.objects.filter(
                        district_id=roster_import.district_id,
                        status=RosterImport.Status.DONE,
                        finished_at__gte=roster_import.started_at,
                    )
                    .exclude(pk=roster_import.pk)
                    .exists()
                ):
                    plan = _plan(roster_import, skip_invalid=roster_import.skip_invalid)
                    _store_plan(roster_import, plan)
                    if plan.refused:
                        raise ImportRefused("The file no longer fits the district after another import.")
                apply_plan(plan)
                roster_import.counts = plan.counts
                roster_import.warnings = plan.warnings
                AuditEvent.record(
                    actor=roster_import.confirmed_by,
                    action=AuditAction.ROSTER_IMPORTED,
                    target=roster_import,
                    district=roster_import.district,
                    data={
                        "file": roster_import.filename,
                        "version": roster_import.version,
                        "mode": roster_import.mode,
                        "counts": plan.counts,
                        "refused_rows_left_out": len(plan.problems),
                    },
                )
                roster_import.status = RosterImport.Status.DONE
                roster_import.progress = 100
                roster_import.finished_at = timezone.now()
                roster_import.save()
    except ImportRefused:
        roster_import.status = RosterImport.Status.REFUSED
    except Exception as exc:  # the worker must record why, whatever broke; the transaction rolled back
        roster_import.status = RosterImport.Status.FAILED
        roster_import.error = f"{type(exc).__name__}: {exc}"[:2000]
        roster_import.finished_at = timezone.now()
        roster_import.save()
        raise
    if roster_import.status != RosterImport.Status.DONE:
        roster_import.progress = 0
        roster_import.finished_at = timezone.now()
        roster_import.save()
    return roster_import


def import_file(*, district, path, actor=None, dry_run=False, skip_invalid=False) -> tuple[RosterImport | None, Plan]:
    """The command line's import: the same plan and apply, recorded in the history unless a dry run."""
    with open(path, "rb") as handle:
        if dry_run:
            plan = build_plan(district, handle, skip_invalid=skip_invalid)
            return None, plan
        roster_import = RosterImport(district=district, uploaded_by=actor, confirmed_by=actor, skip_invalid=skip_invalid)
        roster_import.filename = str(path).rsplit("/", 1)[-1][:255]
        roster_import.size = handle.seek(0, 2)
        handle.seek(0)
        roster_import.file.save(roster_import.filename, File(handle), save=False)
    roster_import.save()
    perform_import(roster_import)
    return roster_import, None


# --- One student (the API's upsert by SIS id reuses this) -----------------------------------------


@transaction.atomic
def upsert_student(
    *, district, actor, student_number, school, first_name, last_name, grade, birth_date,
    sourced_id=None, year_end=None, **fields,
) -> tuple[Student, bool]:
    """Create or update one student keyed by sourcedId, else by student number; audited.

    Returns (student, created). `fields` may set preferred_name, pronouns, email, race_ethnicity,
    gender and is_active. The graduation year follows from the grade and the school year's end.
    """
    if not getattr(actor, "is_authenticated", False) or not (
        actor.can(ACTION, district) or actor.can("student.edit_profile", Student(district=district, school=school))
    ):
        raise PermissionDenied("You may not change this district's students.")
    if not isinstance(school, School) or school.district_id != district.pk:
        raise ImportRefused({"school": "The school is not one of the district's."})
    if grade not in TRELLIS_GRADES:
        raise ImportRefused({"grade": "Trellis rosters grades 6 to 12."})
    if not student_number:
        raise ImportRefused({"student_number": "A student needs the SIS student number."})
    allowed = {"preferred_name", "pronouns", "email", "race_ethnicity", "gender", "is_active"}
    unknown = set(fields) - allowed
    if unknown:
        raise ImportRefused(f"Unknown student fields: {', '.join(sorted(unknown))}.")
    qs = Student.objects.select_for_update().filter(district=district)
    student = (qs.filter(sourced_id=sourced_id).first() if sourced_id else None) or qs.filter(
        student_number=student_number
    ).first()
    if student is not None and sourced_id and student.sourced_id not in (None, sourced_id):
        raise ImportRefused({"student_number": "This student number belongs to another rostered student."})
    if year_end is None:
        from trellis.districts.calendar import district_today

        today = district_today(district)
        year = district.school_years.filter(start_date__lte=today, end_date__gte=today).first()
        year_end = year.end_date.year if year else today.year + (1 if today.month >= 7 else 0)
    values = {
        "school": school, "student_number": student_number, "first_name": first_name, "last_name": last_name,
        "grade": grade, "graduation_year": graduation_year(grade, year_end), "birth_date": birth_date, **fields,
    }
    if sourced_id:
        values["sourced_id"] = sourced_id
    created = student is None
    if created:
        student = Student(district=district, **values)
    else:
        for field, value in values.items():
            setattr(student, field, value)
    student.full_clean(exclude=["user", "cte_cluster"])
    student.save()
    AuditEvent.record(
        actor=actor, action=AuditAction.STUDENT_CREATED if created else AuditAction.STUDENT_UPDATED, target=student, district=district,
        data={"via": "upsert", "student_number": student_number},
    )
    return student, created


# --- Rostered staff as mentors for district departments ----------------------------------------


@transaction.atomic
def make_department_mentor(*, user, partner, actor, title=""):
    """Make a rostered staff member a mentor for one of the district's own departments; audited."""
    from trellis.accounts.models import Membership, Role
    from trellis.partners.models import Mentor, PartnerKind

    require(actor, ACTION, partner.district, refusal="You may not assign the district's staff.")
    if user.rostered_district_id != partner.district_id or not user.is_active:
        raise ImportRefused("Only active staff rostered for this district can mentor for its departments.")
    if partner.kind != PartnerKind.DISTRICT_DEPARTMENT:
        raise ImportRefused(f"{partner.name} is not a district department.")
    if Mentor.objects.filter(partner=partner, user=user).exists():
        raise ImportRefused(f"{user} already mentors for {partner.name}.")
    Membership.objects.get_or_create(user=user, role=Role.MENTOR, district_id=partner.district_id, partner=partner)
    mentor = Mentor.objects.create(partner=partner, user=user, title=title or user.sis_role)
    AuditEvent.record(
        actor=actor, action=AuditAction.MENTOR_ADDED, target=mentor, district=partner.district,
        data={"user": user.pk, "from": "roster"},
    )
    return mentor
