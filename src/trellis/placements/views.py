"""Placement list and detail pages, scoped to what the viewer may see."""

from django.shortcuts import render

from trellis.accounts.permissions import can
from trellis.core.lists import apply_filters, paginate, render_list
from trellis.partners.models import Partner
from trellis.placements.filters import PlacementFilterForm, filter_placements
from trellis.placements.selectors import get_placement_for_user, placements_for_user, terms_for_user
from trellis.students.selectors import schools_for_user


def placement_list(request):
    user = request.user
    form = PlacementFilterForm(
        request.GET or None,
        schools=schools_for_user(user),
        partners=Partner.objects.for_user(user),
        terms=terms_for_user(user),
    )
    placements = filter_placements(placements_for_user(user), apply_filters(form))
    return render_list(
        request,
        "placements/placement_list.html",
        {"form": form, "page_obj": paginate(request, placements)},
    )


def placement_detail(request, pk):
    placement = get_placement_for_user(request.user, pk, with_agreements=True)
    # The hours block comes from the hours app's template tag (hours sits above placements).
    context = {
        "placement": placement,
        # The withdrawal note is for the adults running the placement; the note on the
        # partner relationship is the district's own.
        "sees_withdrawal_note": can(request.user, "placement.read_withdrawal_note", placement),
        "sees_partner_standing": can(request.user, "placement.read_partner_standing", placement),
    }
    return render(request, "placements/placement_detail.html", context)
