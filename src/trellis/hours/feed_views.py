"""Calendar feed pages: the public ICS by token, and the owner's page to issue or revoke it.

A student manages their own feed, a mentor theirs, and a coordinator (of the district) or the
partner's administrator an opportunity's. Anyone else gets a 404, like an unknown token.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from trellis.accounts.permissions import can, permitted
from trellis.core.lists import paginate
from trellis.core.tenancy import get_for_user
from trellis.hours.feeds import (
    active_feed_for,
    build_feed,
    find_feed,
    issue_feed,
    mark_fetched,
    revoke_feed,
)
from trellis.hours.models import CalendarFeed
from trellis.opportunities.models import Opportunity
from trellis.partners.models import Mentor
from trellis.students.selectors import own_student

# ---------------------------------------------------------------------------------------------
# Who owns which feed


def own_mentor_records(user):
    """The user's mentor records at partners they still mentor for."""
    return permitted(user, "placement.supervise", Mentor.objects).select_related(
        "partner__district", "user"
    )


def managed_opportunities(user):
    """Opportunities whose feed this user may manage: district admins and coordinators of the
    district, and the partner's administrators."""
    return permitted(user, "opportunity_feed.manage", Opportunity.objects)


def get_opportunity_for_feed(user, pk):
    return get_for_user(
        Opportunity.objects.select_related("district", "partner"),
        user,
        pk,
        action="opportunity_feed.manage",
    )


def get_mentor_for_feed(user, pk):
    return get_for_user(
        Mentor.objects.select_related("partner__district", "user"),
        user,
        pk,
        action="placement.supervise",
    )


# ---------------------------------------------------------------------------------------------
# The feed itself


@login_not_required
@require_GET
def feed_calendar(request, token):
    """The ICS a calendar app subscribes to; no sign-in, the unguessable token is the key."""
    feed = find_feed(token)
    if feed is None or not _owner_still_valid(feed):
        raise Http404("No such calendar.")
    body = build_feed(feed)
    mark_fetched(feed)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="trellis-sessions.ics"'
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _owner_still_valid(feed: CalendarFeed) -> bool:
    """A feed dies with its owner's standing: an inactive student, a mentor removed from the partner."""
    if feed.owner_kind == CalendarFeed.OwnerKind.STUDENT:
        return feed.student.is_active
    if feed.owner_kind == CalendarFeed.OwnerKind.MENTOR:
        return can(feed.mentor.user, "placement.supervise", feed.mentor)
    return True


# ---------------------------------------------------------------------------------------------
# Owner pages


@require_GET
def feed_index(request):
    """Every feed the signed-in user may manage."""
    user = request.user
    opportunities = managed_opportunities(user).select_related("partner").order_by("title")
    context = {
        "student": own_student(user),
        "mentors": list(own_mentor_records(user)),
        "page_obj": paginate(request, opportunities),
    }
    return render(request, "hours/feed_index.html", context)


@require_http_methods(["GET", "POST"])
def student_feed(request):
    student = own_student(request.user)
    if student is None:
        raise Http404("No student record.")
    return _manage(
        request, student, title="My work-based learning calendar", here=reverse("feeds:student")
    )


@require_http_methods(["GET", "POST"])
def mentor_feed(request, pk):
    mentor = get_mentor_for_feed(request.user, pk)
    here = reverse("feeds:mentor", args=[mentor.pk])
    return _manage(request, mentor, title=f"My students' sessions at {mentor.partner}", here=here)


@require_http_methods(["GET", "POST"])
def opportunity_feed(request, pk):
    opportunity = get_opportunity_for_feed(request.user, pk)
    here = reverse("feeds:opportunity", args=[opportunity.pk])
    return _manage(request, opportunity, title=f"Sessions of “{opportunity.title}”", here=here)


def _manage(request, owner, *, title, here):
    """Show the feed's state; POST issues (or regenerates) or revokes it.

    A new URL is rendered in the POST response itself and never stored: only its hash is kept.
    """
    feed = active_feed_for(owner)
    new_url = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "issue":
            feed, token = issue_feed(owner=owner, actor=request.user)
            new_url = request.build_absolute_uri(reverse("feeds:calendar", args=[token]))
        elif action == "revoke" and feed is not None:
            revoke_feed(feed=feed, actor=request.user)
            messages.success(
                request, "The calendar link is revoked; calendar apps using it stop updating."
            )
            return redirect(here)
        else:
            return redirect(here)
    context = {
        "title": title,
        "feed": feed,
        "new_url": new_url,
        "webcal_url": "webcal://" + new_url.split("://", 1)[1] if new_url else None,
        "here": here,
    }
    return render(request, "hours/feed_manage.html", context)
