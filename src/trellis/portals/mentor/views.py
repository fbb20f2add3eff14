"""The mentor portal: their interns, today's and upcoming sessions, hours to approve,
midpoint and final evaluations on the district's rubric, and "raise a concern".

A mentor sees only placements they mentor ("placement.supervise" in the capability table);
anyone else gets a 404.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from trellis.accounts.permissions import can, permitted
from trellis.core.lists import paginate
from trellis.core.tenancy import get_for_user
from trellis.hours.models import CalendarFeed, Session
from trellis.hours.progress import hour_totals, progress_from_totals
from trellis.hours.selectors import approvable_logs
from trellis.partners.models import Mentor
from trellis.placements.evaluation_services import (
    SCORE_NAMES,
    evaluation_refusal,
    rubric_for,
    submit_evaluation,
)
from trellis.placements.models import Concern, Evaluation, Placement
from trellis.placements.services import raise_concern
from trellis.portals.mentor.forms import ConcernForm, EvaluationForm

UPCOMING_DAYS = 14
HOME_ROWS = 20
OPEN = Placement.OPEN_STATUSES
SESSION_STATUSES = (Placement.Status.CONFIRMED, Placement.Status.ACTIVE)


def mentored_placements(user):
    """Placements whose mentor is this user, at a partner they still mentor for."""
    return permitted(user, "placement.supervise", Placement.objects)


def get_mentored_placement(user, pk) -> Placement:
    queryset = Placement.objects.select_related(
        "student__school",
        "student__user",
        "district",
        "opportunity__partner",
        "opportunity__worksite",
        "mentor__user",
    )
    return get_for_user(queryset, user, pk, action="placement.supervise")


def _require_mentor(user):
    if not can(user, "placement.supervise"):
        raise Http404("Not found.")


def _today():
    return timezone.localdate()


def _with_evaluations(queryset):
    """Flags for the midpoint and final evaluation, in the same query as the rows."""
    done = Evaluation.objects.filter(placement=OuterRef("pk"))
    return queryset.annotate(
        has_midpoint=Exists(done.filter(kind=Evaluation.Kind.MIDPOINT)),
        has_final=Exists(done.filter(kind=Evaluation.Kind.FINAL)),
    )


def _intern_rows(queryset, *, today):
    rows = list(queryset)
    for placement in rows:
        placement.progress = progress_from_totals(
            placement,
            approved=placement.approved_total,
            pending=placement.pending_total,
            first_log_date=placement.first_log_date,
            today=today,
        )
    return rows


def _interns_queryset(user):
    return _with_evaluations(
        mentored_placements(user)
        .select_related("student__school", "opportunity__partner")
        .annotate(**hour_totals())
    )


def _sessions(user, *, start, end=None):
    sessions = Session.objects.filter(
        placement__in=mentored_placements(user).filter(status__in=SESSION_STATUSES),
        date__gte=start,
    )
    if end is not None:
        sessions = sessions.filter(date__lte=end)
    return sessions.select_related(
        "placement__student", "placement__opportunity__worksite"
    ).order_by("date", "start_time", "pk")


def mentor_overview(user) -> dict:
    """The mentor's part of the one home page (portals.home): interns, sessions, calendar."""
    today = _today()
    # Current interns, and completed ones still waiting for their final evaluation.
    interns = _intern_rows(
        _interns_queryset(user)
        .filter(Q(status__in=OPEN) | Q(status=Placement.Status.COMPLETED, has_final=False))
        .order_by("student__last_name", "student__first_name", "pk")[:HOME_ROWS],
        today=today,
    )
    sessions = list(
        _sessions(user, start=today, end=today + dt.timedelta(days=UPCOMING_DAYS))[:HOME_ROWS]
    )
    return {
        "interns": interns,
        "today": today,
        "todays_sessions": [s for s in sessions if s.date == today],
        "upcoming_sessions": [s for s in sessions if s.date > today],
        "upcoming_days": UPCOMING_DAYS,
        "hours_waiting": approvable_logs(user).count(),
        "mentor_records": list(
            permitted(user, "placement.supervise", Mentor.objects)
            .select_related("partner")
            .annotate(has_feed=Exists(CalendarFeed.objects.active().filter(mentor=OuterRef("pk"))))
        ),
    }


@require_GET
def home(request):
    """The mentor's overview is part of the one home page now; old links land there."""
    _require_mentor(request.user)
    return redirect("core:home")


@require_GET
def interns(request):
    """Every placement the user mentors, current and past."""
    user = request.user
    _require_mentor(user)
    rows = _interns_queryset(user).order_by("-start_date", "student__last_name", "pk")
    page = paginate(request, rows)
    page.object_list = _intern_rows(page.object_list, today=_today())
    return render(request, "portals/mentor/interns.html", {"page_obj": page})


@require_GET
def sessions(request):
    """All upcoming sessions of the user's interns, a page at a time."""
    user = request.user
    _require_mentor(user)
    page = paginate(request, _sessions(user, start=_today()))
    return render(request, "portals/mentor/sessions.html", {"page_obj": page, "today": _today()})


@require_GET
def intern(request, pk):
    placement = get_mentored_placement(request.user, pk)
    today = _today()
    evaluations = {e.kind: e for e in placement.evaluations.all()}
    context = {
        "placement": placement,
        "student": placement.student,
        "progress": progress_from_totals(
            placement,
            **_totals(placement),
            today=today,
        ),
        "sessions": list(
            Session.objects.filter(placement=placement, date__gte=today).order_by(
                "date", "start_time"
            )[:10]
        ),
        "evaluation_links": [
            {
                "kind": kind,
                "label": label,
                "done": evaluations.get(kind),
                "refusal": evaluation_refusal(placement, kind),
            }
            for kind, label in Evaluation.Kind.choices
        ],
        "concerns": list(
            Concern.objects.filter(placement=placement, raised_by=request.user).order_by(
                "-created_at"
            )[:10]
        ),
    }
    return render(request, "portals/mentor/intern.html", context)


def _totals(placement):
    totals = Placement.objects.filter(pk=placement.pk).aggregate(**hour_totals())
    return {
        "approved": totals["approved_total"],
        "pending": totals["pending_total"],
        "first_log_date": totals["first_log_date"],
    }


@require_http_methods(["GET", "POST"])
def evaluate(request, pk, kind):
    """The rubric form: one radio group per criterion; shows the evaluation once submitted."""
    placement = get_mentored_placement(request.user, pk)
    if kind not in Evaluation.Kind.values:
        raise Http404("No such evaluation.")
    criteria = rubric_for(placement.district)
    existing = Evaluation.objects.filter(placement=placement, kind=kind).first()
    context = {
        "placement": placement,
        "kind": Evaluation.Kind(kind),
        "criteria": criteria,
        "score_names": SCORE_NAMES,
    }
    if existing is not None:
        labels = {c.key: c for c in criteria}
        context["evaluation"] = existing
        context["scored"] = [
            {
                "label": labels[key].label if key in labels else key,
                "score": score,
                "name": SCORE_NAMES.get(str(score), ""),
                "descriptor": labels[key].descriptors.get(str(score), "") if key in labels else "",
            }
            for key, score in existing.scores.items()
        ]
        return render(request, "portals/mentor/evaluation.html", context)
    refusal = evaluation_refusal(placement, kind)
    form = EvaluationForm(
        request.POST if request.method == "POST" and not refusal else None,
        criteria=criteria,
        kind=kind,
    )
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            submit_evaluation(
                placement=placement,
                actor=request.user,
                kind=kind,
                scores=form.scores(),
                comments=form.cleaned_data["comments"],
                would_host_again=form.cleaned_data.get("would_host_again"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{Evaluation.Kind(kind).label} evaluation submitted. The coordinator has been told.",
            )
            return redirect("mentor:intern", placement.pk)
    context.update(form=form, refusal=refusal)
    return render(request, "portals/mentor/evaluate.html", context)


@require_http_methods(["GET", "POST"])
def concern(request, pk):
    """Raise a concern: it reaches the student's coordinators at once, in the app and by e-mail."""
    placement = get_mentored_placement(request.user, pk)
    form = ConcernForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            raise_concern(placement=placement, actor=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Concern sent. The student's coordinator has been told.")
            return redirect("mentor:intern", placement.pk)
    return render(request, "portals/mentor/concern.html", {"placement": placement, "form": form})
