"""Student list and detail pages, scoped to what the viewer may see."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render

from trellis.accounts.permissions import can
from trellis.core.exports import csv_response
from trellis.core.http import client_ip
from trellis.core.lists import apply_filters, paginate, render_list
from trellis.students import disclosures
from trellis.students.filters import StudentFilterForm
from trellis.students.selectors import (
    get_student_for_user,
    schools_for_user,
    students_for_user,
)


def student_list(request):
    form = StudentFilterForm(request.GET or None, schools=schools_for_user(request.user))
    students = students_for_user(request.user)
    filters = apply_filters(form)
    # Current students unless the viewer asks for alumni (or everyone): a 2022 graduate is
    # not one of this year's seniors.
    enrolment = filters.get("enrolment", "current")
    if enrolment == "current":
        students = students.current()
    elif enrolment == "alumni":
        students = students.alumni()
    if "school" in filters:
        students = students.filter(school=filters["school"])
    if "grade" in filters:
        students = students.filter(grade=filters["grade"])
    if "q" in filters:
        q = filters["q"]
        students = students.filter(
            Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(preferred_name__icontains=q)
            | Q(student_number__iexact=q)
        )
    return render_list(
        request,
        "students/student_list.html",
        {"form": form, "page_obj": paginate(request, students)},
    )


def student_disclosures_export(request, pk):
    """The student's disclosure record as CSV, for the student's coordinators."""
    student = get_student_for_user(request.user, pk)
    try:
        rows = disclosures.export_disclosure_log(
            student=student, actor=request.user, ip_address=client_ip(request)
        )
    except PermissionDenied:
        raise Http404("No such page.") from None
    return csv_response(
        f"disclosures-{student.student_number or student.pk}.csv", disclosures.DISCLOSURE_HEADER, rows
    )


def student_detail(request, pk):
    student = get_student_for_user(request.user, pk)
    # Partner roles see a summary: name, school and grade, plus contact details and interests
    # only if the student agreed to share them.
    full = can(request.user, "student.view_full_record", student)
    if student.user_id != request.user.pk:
        disclosures.record_disclosure(
            students=[student],
            actor=request.user,
            action=disclosures.STUDENT_PAGE_VIEWED,
            purpose="full record" if full else "partner summary",
            ip_address=client_ip(request),
        )
    # Through the reverse relations: each model's own row rule, no import from the apps above.
    placements = student.placements.for_user(request.user).select_related(
        "opportunity__partner", "mentor__user"
    )
    applications = student.applications.for_user(request.user).select_related(
        "opportunity__partner"
    )
    shares = full or student.shares_profile_with_partners
    context = {
        "student": student,
        "full_record": full,
        "shows_profile": shares,
        "interests": student.interests.select_related("cluster", "subcluster") if shares else [],
        "guardians": student.guardian_links.all() if full else [],
        "placements": placements,
        "applications": applications,
    }
    return render(request, "students/student_detail.html", context)
