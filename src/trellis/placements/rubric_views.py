"""The rubric configuration page: district admins and district-wide coordinators edit the
criteria mentors score (labels, descriptors, order), add new ones and remove old ones."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from trellis.accounts.permissions import permitted
from trellis.core.http import refusal_text
from trellis.districts.models import District
from trellis.placements.evaluation_services import SCORE_NAMES, rubric_for, save_rubric
from trellis.placements.rubric_forms import CriterionFormSet, initial_rows


def _districts(user):
    return permitted(user, "rubric.configure", District.objects.order_by("name"))


def _district(request):
    """The one district the user configures, or the one chosen with ?district= when several."""
    districts = list(_districts(request.user))
    if not districts:
        raise Http404("Not found.")
    wanted = request.GET.get("district")
    if wanted:
        for district in districts:
            if str(district.pk) == wanted:
                return district, districts
        raise Http404("No such district.")
    return districts[0], districts


@require_http_methods(["GET", "POST"])
def edit(request):
    district, districts = _district(request)
    criteria = rubric_for(district)
    formset = CriterionFormSet(
        request.POST if request.method == "POST" else None,
        initial=initial_rows(criteria),
        prefix="criteria",
    )
    if request.method == "POST" and formset.is_valid():
        rows = [f.to_row() for f in formset.forms if f.has_changed() or f.initial]
        try:
            save_rubric(district=district, actor=request.user, rows=rows)
        except ValidationError as error:
            formset_error = refusal_text(error)
        else:
            messages.success(request, "Rubric saved. New evaluations use it from now on.")
            here = request.path + (f"?district={district.pk}" if len(districts) > 1 else "")
            return redirect(here)
    else:
        formset_error = ""
    context = {
        "district": district,
        "districts": districts if len(districts) > 1 else [],
        "formset": formset,
        "formset_error": formset_error,
        "score_names": SCORE_NAMES,
    }
    return render(request, "placements/rubric/edit.html", context)
