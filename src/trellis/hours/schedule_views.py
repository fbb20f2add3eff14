"""A placement's schedule page: its sessions, planned hours against the target, and the form
that sets the pattern and regenerates the sessions (refused when a youth labour rule breaks)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from trellis.accounts.permissions import can
from trellis.core.lists import paginate
from trellis.core.tenancy import get_for_user
from trellis.hours.schedule import ScheduleRefused, save_placement_schedule
from trellis.hours.schedule_forms import ScheduleForm
from trellis.placements.models import Placement
from trellis.rules.schedules import ScheduleTotals


def get_placement_for_schedule(user, pk, *, edit: bool):
    """The placement if the user is district or school staff over it (editors for a POST), else 404."""
    return get_for_user(
        Placement.objects.select_related("district", "student__school", "opportunity__partner"),
        user,
        pk,
        action="schedule.edit" if edit else "schedule.view",
    )


@login_required
@require_http_methods(["GET", "POST"])
def placement_schedule(request, pk):
    editing = request.method == "POST"
    placement = get_placement_for_schedule(request.user, pk, edit=editing)
    can_edit = can(request.user, "schedule.edit", placement)
    form = ScheduleForm(
        request.POST if editing else None, initial=ScheduleForm.initial_for(placement)
    )
    violations = []
    if editing and form.is_valid():
        try:
            result = save_placement_schedule(
                placement=placement,
                actor=request.user,
                pattern=form.pattern(),
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
            )
        except ScheduleRefused as refusal:
            form.add_error(None, refusal.reason)
            violations = refusal.violations
            placement.refresh_from_db()
            placement.opportunity.refresh_from_db()
        else:
            messages.success(
                request,
                f"Schedule saved: {result.created} sessions planned, {result.removed} replaced, "
                f"{result.kept} past or logged sessions kept.",
            )
            return redirect("schedules:placement", pk=placement.pk)
    sessions = placement.sessions.all()
    planned = sessions.aggregate(total=Sum("planned_hours"))["total"] or 0
    totals = ScheduleTotals(
        sessions=sessions.count(),
        planned_hours=planned,
        target_hours=placement.opportunity.target_hours,
    )
    context = {
        "placement": placement,
        "opportunity": placement.opportunity,
        "form": form if can_edit else None,
        "violations": violations,
        "totals": totals,
        "page_obj": paginate(request, sessions),
    }
    return render(request, "hours/placement_schedule.html", context)
