"""The coordinators' approval queue: opportunities partners submitted, to publish or send back.

Only district admins and coordinators of the opportunity's district reach these pages; a
partner, mentor, student or guardian gets a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from trellis.accounts.permissions import can, permitted
from trellis.core.http import refusal_text
from trellis.core.lists import paginate
from trellis.core.tenancy import get_for_user
from trellis.opportunities.forms import ReturnForm
from trellis.opportunities.models import Opportunity
from trellis.opportunities.services import (
    approve_opportunity,
    close_opportunity,
    open_placement_count,
    return_opportunity,
    submission_problems,
)


@require_GET
def approvals(request):
    if not can(request.user, "opportunity.approve"):
        raise Http404("Not found.")
    rows = (
        permitted(request.user, "opportunity.approve", Opportunity.objects)
        .filter(status=Opportunity.Status.PENDING)
        .select_related("partner", "cluster", "worksite")
        .order_by("updated_at", "pk")
    )
    return render(
        request, "opportunities/approvals/queue.html", {"page_obj": paginate(request, rows)}
    )


@require_http_methods(["GET", "POST"])
def review(request, pk):
    """One opportunity: approve it, send it back with a comment, or close a published one."""
    opportunity = get_for_user(
        Opportunity.objects.select_related(
            "partner", "district", "worksite", "mentor__user", "cluster", "subcluster", "term"
        ),
        request.user,
        pk,
        action="opportunity.approve",
    )
    form = ReturnForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                approve_opportunity(opportunity=opportunity, actor=request.user)
                messages.success(request, f"“{opportunity.title}” is published.")
                return redirect("opportunities:approvals")
            if action == "return":
                form = ReturnForm(request.POST)
                if form.is_valid():
                    return_opportunity(
                        opportunity=opportunity,
                        actor=request.user,
                        comment=form.cleaned_data["comment"],
                    )
                    messages.success(request, f"“{opportunity.title}” went back to the partner.")
                    return redirect("opportunities:approvals")
            elif action == "close":
                close_opportunity(opportunity=opportunity, actor=request.user)
                messages.success(request, f"“{opportunity.title}” is closed.")
                return redirect("opportunities:review", opportunity.pk)
        except ValidationError as error:
            messages.error(request, refusal_text(error))
            return redirect("opportunities:review", opportunity.pk)
    pending = opportunity.status == Opportunity.Status.PENDING
    context = {
        "opportunity": opportunity,
        "form": form,
        "filled": open_placement_count(opportunity),
        "problems": submission_problems(opportunity) if pending else [],
    }
    return render(request, "opportunities/approvals/review.html", context)
