"""Match round pages: coordinators create, run, compare and publish; students rank and read
their result; partners see the placements proposed to them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from trellis.accounts.permissions import can, granting_memberships
from trellis.core.pagination import paginate
from trellis.core.tenancy import get_for_user
from trellis.opportunities.models import Opportunity
from trellis.placements.models import MatchRound, MatchRun, Placement, RoundRanking
from trellis.placements.rounds import adapter, services
from trellis.placements.rounds.forms import FollowUpForm, MatchRoundForm, RankingMoveForm, RunForm
from trellis.placements.rounds.results import result_for
from trellis.placements.selectors import get_match_round_for_user
from trellis.students.models import Student

RUN_LIST_FIELDS = ("assignment",)  # a map of every student: never loaded for pages


def _staff_round(request, pk):
    match_round = get_match_round_for_user(request.user, pk)
    if not can(request.user, "round.review", match_round):
        raise PermissionDenied("Only district and school staff see this page.")
    return match_round


def _managed_round(request, pk):
    match_round = get_match_round_for_user(request.user, pk)
    if not can(request.user, "round.manage", match_round):
        raise PermissionDenied("You cannot manage this match round.")
    return match_round


def _my_student(request, match_round):
    """The signed-in student's record in this round, or 404."""
    student = (
        Student.objects.filter(
            user=request.user, district_id=match_round.district_id, match_rounds=match_round
        )
        .select_related("school")
        .first()
    )
    if student is None:
        raise Http404("You are not taking part in this round.")
    return student


def _through_count(through):
    return Coalesce(
        Subquery(
            through.objects.filter(matchround_id=OuterRef("pk"))
            .values("matchround_id")
            .annotate(n=Count("*"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _rounds_with_counts(user):
    ranked = (
        RoundRanking.objects.filter(match_round_id=OuterRef("pk"))
        .values("match_round_id")
        .annotate(n=Count("student_id", distinct=True))
        .values("n")[:1]
    )
    return (
        MatchRound.objects.for_user(user)
        .select_related("school", "term__school_year")
        .annotate(
            n_students=_through_count(MatchRound.eligible_students.through),
            n_opportunities=_through_count(MatchRound.opportunities.through),
            n_ranked=Coalesce(Subquery(ranked, output_field=IntegerField()), Value(0)),
        )
    )


def round_list(request):
    user = request.user
    page_obj = paginate(request, _rounds_with_counts(user))
    return render(
        request,
        "placements/rounds/round_list.html",
        {
            "page_obj": page_obj,
            "is_staff": can(user, "round.review"),
            "can_create": can(user, "round.create"),
        },
    )


def round_create(request):
    membership = next(iter(granting_memberships(request.user, "round.create")), None)
    if membership is None:
        raise PermissionDenied("Only coordinators create match rounds.")
    district, school = membership.district, membership.school
    form = MatchRoundForm(request.POST or None, district=district, school=school)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            match_round = services.create_match_round(
                actor=request.user,
                district=district,
                school=school,
                name=d["name"],
                term=d.get("term"),
                opportunity_filters=form.opportunity_filters(),
                student_filters=form.student_filters(),
                max_choices=d["max_choices"],
                ranking_opens_at=d["ranking_opens_at"],
                ranking_closes_at=d["ranking_closes_at"],
                priority_rules=form.priority_rules(),
                lottery_seed=d.get("lottery_seed"),
            )
        except services.RoundError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"Round “{match_round.name}” created; students can rank in the window."
            )
            return redirect("rounds:detail", match_round.pk)
    return render(
        request,
        "placements/rounds/round_form.html",
        {
            "form": form,
            "school": school,
            "title": "New match round",
        },
    )


def round_detail(request, pk):
    match_round = get_match_round_for_user(request.user, pk)
    if not can(request.user, "round.review", match_round):
        if Student.objects.filter(user=request.user, match_rounds=match_round).exists():
            return redirect("rounds:rank", match_round.pk)
        return redirect("rounds:placements", match_round.pk)
    match_round = (
        _rounds_with_counts(request.user).select_related("follows", "published_run").get(pk=pk)
    )
    runs = list(
        match_round.runs.defer(*RUN_LIST_FIELDS)
        .select_related("requested_by")
        .order_by("-created_at")
    )
    return render(
        request,
        "placements/rounds/round_detail.html",
        {
            "round": match_round,
            "runs": runs,
            "can_manage": can(request.user, "round.manage", match_round),
            "ranking_open": match_round.ranking_is_open(),
            "run_form": RunForm(),
            "follow_ups": list(match_round.follow_ups.all()),
            "unplaced_count": services.unplaced_students(match_round).count()
            if match_round.is_published
            else None,
        },
    )


def round_close(request, pk):
    match_round = _managed_round(request, pk)
    if request.method != "POST":
        return redirect("rounds:detail", match_round.pk)
    try:
        services.close_ranking(match_round, actor=request.user)
    except services.RoundError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Ranking is closed. You can run the round now.")
    return redirect("rounds:detail", match_round.pk)


def round_run(request, pk):
    """POST runs the round; the form itself sits on the round's page, where GET sends you."""
    match_round = _managed_round(request, pk)
    if request.method != "POST":
        return redirect(reverse("rounds:detail", args=[match_round.pk]) + "#actions-heading")
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what to run.")
        return redirect("rounds:detail", match_round.pk)
    try:
        runs = services.request_match_runs(match_round, actor=request.user, modes=form.modes())
    except services.RoundError as exc:
        messages.error(request, str(exc))
        return redirect("rounds:detail", match_round.pk)
    messages.success(request, f"{len(runs)} run{'s' if len(runs) > 1 else ''} started.")
    return redirect("rounds:compare", match_round.pk)


def _latest_runs(match_round):
    """The newest run of each mode (done, failed or still going), for the side-by-side view."""
    latest = {}
    for run in match_round.runs.defer(*RUN_LIST_FIELDS).order_by("-created_at"):
        latest.setdefault(run.mode, run)
    return [latest[m] for m in MatchRound.Mode if m in latest]


METRICS = [
    ("students", "Students in the round"),
    ("ranked", "Students who ranked"),
    ("seats", "Seats"),
    ("placed", "Placed"),
    ("first_choice", "Got their first choice"),
    ("mean_rank", "Mean rank of the choice they got"),
    ("unplaced", "Unplaced"),
    ("blocking_pairs", "Blocking pairs (0 = stable)"),
    ("ineligible_choices", "Choices dropped as ineligible"),
    ("elapsed_ms", "Time taken (ms)"),
]


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _breakdown(runs, key):
    """Rows of one breakdown (by school / by cluster) across runs, tolerant of missing keys."""
    names, cells = [], {}
    for col, run in enumerate(runs):
        for row in (run.summary or {}).get(key) or []:
            name = row.get("name", "—")
            if name not in cells:
                names.append(name)
                cells[name] = [None] * len(runs)
            cells[name][col] = row
    return [
        {"name": n, "cells": [c or {} for c in cells[n]], "first": next(c for c in cells[n] if c)}
        for n in sorted(names)
    ]


def round_compare(request, pk):
    match_round = _staff_round(request, pk)
    runs = _latest_runs(match_round)
    running = any(not r.is_finished for r in runs)
    context = {
        "round": match_round,
        "runs": runs,
        "running": running,
        "done_runs": [r for r in runs if r.status == MatchRun.Status.DONE],
        "metrics": [
            {"label": label, "values": [_shown((r.summary or {}).get(key)) for r in runs]}
            for key, label in METRICS
        ],
        "by_school": _breakdown(runs, "by_school"),
        "by_cluster": _breakdown(runs, "by_cluster"),
        "can_manage": can(request.user, "round.manage", match_round),
        # Publishing is refused while students may still change their lists: say so up front.
        "ranking_open": match_round.ranking_is_open(),
    }
    template = "placements/rounds/round_compare.html"
    if request.htmx:
        template += "#comparison"
    return render(request, template, context)


def round_publish(request, pk, run_pk):
    match_round = _managed_round(request, pk)
    run = get_object_or_404(match_round.runs.defer(*RUN_LIST_FIELDS), pk=run_pk)
    if request.method == "POST":
        try:
            placements = services.publish_match_run(run, actor=request.user)
        except services.RoundError as exc:
            messages.error(request, str(exc))
            return redirect("rounds:compare", match_round.pk)
        messages.success(
            request,
            f"Published: {len(placements)} proposed placement{'s' if len(placements) != 1 else ''}. "
            "Students and partners are being notified.",
        )
        return redirect("rounds:detail", match_round.pk)
    return render(
        request,
        "placements/rounds/round_publish.html",
        {
            "round": match_round,
            "run": run,
            "summary": run.summary or {},
            "ranking_open": match_round.ranking_is_open(),
        },
    )


def round_follow_up(request, pk):
    match_round = _managed_round(request, pk)
    form = FollowUpForm(request.POST or None, match_round=match_round)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            new_round = services.create_follow_up_round(
                match_round,
                actor=request.user,
                name=d["name"],
                ranking_opens_at=d["ranking_opens_at"],
                ranking_closes_at=d["ranking_closes_at"],
                max_choices=d["max_choices"],
                priority_rules=form.priority_rules(),
                lottery_seed=d.get("lottery_seed"),
            )
        except services.RoundError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Follow-up round “{new_round.name}” created for the students left unplaced.",
            )
            return redirect("rounds:detail", new_round.pk)
    return render(
        request,
        "placements/rounds/round_form.html",
        {
            "form": form,
            "round": match_round,
            "title": f"Follow-up round for {match_round.name}",
            "follow_up": True,
        },
    )


def round_placements(request, pk):
    """The round's proposed placements the viewer may see (a partner sees only its own)."""
    match_round = get_match_round_for_user(request.user, pk)
    placements = (
        Placement.objects.for_user(request.user)
        .filter(match_round=match_round)
        .select_related("student__school", "opportunity__partner", "mentor__user")
        .order_by("opportunity__partner__name", "opportunity__title", "student__last_name", "pk")
    )
    return render(
        request,
        "placements/rounds/round_placements.html",
        {
            "round": match_round,
            "page_obj": paginate(request, placements),
            "is_staff": can(request.user, "round.review", match_round),
        },
    )


# --- Students ---------------------------------------------------------------------------------


def _catalog(match_round, cluster=None):
    qs = match_round.opportunities.order_by("title", "id")
    if cluster:
        qs = qs.filter(cluster_id=cluster)
    return qs.values(*adapter.OPPORTUNITY_FIELDS, "partner__name", "description")


def round_rank(request, pk):
    match_round = get_match_round_for_user(request.user, pk)
    student = _my_student(request, match_round)
    current = list(
        RoundRanking.objects.filter(match_round=match_round, student=student)
        .order_by("rank")
        .values_list("opportunity_id", flat=True)
    )
    if request.method == "POST":
        form = RankingMoveForm(request.POST)
        if form.is_valid():
            try:
                services.set_rankings(
                    match_round,
                    student=student,
                    opportunity_ids=form.apply(current),
                    actor=request.user,
                )
            except services.RoundError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _move_message(form.cleaned_data["action"]))
            anchor = f"#choice-{form.cleaned_data['opportunity']}"
        else:
            messages.error(request, "That change could not be made.")
            anchor = ""
        return redirect(reverse("rounds:rank", args=[match_round.pk]) + anchor)
    cluster = request.GET.get("cluster") or None
    if cluster is not None and not str(cluster).isdigit():
        cluster = None
    page_obj = paginate(request, _catalog(match_round, cluster))
    row = Student.objects.filter(pk=student.pk).values(*adapter.STUDENT_FIELDS).get()
    ranked_rows = {o["id"]: o for o in _catalog(match_round).filter(pk__in=current)}
    for o in page_obj:
        o["rules"] = adapter.labelled(adapter.ineligibility(row, o))
        o["ranked_at"] = current.index(o["id"]) + 1 if o["id"] in current else None
    ranked = [
        {
            **ranked_rows[oid],
            "rank": n,
            "rules": adapter.labelled(adapter.ineligibility(row, ranked_rows[oid])),
        }
        for n, oid in enumerate(current, start=1)
        if oid in ranked_rows
    ]
    clusters = (
        match_round.opportunities.values("cluster_id", "cluster__name")
        .order_by("cluster__name")
        .distinct()
    )
    return render(
        request,
        "placements/rounds/round_rank.html",
        {
            "round": match_round,
            "student": student,
            "ranked": ranked,
            "page_obj": page_obj,
            "open": match_round.ranking_is_open(),
            "full": len(current) >= match_round.max_choices,
            "remaining": max(match_round.max_choices - len(current), 0),
            "clusters": clusters,
            "cluster": int(cluster) if cluster else None,
        },
    )


def _move_message(action):
    return {
        "add": "Added to your list.",
        "remove": "Removed from your list.",
        "up": "Moved up.",
        "down": "Moved down.",
    }[action]


def _explanation(match_round, run, student):
    """The student's result in `run`, with every higher choice explained in plain words."""
    entry = result_for(run, student.pk)
    if entry is None:
        return None
    ids = {w.get("opportunity") for w in entry.get("why_not", [])} | {entry.get("opportunity")}
    opps = (
        Opportunity.objects.filter(pk__in=[i for i in ids if i is not None])
        .select_related("partner", "cluster")
        .in_bulk()
    )
    criteria = (run.summary or {}).get("criteria", match_round.criteria)
    why = []
    for w in entry.get("why_not", []):
        opp = opps.get(w.get("opportunity"))
        why.append(
            {
                "rank": w.get("rank"),
                "opportunity": opp,
                "reason": w.get("reason"),
                "text": adapter.describe_why_not(
                    w, criteria, cluster_name=opp.cluster.name if opp else ""
                ),
            }
        )
    return {
        "opportunity": opps.get(entry.get("opportunity")),
        "rank": entry.get("rank"),
        "why_not": why,
        "ranked_any": bool(why)
        or entry.get("opportunity") is not None
        or RoundRanking.objects.filter(match_round=match_round, student=student).exists(),
    }


def _result_context(request, match_round, run, student):
    placement = None
    if match_round.is_published:
        placement = (
            Placement.objects.for_user(request.user)
            .filter(match_round=match_round, student=student)
            .select_related("opportunity")
            .first()
        )
    return {
        "round": match_round,
        "run": run,
        "student": student,
        "placement": placement,
        "explanation": _explanation(match_round, run, student),
    }


def round_my_result(request, pk):
    match_round = get_match_round_for_user(request.user, pk)
    student = _my_student(request, match_round)
    run = None
    if match_round.is_published and match_round.published_run_id:
        run = MatchRun.objects.defer(*RUN_LIST_FIELDS).get(pk=match_round.published_run_id)
    context = _result_context(request, match_round, run, student)
    context["own"] = True
    return render(request, "placements/rounds/round_result.html", context)


def round_student_result(request, pk, student_pk):
    """A coordinator or counselor reads one student's explanation (their school's students only)."""
    match_round = _staff_round(request, pk)
    student = get_for_user(
        Student.objects.filter(match_rounds=match_round).select_related("school"),
        request.user,
        student_pk,
    )
    runs = match_round.runs.defer(*RUN_LIST_FIELDS).filter(status=MatchRun.Status.DONE)
    run_pk = request.GET.get("run")
    if run_pk and str(run_pk).isdigit():
        run = get_object_or_404(runs, pk=run_pk)
    elif match_round.published_run_id:
        run = runs.filter(pk=match_round.published_run_id).first()
    else:
        run = runs.order_by("-created_at").first()
    context = _result_context(request, match_round, run, student)
    context["own"] = False
    return render(request, "placements/rounds/round_result.html", context)


def round_open_seats(request, pk):
    """Published opportunities of the district that still have seats, with the student's
    eligibility when a student is looking (for those a round left unplaced)."""
    match_round = get_match_round_for_user(request.user, pk)
    taken = Count("placements", filter=Q(placements__status__in=Placement.OPEN_STATUSES))
    qs = (
        Opportunity.objects.for_user(request.user)
        .filter(district_id=match_round.district_id, status=Opportunity.Status.PUBLISHED)
        .annotate(taken=taken)
        .filter(seats__gt=F("taken"))
        .order_by("title", "id")
        .values(*adapter.OPPORTUNITY_FIELDS, "partner__name", "taken")
    )
    page_obj = paginate(request, qs)
    student = Student.objects.filter(user=request.user, district_id=match_round.district_id).first()
    row = (
        Student.objects.filter(pk=student.pk).values(*adapter.STUDENT_FIELDS).get()
        if student
        else None
    )
    for o in page_obj:
        o["left"] = o["seats"] - o["taken"]
        o["rules"] = adapter.labelled(adapter.ineligibility(row, o)) if row else []
    return render(
        request,
        "placements/rounds/round_open_seats.html",
        {
            "round": match_round,
            "page_obj": page_obj,
            "student": student,
        },
    )
