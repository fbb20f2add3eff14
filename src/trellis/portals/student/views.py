"""The student portal: profile and interests, browse and apply, placements, schedule, reflections,
and the experience record (which guardians and staff in scope may also read).

Every page but the record is the signed-in student's own: `student_only` finds their record or
answers 404, so partner roles, guardians and staff never reach them. Each object is then
fetched through the student's own rows and the viewer's scope, so another student's id is a 404
too, in fragments as well as pages.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from trellis.accounts.permissions import can
from trellis.core.http import client_ip, refusal_text
from trellis.core.lists import paginate, render_list
from trellis.core.tenancy import get_for_user
from trellis.districts.calendar import district_today
from trellis.hours.feeds import active_feed_for, issue_feed, revoke_feed
from trellis.hours.models import Session
from trellis.hours.progress import hour_totals, placement_progress
from trellis.opportunities import search
from trellis.placements import applications as application_lifecycle
from trellis.placements import evaluation_services
from trellis.placements.models import Agreement, Application, Placement, SignerRole
from trellis.portals.student import record as records
from trellis.portals.student.forms import (
    ApplicationForm,
    BrowseFilterForm,
    InterestAddForm,
    InterestOrderForm,
    ProfileForm,
    ReflectionForm,
)
from trellis.students import services
from trellis.students.disclosures import disclosures_for
from trellis.students.models import Student
from trellis.students.selectors import own_student

UPCOMING_ON_HOME = 5
UPCOMING_ON_PLACEMENT = 10


def student_only(view):
    """Run the view for the signed-in student's own record; anyone else gets a 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        student = own_student(request.user)
        if student is None:
            raise Http404("No student record.")
        return view(request, student, *args, **kwargs)

    return wrapper


# ---------------------------------------------------------------------------------------------
# Shared reads


def _my_placements(user, student):
    return (
        Placement.objects.for_user(user)
        .filter(student=student)
        .select_related("opportunity__partner", "opportunity__worksite", "mentor__user")
    )


def _get_my_placement(user, student, pk):
    return get_for_user(_my_placements(user, student), user, pk)


def _to_sign(agreements) -> list[Agreement]:
    """Agreements still waiting for the student's own signature (only a confirmed placement signs)."""
    waiting = []
    for agreement in agreements:
        signed = {s.role for s in agreement.signatures.all()}
        if (
            agreement.placement.status == Placement.Status.CONFIRMED
            and SignerRole.STUDENT in agreement.required_signers
            and SignerRole.STUDENT not in signed
        ):
            waiting.append(agreement)
    return waiting


def _upcoming_sessions(user, student, today):
    return (
        Session.objects.for_user(user)
        .filter(
            placement__student=student,
            placement__status__in=(Placement.Status.CONFIRMED, Placement.Status.ACTIVE),
            date__gte=today,
        )
        .select_related("placement__opportunity__partner", "placement__opportunity__worksite")
        .order_by("date", "start_time", "pk")
    )


# ---------------------------------------------------------------------------------------------
# Home


def student_overview(user, today) -> dict:
    """The student's part of the one home page (portals.home): sessions coming up. What needs
    the student (signatures, rounds, hours, applications) is in the home's work queues."""
    student = own_student(user)
    if student is None:
        return {}
    return {
        "student": student,
        "sessions": list(_upcoming_sessions(user, student, today)[:UPCOMING_ON_HOME]),
    }


@student_only
def home(request, student):
    """The portal's overview is part of the one home page now; old links land there."""
    return redirect("core:home")


# ---------------------------------------------------------------------------------------------
# Profile and interests


@student_only
@require_http_methods(["GET", "POST"])
def profile(request, student):
    form = ProfileForm(request.POST or None, student=student)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_student_profile(
                student=student,
                actor=request.user,
                availability=data["availability"],
                transportation=data["transportation"],
                max_travel_miles=data["max_travel_miles"],
                shares_profile_with_partners=data["shares_profile_with_partners"],
            )
        except ValidationError as e:
            form.add_error(None, refusal_text(e))
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("portal:profile")
    interests = student.interests.select_related("cluster", "subcluster").order_by("rank")
    return render(
        request,
        "portals/student/profile.html",
        {"student": student, "form": form, "interests": interests},
    )


def _interest_list(student):
    return list(student.interests.select_related("cluster", "subcluster").order_by("rank"))


def _move(interests, pk, step):
    order = list(interests)
    index = next((n for n, i in enumerate(order) if i.pk == pk), None)
    if index is None:
        return None
    target = index + step
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    return order


@student_only
@require_http_methods(["GET", "POST"])
def interests(request, student):
    """Ranked interests, reordered without JavaScript: a rank select per row, or move buttons."""
    current = _interest_list(student)
    add_form = InterestAddForm(count=len(current), prefix="add")
    order_form = InterestOrderForm(interests=current)
    focus = ""
    if request.method == "POST":
        action, _, arg = request.POST.get("action", "").partition(":")
        new = None
        if action == "add":
            add_form = InterestAddForm(request.POST, count=len(current), prefix="add")
            if add_form.is_valid():
                new = [(i.cluster, i.subcluster) for i in current] + [add_form.cleaned_data["area"]]
                focus = "interests-heading"
        elif action in ("up", "down", "remove") and arg.isdigit():
            pk = int(arg)
            if action == "remove":
                kept = [i for i in current if i.pk != pk]
                moved = kept if len(kept) < len(current) else None
                focus = "interests-heading"
            else:
                moved = _move(current, pk, -1 if action == "up" else 1)
            if moved is None:
                raise Http404("No such interest.")
            new = [(i.cluster, i.subcluster) for i in moved]
            if action != "remove":
                position = next(n for n, i in enumerate(moved) if i.pk == pk) + 1
                focus = f"interest-rank-{position}"
        elif action == "order":
            order_form = InterestOrderForm(request.POST, interests=current)
            if order_form.is_valid():
                new = [(i.cluster, i.subcluster) for i in order_form.ordered()]
                focus = "interests-heading"
        if new is not None:
            try:
                services.set_student_interests(student=student, actor=request.user, interests=new)
            except ValidationError as e:
                add_form.add_error(None, refusal_text(e))
            else:
                if not request.htmx:
                    messages.success(request, "Your interests are saved.")
                    return redirect(reverse("portal:interests") + (f"#{focus}" if focus else ""))
                current = _interest_list(student)
                add_form = InterestAddForm(count=len(current), prefix="add")
                order_form = InterestOrderForm(interests=current)
    context = {
        "student": student,
        "interests": current,
        "rows": [(i, order_form[f"rank_{i.pk}"]) for i in current],
        "add_form": add_form,
        "order_form": order_form,
        "focus": focus,
        "focus_rank": int(focus.rsplit("-", 1)[1]) if focus.startswith("interest-rank-") else None,
        "max_interests": services.MAX_INTERESTS,
    }
    template = "portals/student/interests.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#interest-section"
    return render(request, template, context)


# ---------------------------------------------------------------------------------------------
# Browse, one opportunity, apply


@student_only
def browse(request, student):
    can_measure = search.has_home(student)
    form = BrowseFilterForm(request.GET or None, student=student, can_measure=can_measure)
    page_obj = paginate(request, search.browse(request.user, student, form.filters()))
    page_obj.object_list = search.attach_reasons(
        student, page_obj.object_list, today=district_today(student.district)
    )
    context = {"student": student, "form": form, "page_obj": page_obj}
    return render_list(request, "portals/student/browse.html", context)


@student_only
@require_http_methods(["GET", "POST"])
def opportunity(request, student, pk):
    """One opportunity: the facts, whether the student can apply and why not, and the form."""
    found = search.get_for_student(request.user, student, pk)
    if found is None:
        raise Http404("No opportunity found.")
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application_lifecycle.apply_to_opportunity(
                student=student,
                opportunity=found,
                statement=form.cleaned_data["statement"],
                actor=request.user,
            )
        except ValidationError as e:
            form.add_error(None, refusal_text(e))
        else:
            messages.success(request, f"You applied to {found.title}. The partner will review it.")
            return redirect("portal:applications")
    reasons = search.reasons_not_open(student, found, today=district_today(student.district))
    application = None
    if found.my_application_id:
        application = Application.objects.filter(pk=found.my_application_id).first()
    context = {
        "student": student,
        "opportunity": found,
        "reasons": reasons,
        "form": form,
        "application": application,
    }
    return render(request, "portals/student/opportunity.html", context)


def _my_applications(request, student):
    return paginate(
        request,
        Application.objects.for_user(request.user)
        .filter(student=student)
        .select_related("opportunity__partner")
        .order_by("-created_at", "-pk"),
    )


@student_only
def applications(request, student):
    page_obj = _my_applications(request, student)
    context = {"student": student, "page_obj": page_obj, "focus": ""}
    return render(request, "portals/student/applications.html", context)


@student_only
@require_POST
def withdraw_application(request, student, pk):
    application = get_for_user(
        Application.objects.filter(student=student).select_related("opportunity"),
        request.user,
        pk,
    )
    try:
        application_lifecycle.withdraw_application(application=application, actor=request.user)
    except ValidationError as e:
        messages.error(request, refusal_text(e))
    else:
        messages.success(request, f"You withdrew your application to {application.opportunity}.")
    if request.htmx:
        page_obj = _my_applications(request, student)
        context = {"student": student, "page_obj": page_obj, "focus": "applications-heading"}
        return render(request, "portals/student/applications.html#application-list", context)
    return redirect("portal:applications")


# ---------------------------------------------------------------------------------------------
# Placements, reflections, schedule


@student_only
def placements(request, student):
    queryset = (
        _my_placements(request.user, student)
        .annotate(**hour_totals())
        .prefetch_related(
            Prefetch("agreements", queryset=Agreement.objects.prefetch_related("signatures"))
        )
        .order_by("-start_date", "-pk")
    )
    page_obj = paginate(request, queryset)
    for placement in page_obj:
        placement.to_sign = _to_sign(placement.agreements.all())
    return render(
        request, "portals/student/placements.html", {"student": student, "page_obj": page_obj}
    )


@student_only
def placement(request, student, pk):
    user = request.user
    found = _get_my_placement(user, student, pk)
    agreements = list(found.agreements.prefetch_related("signatures").order_by("kind"))
    for agreement in agreements:
        agreement.placement = found
        agreement.signed_roles = {s.role for s in agreement.signatures.all()}
    today = district_today(student.district)
    context = {
        "student": student,
        "placement": found,
        "agreements": agreements,
        "to_sign": _to_sign(agreements),
        "sessions": list(
            _upcoming_sessions(user, student, today).filter(placement=found)[:UPCOMING_ON_PLACEMENT]
        ),
        "progress": placement_progress(found, today=today),
        "reflections": list(found.reflections.order_by("-created_at", "-pk")),
        "can_reflect": found.status in evaluation_services.REFLECTION_STATUSES,
        "can_log": found.status == Placement.Status.ACTIVE,
    }
    return render(request, "portals/student/placement.html", context)


@student_only
@require_http_methods(["GET", "POST"])
def reflect(request, student, pk):
    found = _get_my_placement(request.user, student, pk)
    if found.status not in evaluation_services.REFLECTION_STATUSES:
        messages.error(
            request, "You can write a reflection once the placement is active or completed."
        )
        return redirect("portal:placement", found.pk)
    form = ReflectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation_services.write_reflection(
                placement=found,
                actor=request.user,
                career_fit=form.cleaned_data["career_fit"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as e:
            form.add_error(None, refusal_text(e))
        else:
            messages.success(request, "Your reflection is saved. It is on your experience record.")
            return redirect(reverse("portal:placement", args=[found.pk]) + "#reflections")
    return render(
        request,
        "portals/student/reflect.html",
        {"student": student, "placement": found, "form": form},
    )


@student_only
@require_http_methods(["GET", "POST"])
def schedule(request, student):
    """Upcoming sessions, and the private calendar link (shown once when issued)."""
    feed = active_feed_for(student)
    new_url = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "issue":
            feed, token = issue_feed(owner=student, actor=request.user)
            new_url = request.build_absolute_uri(reverse("feeds:calendar", args=[token]))
        elif action == "revoke" and feed is not None:
            revoke_feed(feed=feed, actor=request.user)
            messages.success(
                request, "Your calendar link is turned off; calendar apps using it stop updating."
            )
            return redirect("portal:schedule")
        else:
            return redirect("portal:schedule")
    today = district_today(student.district)
    page_obj = paginate(request, _upcoming_sessions(request.user, student, today))
    context = {
        "student": student,
        "page_obj": page_obj,
        "feed": feed,
        "new_url": new_url,
        "webcal_url": "webcal://" + new_url.split("://", 1)[1] if new_url else None,
    }
    return render(request, "portals/student/schedule.html", context)


# ---------------------------------------------------------------------------------------------
# The experience record


def _record_student(request, pk):
    """The student whose record this viewer may read: the student, a guardian, staff in scope."""
    visible = Student.objects.for_user(request.user).select_related("school", "district", "cte_cluster")
    return get_for_user(visible, request.user, pk, action="student.view_full_record")


def _record_page(request, student):
    record = records.build_record(student)
    own = student.user_id == request.user.pk
    if not own:
        services.record_access(
            student=student, actor=request.user, fmt="html", ip_address=client_ip(request)
        )
    pdf_url = (
        reverse("portal:record_pdf")
        if own
        else reverse("portal:student_record_pdf", args=[student.pk])
    )
    # The disclosure record: the student and guardians read it here; coordinators export it.
    shown = own or can(request.user, "guardian.follow", student) or can(
        request.user, "student.export_disclosures", student
    )
    return render(
        request,
        "portals/student/record.html",
        {
            "student": student,
            "record": record,
            "own": own,
            "pdf_url": pdf_url,
            "disclosures": paginate(request, disclosures_for(student)) if shown else None,
            "disclosures_export_url": reverse("students:disclosures_export", args=[student.pk])
            if can(request.user, "student.export_disclosures", student)
            else "",
        },
    )


def _record_pdf(request, student):
    record = records.build_record(student)
    body = records.render_pdf(record)
    services.record_access(
        student=student, actor=request.user, fmt="pdf", ip_address=client_ip(request)
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{records.pdf_filename(record)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@student_only
def record(request, student):
    return _record_page(request, student)


@student_only
def record_pdf(request, student):
    return _record_pdf(request, student)


def student_record(request, pk):
    return _record_page(request, _record_student(request, pk))


def student_record_pdf(request, pk):
    return _record_pdf(request, _record_student(request, pk))
