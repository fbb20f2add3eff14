"""A placement's schedule page: its sessions, planned hours against the target, and the form
that sets the pattern and regenerates the sessions (refused when a youth labour rule breaks)."""

from django.contrib import messages
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from trellis.accounts.permissions import can
from trellis.core.lists import paginate
from trellis.hours.schedule import ScheduleRefused, ScheduleTotals, save_placement_schedule
from trellis.hours.schedule_forms import ScheduleForm
from trellis.placements.selectors import get_placement_for_user


@require_http_methods(["GET", "POST"])
def placement_schedule(request, pk):
    editing = request.method == "POST"
    # District or school staff over the placement (editors for a POST); anyone else gets a 404.
    placement = get_placement_for_user(
        request.user, pk, action="schedule.edit" if editing else "schedule.view"
    )
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
