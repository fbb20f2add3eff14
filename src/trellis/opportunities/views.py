"""Opportunity list and detail pages: staff and partners see theirs, learners the published catalog."""

from django.shortcuts import render

from trellis.accounts.permissions import can
from trellis.core.lists import apply_filters, paginate, render_list
from trellis.opportunities.filters import OpportunityFilterForm
from trellis.opportunities.selectors import get_opportunity_for_user, opportunities_for_user


def opportunity_list(request):
    # Staff and partner roles see drafts, seats filled and placements; learners do not.
    manages = can(request.user, "opportunity.track")
    form = OpportunityFilterForm(request.GET or None, show_status=manages)
    opportunities = opportunities_for_user(request.user)
    filters = apply_filters(form)
    for name in ("status", "kind", "cluster"):
        if name in filters:
            opportunities = opportunities.filter(**{name: filters[name]})
    if "q" in filters:
        opportunities = opportunities.filter(title__icontains=filters["q"])
    context = {"form": form, "page_obj": paginate(request, opportunities), "manages": manages}
    return render_list(request, "opportunities/opportunity_list.html", context)


def opportunity_detail(request, pk):
    opportunity = get_opportunity_for_user(request.user, pk)
    manages = can(request.user, "opportunity.track", opportunity)
    placements = []
    if manages:
        # Through the reverse relation: the placements' own row rule, no import from above.
        placements = opportunity.placements.for_user(request.user).select_related(
            "student__school", "mentor__user"
        )
    context = {
        "opportunity": opportunity,
        "manages": manages,
        "placements": placements,
        "may_apply": not manages and can(request.user, "application.submit"),
    }
    return render(request, "opportunities/opportunity_detail.html", context)
