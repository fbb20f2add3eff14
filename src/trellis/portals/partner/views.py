"""The partner portal: a partner administrator's profile, worksites, mentors, opportunities,
applicants and interns. Outside businesses and district departments use the same pages.

Each view fetches with get_for_user and the capability table's partner actions (404 outside
the admin's partners), validates a form, calls one service, and answers with a redirect, or
a row fragment for htmx.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from trellis.accounts.permissions import can, permitted
from trellis.core.http import client_ip, refusal_text
from trellis.core.lists import paginate
from trellis.core.tenancy import get_for_user
from trellis.hours.progress import hour_totals, progress_from_totals
from trellis.opportunities.forms import OpportunityForm, SeatsForm
from trellis.opportunities.models import Opportunity
from trellis.opportunities.services import (
    change_seats,
    close_opportunity,
    create_opportunity,
    last_return_comment,
    open_placement_count,
    submission_problems,
    submit_opportunity,
    update_opportunity,
)
from trellis.partners import services
from trellis.partners.models import Mentor, Partner, Worksite
from trellis.placements import applications
from trellis.placements.models import Application, Placement
from trellis.portals.partner.forms import (
    BackgroundCheckForm,
    DeclineForm,
    MentorEditForm,
    MentorInviteForm,
    PartnerProfileForm,
    RankForm,
    WorksiteForm,
)
from trellis.students import disclosures
from trellis.students.models import StudentInterest

OPEN = Placement.OPEN_STATUSES


def get_admin_partner(user, pk) -> Partner:
    return get_for_user(Partner.objects.select_related("district"), user, pk, action="partner.manage")


def get_admin_worksite(user, pk) -> Worksite:
    return get_for_user(Worksite.objects.select_related("partner"), user, pk, action="partner.manage")


def get_admin_mentor(user, pk) -> Mentor:
    queryset = Mentor.objects.select_related("partner", "user")
    return get_for_user(queryset, user, pk, action="partner.manage")


def get_admin_opportunity(user, pk) -> Opportunity:
    queryset = Opportunity.objects.select_related(
        "partner__district", "district", "worksite", "mentor__user", "cluster", "subcluster", "term"
    )
    return get_for_user(queryset, user, pk, action="opportunity.edit")


def get_admin_application(user, pk) -> Application:
    queryset = Application.objects.select_related(
        "student__school", "student__user", "opportunity__partner"
    )
    return get_for_user(queryset, user, pk, action="application.review")


def _posted(request):
    return request.POST if request.method == "POST" else None


# --- Home and profile ----------------------------------------------------------------------


@require_GET
def index(request):
    """Straight to the partner's portal; someone who runs several partners chooses one."""
    if not can(request.user, "partner.manage"):
        raise Http404("Not found.")
    partners = list(permitted(request.user, "partner.manage", Partner.objects).order_by("name"))
    if len(partners) == 1:
        return redirect("partner_portal:home", partners[0].pk)
    return render(request, "portals/partner/index.html", {"partners": partners})


@require_GET
def home(request, pk):
    partner = get_admin_partner(request.user, pk)
    opportunities = Opportunity.objects.filter(partner=partner)
    by_status = opportunities.aggregate(
        **{s: Count("pk", filter=Q(status=s)) for s in Opportunity.Status.values}
    )
    waiting = Application.objects.filter(
        opportunity__partner=partner,
        status__in=(Application.Status.SUBMITTED, Application.Status.INTERVIEW),
    ).count()
    interns = Placement.objects.filter(opportunity__partner=partner, status__in=OPEN).count()
    context = {
        "partner": partner,
        "by_status": [
            (label, by_status[value], value) for value, label in Opportunity.Status.choices
        ],
        "waiting": waiting,
        "interns": interns,
        "mentor_count": partner.mentors.count(),
        "worksite_count": partner.worksites.count(),
    }
    return render(request, "portals/partner/home.html", context)


@require_http_methods(["GET", "POST"])
def profile(request, pk):
    partner = get_admin_partner(request.user, pk)
    form = PartnerProfileForm(_posted(request), instance=partner)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_partner_profile(
                partner=partner, actor=request.user, fields=form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Profile saved.")
            return redirect("partner_portal:home", partner.pk)
    return render(request, "portals/partner/profile.html", {"partner": partner, "form": form})


# --- Worksites ---------------------------------------------------------------------------------


@require_GET
def worksites(request, pk):
    partner = get_admin_partner(request.user, pk)
    rows = partner.worksites.annotate(
        opportunity_count=Count("opportunities", distinct=True)
    ).order_by("name", "pk")
    return render(
        request,
        "portals/partner/worksites.html",
        {"partner": partner, "page_obj": paginate(request, rows)},
    )


@require_http_methods(["GET", "POST"])
def worksite_add(request, pk):
    partner = get_admin_partner(request.user, pk)
    form = WorksiteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_worksite(partner=partner, actor=request.user, fields=form.service_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Worksite added.")
            return redirect("partner_portal:worksites", partner.pk)
    context = {"partner": partner, "form": form, "title": "Add a worksite"}
    return render(request, "portals/partner/worksite_form.html", context)


@require_http_methods(["GET", "POST"])
def worksite_edit(request, pk):
    worksite = get_admin_worksite(request.user, pk)
    partner = worksite.partner
    form = WorksiteForm(_posted(request), instance=worksite)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_worksite(
                worksite=worksite, actor=request.user, fields=form.service_fields()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Worksite saved.")
            return redirect("partner_portal:worksites", partner.pk)
    context = {"partner": partner, "form": form, "title": f"Edit {worksite.name}"}
    return render(request, "portals/partner/worksite_form.html", context)


# --- Mentors -----------------------------------------------------------------------------------


@require_GET
def mentors(request, pk):
    partner = get_admin_partner(request.user, pk)
    rows = (
        Mentor.objects.filter(partner=partner)
        .select_related("user")
        .annotate(current_interns=Count("placements", filter=Q(placements__status__in=OPEN)))
        .order_by("user__last_name", "user__first_name", "pk")
    )
    return render(
        request,
        "portals/partner/mentors.html",
        {"partner": partner, "page_obj": paginate(request, rows)},
    )


@require_http_methods(["GET", "POST"])
def mentor_invite(request, pk):
    partner = get_admin_partner(request.user, pk)
    form = MentorInviteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            mentor = services.invite_mentor(
                partner=partner, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if mentor.user.has_usable_password():
                messages.success(request, f"{mentor.user} is now a mentor here; we told them.")
            else:
                messages.success(
                    request,
                    f"{mentor.user} is added. We e-mailed {mentor.user.email} a link to set a password.",
                )
            return redirect("partner_portal:mentors", partner.pk)
    return render(request, "portals/partner/mentor_invite.html", {"partner": partner, "form": form})


@require_http_methods(["GET", "POST"])
def mentor_edit(request, pk):
    mentor = get_admin_mentor(request.user, pk)
    initial = {"title": mentor.title, "phone": mentor.phone}
    form = MentorEditForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_mentor(mentor=mentor, actor=request.user, **form.cleaned_data)
        messages.success(request, f"{mentor.user} saved.")
        return redirect("partner_portal:mentors", mentor.partner_id)
    context = {"partner": mentor.partner, "mentor": mentor, "form": form}
    return render(request, "portals/partner/mentor_edit.html", context)


@require_POST
def mentor_resend(request, pk):
    mentor = get_admin_mentor(request.user, pk)
    try:
        services.resend_mentor_invitation(mentor=mentor, actor=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, f"We e-mailed {mentor.user.email} a new link.")
    return redirect("partner_portal:mentors", mentor.partner_id)


@require_http_methods(["GET", "POST"])
def background_check(request, pk):
    """Coordinators record a mentor's background check; partners only see the date."""
    mentor = get_for_user(
        Mentor.objects.select_related("partner", "user"),
        request.user,
        pk,
        action="mentor.record_background_check",
    )
    form = BackgroundCheckForm(
        _posted(request), initial={"background_check_date": mentor.background_check_date}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_background_check(
                mentor=mentor,
                actor=request.user,
                checked_on=form.cleaned_data["background_check_date"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Background check of {mentor.user} saved.")
            return redirect("partners:detail", mentor.partner_id)
    return render(
        request, "portals/partner/background_check.html", {"mentor": mentor, "form": form}
    )


# --- Opportunities -----------------------------------------------------------------------------


@require_GET
def opportunities(request, pk):
    partner = get_admin_partner(request.user, pk)
    waiting = (Application.Status.SUBMITTED, Application.Status.INTERVIEW)
    rows = (
        Opportunity.objects.filter(partner=partner)
        .select_related("cluster", "worksite")
        .annotate(
            filled=Count("placements", filter=Q(placements__status__in=OPEN), distinct=True),
            applicants=Count(
                "applications", filter=Q(applications__status__in=waiting), distinct=True
            ),
        )
        .order_by("-updated_at", "pk")
    )
    status = request.GET.get("status")
    if status in Opportunity.Status.values:
        rows = rows.filter(status=status)
    context = {
        "partner": partner,
        "page_obj": paginate(request, rows),
        "statuses": Opportunity.Status.choices,
        "status": status if status in Opportunity.Status.values else "",
    }
    return render(request, "portals/partner/opportunities.html", context)


@require_http_methods(["GET", "POST"])
def opportunity_create(request, pk):
    partner = get_admin_partner(request.user, pk)
    form = OpportunityForm(_posted(request), partner=partner)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = create_opportunity(
                partner=partner, actor=request.user, fields=form.service_fields()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Draft saved. Submit it for approval when it is ready for students."
            )
            return redirect("partner_portal:opportunity", opportunity.pk)
    context = {"partner": partner, "form": form, "title": "New opportunity"}
    return render(request, "portals/partner/opportunity_form.html", context)


@require_http_methods(["GET", "POST"])
def opportunity_edit(request, pk):
    opportunity = get_admin_opportunity(request.user, pk)
    if opportunity.status != Opportunity.Status.DRAFT:
        messages.error(request, "Only drafts can be edited; change seats or close it instead.")
        return redirect("partner_portal:opportunity", opportunity.pk)
    form = OpportunityForm(_posted(request), instance=opportunity, partner=opportunity.partner)
    if request.method == "POST" and form.is_valid():
        try:
            update_opportunity(
                opportunity=opportunity, actor=request.user, fields=form.service_fields()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Draft saved.")
            return redirect("partner_portal:opportunity", opportunity.pk)
    context = {
        "partner": opportunity.partner,
        "form": form,
        "opportunity": opportunity,
        "title": f"Edit {opportunity.title}",
    }
    return render(request, "portals/partner/opportunity_form.html", context)


def _opportunity_context(request, opportunity, **extra):
    draft = opportunity.status == Opportunity.Status.DRAFT
    return {
        "partner": opportunity.partner,
        "opportunity": opportunity,
        "filled": open_placement_count(opportunity),
        "problems": submission_problems(opportunity) if draft else [],
        "returned": last_return_comment(opportunity) if draft else None,
        "seats_form": extra.pop("seats_form", None)
        or SeatsForm(initial={"seats": opportunity.seats}),
        **extra,
    }


@require_GET
def opportunity(request, pk):
    opportunity = get_admin_opportunity(request.user, pk)
    return render(
        request, "portals/partner/opportunity.html", _opportunity_context(request, opportunity)
    )


@require_POST
def opportunity_submit(request, pk):
    opportunity = get_admin_opportunity(request.user, pk)
    try:
        submit_opportunity(opportunity=opportunity, actor=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, "Submitted. A coordinator will review it before it is published.")
    return redirect("partner_portal:opportunity", opportunity.pk)


@require_POST
def opportunity_seats(request, pk):
    opportunity = get_admin_opportunity(request.user, pk)
    form = SeatsForm(request.POST)
    if form.is_valid():
        try:
            change_seats(
                opportunity=opportunity, actor=request.user, seats=form.cleaned_data["seats"]
            )
        except ValidationError as error:
            form.add_error("seats", error)
        else:
            messages.success(request, "Seats saved.")
            return redirect("partner_portal:opportunity", opportunity.pk)
    context = _opportunity_context(request, opportunity, seats_form=form)
    return render(request, "portals/partner/opportunity.html", context)


@require_POST
def opportunity_close(request, pk):
    opportunity = get_admin_opportunity(request.user, pk)
    try:
        close_opportunity(opportunity=opportunity, actor=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, "Closed. Students placed already carry on.")
    return redirect("partner_portal:opportunity", opportunity.pk)


# --- Applicants --------------------------------------------------------------------------------


@dataclass
class Applicant:
    """What a partner may see of an applicant: only what the student agreed to share.

    Everyone: first name, grade, school, statement and interests. With the student's consent:
    full name and e-mail. Never birth date, demographics, address or student number.
    """

    application: Application
    name: str
    grade: int
    school: str
    statement: str
    interests: list = field(default_factory=list)
    email: str = ""
    shares_profile: bool = False

    @property
    def pk(self):
        return self.application.pk

    @property
    def decidable(self) -> bool:
        return self.application.status in applications.DECIDABLE


def applicant_view(application) -> Applicant:
    student = application.student
    shares = student.shares_profile_with_partners
    first = student.preferred_name or student.first_name
    return Applicant(
        application=application,
        name=f"{first} {student.last_name}" if shares else first,
        grade=student.grade,
        school=student.school.name,
        statement=application.statement,
        interests=[str(i.subcluster or i.cluster) for i in student.interests.all()],
        email=student.email if shares else "",
        shares_profile=shares,
    )


def _applications_queryset():
    interests = StudentInterest.objects.select_related("cluster", "subcluster").order_by("rank")
    return (
        Application.objects.exclude(status=Application.Status.WITHDRAWN)
        .select_related("student__school", "opportunity")
        .prefetch_related(Prefetch("student__interests", queryset=interests))
    )


@require_GET
def applicants(request, pk):
    opportunity = get_admin_opportunity(request.user, pk)
    rows = (
        _applications_queryset()
        .filter(opportunity=opportunity)
        .order_by("interview_rank", "created_at", "pk")
    )
    page = paginate(request, rows)
    disclosures.record_disclosure(
        students=[a.student for a in page.object_list],
        actor=request.user,
        action=disclosures.APPLICANTS_VIEWED,
        purpose=f"reviewing applicants to “{opportunity.title}”",
        data={"opportunity_id": opportunity.pk, "partner_id": opportunity.partner_id},
        ip_address=client_ip(request),
    )
    context = {
        "partner": opportunity.partner,
        "opportunity": opportunity,
        "page_obj": page,
        "applicants": [applicant_view(a) for a in page.object_list],
        "filled": open_placement_count(opportunity),
    }
    return render(request, "portals/partner/applicants.html", context)


def _applicant_response(request, application, *, notice, level, form=None):
    """htmx: the refreshed row (with the notice in it); otherwise a message and a redirect."""
    if request.htmx:
        fresh = _applications_queryset().get(pk=application.pk)
        context = {
            "applicant": applicant_view(fresh),
            "opportunity": fresh.opportunity,
            "notice": notice,
            "notice_level": level,
            "rank_form": form,
        }
        response = render(request, "portals/partner/applicants.html#applicant_row", context)
        # The seat count above the list changes with an acceptance: swap it too (out of band).
        response.content += render_to_string(
            "portals/partner/applicants.html#seat_summary",
            {"opportunity": fresh.opportunity, "filled": open_placement_count(fresh.opportunity), "oob": True},
            request=request,
        ).encode()
        return reswap(retarget(response, f"#applicant-{application.pk}"), "outerHTML")
    getattr(messages, level)(request, notice)
    return redirect("partner_portal:applicants", application.opportunity_id)


@require_POST
def application_accept(request, pk):
    application = get_admin_application(request.user, pk)
    try:
        applications.accept_application(application=application, actor=request.user)
    except ValidationError as error:
        return _applicant_response(request, application, notice=refusal_text(error), level="error")
    return _applicant_response(
        request,
        application,
        notice="Accepted. The student's coordinator will confirm the placement.",
        level="success",
    )


@require_POST
def application_decline(request, pk):
    application = get_admin_application(request.user, pk)
    form = DeclineForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        applications.decline_application(application=application, actor=request.user, note=note)
    except ValidationError as error:
        return _applicant_response(request, application, notice=refusal_text(error), level="error")
    return _applicant_response(request, application, notice="Declined.", level="success")


@require_POST
def application_rank(request, pk):
    application = get_admin_application(request.user, pk)
    form = RankForm(request.POST)
    if not form.is_valid():
        notice = " ".join(e for errors in form.errors.values() for e in errors)
        return _applicant_response(request, application, notice=notice, level="error", form=form)
    rank = form.cleaned_data["interview_rank"]
    try:
        applications.rank_application(application=application, actor=request.user, rank=rank)
    except ValidationError as error:
        return _applicant_response(request, application, notice=refusal_text(error), level="error")
    notice = f"Ranked {rank}." if rank else "Rank cleared."
    return _applicant_response(request, application, notice=notice, level="success")


# --- Interns -----------------------------------------------------------------------------------


@require_GET
def interns(request, pk):
    """Current placements with their mentor and hours progress; one query for the page's rows."""
    partner = get_admin_partner(request.user, pk)
    rows = (
        Placement.objects.filter(opportunity__partner=partner, status__in=OPEN)
        .select_related("student__school", "opportunity", "mentor__user")
        .annotate(**hour_totals())
        .order_by("opportunity__title", "student__last_name", "pk")
    )
    page = paginate(request, rows)
    today = timezone.localdate()
    for placement in page.object_list:
        placement.progress = progress_from_totals(
            placement,
            approved=placement.approved_total,
            pending=placement.pending_total,
            first_log_date=placement.first_log_date,
            today=today,
        )
    return render(request, "portals/partner/interns.html", {"partner": partner, "page_obj": page})
