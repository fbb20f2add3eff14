"""One student from the SIS (the API's upsert; a whole file goes through rostering's plan):
matched by OneRoster sourcedId when the caller has one, else by SIS id (`student_number`)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from trellis.accounts.permissions import require
from trellis.core.audit import AuditAction
from trellis.core.models import AuditEvent
from trellis.students.models import Student

# What the SIS owns; interests, availability and the partner-sharing consent stay the student's.
SIS_FIELDS = (
    "school", "first_name", "last_name", "preferred_name", "email", "grade", "graduation_year",
    "birth_date", "is_active", "is_cte_concentrator", "cte_program", "pronouns", "race_ethnicity", "gender",
)


@transaction.atomic
def upsert_student(
    *, district, student_number: str, fields: dict, actor, sourced_id: str | None = None
) -> tuple[Student, bool]:
    """Create the student with this SIS id in the district, or update the SIS's fields of the
    one there; returns (student, created). Audited with the fields that changed.

    With a `sourced_id` that is the key (a student's number can change in the SIS); a student
    found by number alone adopts it, unless another rostered student holds the number."""
    require(actor, "student.roster", district, refusal="Only district administrators and coordinators roster students.")
    student_number = (student_number or "").strip()
    if not student_number:
        raise ValidationError({"student_number": "The SIS id is empty."})
    unknown = set(fields) - set(SIS_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    school = fields.get("school")
    if school is not None and school.district_id != district.pk:
        raise ValidationError({"school": "The school belongs to another district."})
    in_district = Student.objects.select_for_update().filter(district=district)
    student = in_district.filter(sourced_id=sourced_id).first() if sourced_id else None
    if student is None:
        student = in_district.filter(student_number=student_number).first()
        if student is not None and sourced_id and student.sourced_id not in (None, sourced_id):
            raise ValidationError(
                {"student_number": f"SIS id {student_number} belongs to another rostered student ({student.sourced_id})."}
            )
    created = student is None
    if created:
        student = Student(district=district, student_number=student_number)
    changed = []
    for name, value in (("student_number", student_number), ("sourced_id", sourced_id)):
        if value and getattr(student, name) != value:
            setattr(student, name, value)
            changed.append(name)
    for name, value in fields.items():
        if getattr(student, name if name != "school" else "school_id", None) != (value.pk if name == "school" else value):
            setattr(student, name, value)
            changed.append(name)
    if not created and not changed:
        return student, False
    student.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            student.save()
    except IntegrityError:
        # Another request made the same SIS id a moment ago: one student per SIS id holds.
        raise ValidationError({"student_number": f"A student with SIS id {student_number} was just added; try again."}) from None
    AuditEvent.record(
        actor=actor, action=AuditAction.STUDENT_ROSTERED, target=student, district=district,
        data={"created": created, "fields": sorted(changed), "student_number": student_number},
    )
    return student, created
