"""Roster import pages: upload, preview (with progress), confirm, history, the refused-rows CSV."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trellis.accounts.models import User
from trellis.core.exports import csv_response
from trellis.core.lists import paginate
from trellis.districts.models import District
from trellis.partners.models import Partner, PartnerKind
from trellis.rostering.forms import ConfirmForm, UploadForm
from trellis.rostering.models import RosterImport
from trellis.rostering.services import (
    ACTION,
    ImportRefused,
    confirm_import,
    make_department_mentor,
    upload_import,
)
from trellis.rostering.tasks import queue_check, queue_import


def _district(user, slug):
    """The district whose roster this user may import, or 404."""
    district = user.permitted(ACTION, District.objects.all()).filter(slug=slug).first()
    if district is None:
        raise Http404("No district found.")
    return district


def _import(request, slug, pk):
    district = _district(request.user, slug)
    return district, get_object_or_404(RosterImport.objects.for_user(request.user).filter(district=district), pk=pk)


@require_GET
def home(request):
    """The navigation's link: the import page of the user's (first) district."""
    district = request.user.permitted(ACTION, District.objects.all()).order_by("name").first()
    if district is None:
        raise Http404("No roster to import.")
    return redirect("rostering:imports", slug=district.slug)


@require_http_methods(["GET", "POST"])
def imports(request, slug):
    """Upload a ZIP (step 1) and the import history below it."""
    district = _district(request.user, slug)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        roster_import = upload_import(district=district, upload=form.cleaned_data["file"], actor=request.user)
        queue_check(roster_import)
        return redirect("rostering:detail", slug=slug, pk=roster_import.pk)
    history = paginate(
        request, RosterImport.objects.for_user(request.user).filter(district=district).select_related("uploaded_by")
    )
    return render(request, "rostering/imports.html", {"district": district, "form": form, "page_obj": history})


@require_GET
def detail(request, slug, pk):
    """The preview (step 2), the progress of a running import, or its result."""
    district, roster_import = _import(request, slug, pk)
    template = "rostering/detail.html"
    if request.htmx and request.htmx.target == "import-status":
        template += "#status"
    return render(
        request,
        template,
        {
            "district": district,
            "roster_import": roster_import,
            "form": ConfirmForm(),
            "problems": roster_import.problems[:100],
        },
    )


@require_POST
def confirm(request, slug, pk):
    """Step 3: apply the previewed file in the background, all or nothing."""
    district, roster_import = _import(request, slug, pk)
    form = ConfirmForm(request.POST)
    form.is_valid()
    try:
        confirmed = confirm_import(
            roster_import=roster_import, actor=request.user, skip_invalid=form.cleaned_data.get("skip_invalid", False)
        )
    except ImportRefused as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        queue_import(confirmed)
        messages.success(request, f"Importing {roster_import.filename}; this page shows the progress.")
    return redirect("rostering:detail", slug=slug, pk=roster_import.pk)


@require_GET
def problems_csv(request, slug, pk):
    """Every stored refused row, as a CSV for whoever fixes the export."""
    _, roster_import = _import(request, slug, pk)
    return csv_response(
        f"{roster_import.filename.rsplit('.', 1)[0]}-refused-rows.csv",
        ["file", "line", "column", "reason"],
        roster_import.problems,
    )


@require_http_methods(["GET", "POST"])
def staff(request, slug):
    """District staff the SIS rostered, and turning one into a mentor for a district department."""
    district = _district(request.user, slug)
    departments = Partner.objects.filter(district=district, kind=PartnerKind.DISTRICT_DEPARTMENT, is_active=True)
    if request.method == "POST":
        user = get_object_or_404(User, pk=request.POST.get("user"), rostered_district=district)
        partner = departments.filter(pk=request.POST.get("partner")).first()
        if partner is None:
            messages.error(request, "Choose one of the district's departments.")
        else:
            try:
                make_department_mentor(user=user, partner=partner, actor=request.user)
            except ImportRefused as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, f"{user} is now a mentor for {partner.name}.")
        return redirect("rostering:staff", slug=slug)
    people = paginate(
        request,
        User.objects.filter(rostered_district=district)
        .order_by("last_name", "first_name", "pk")
        .prefetch_related("mentor_roles__partner"),
    )
    return render(
        request, "rostering/staff.html", {"district": district, "page_obj": people, "departments": list(departments)}
    )
