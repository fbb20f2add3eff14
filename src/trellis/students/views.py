"""Student list and detail pages, scoped to what the viewer may see."""

from django.db.models import Q
from django.shortcuts import render

from trellis.accounts.permissions import can
from trellis.core.lists import apply_filters, paginate, render_list
from trellis.placements.models import Application, Placement
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


def student_detail(request, pk):
    student = get_student_for_user(request.user, pk)
    # Partner roles see a summary: name, school and grade, plus contact details and interests
    # only if the student agreed to share them.
    full = can(request.user, "student.view_full_record", student)
    placements = (
        Placement.objects.for_user(request.user)
        .filter(student=student)
        .select_related("opportunity__partner", "mentor__user")
    )
    applications = (
        Application.objects.for_user(request.user)
        .filter(student=student)
        .select_related("opportunity__partner")
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
