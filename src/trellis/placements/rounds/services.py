"""Match round services: create a round, take rankings, run the engine, publish, follow up.

Every write is one transaction with an audit event; runs go to a background task after commit
and publishing e-mails people after commit, so a rolled-back change neither runs nor notifies.
The tasks (`rounds/tasks.py`) import these services and hand themselves over with
`queue_with()` when the app loads, so the services never import the tasks.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import time

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from trellis.accounts.permissions import can
from trellis.core.errors import Refused
from trellis.core.metrics import timed
from trellis.core.models import AuditAction, AuditEvent
from trellis.opportunities.models import Opportunity
from trellis.placements import capacity
from trellis.placements.models import (
    PRIORITY_CRITERIA,
    MatchRound,
    MatchRun,
    Placement,
    RoundRanking,
)
from trellis.placements.rounds import adapter
from trellis.placements.rounds.results import save_results
from trellis.placements.services import new_placement
from trellis.students.models import Student

log = logging.getLogger(__name__)

STALE_RUN_AFTER = dt.timedelta(minutes=15)
COMMAND_LINE = "manage.py run_match"


class RoundError(Refused):
    """A refused round action; the message is shown to the person as it is."""


# The background tasks, by what they do; filled in by rounds/tasks.py (PlacementsConfig.ready).
_tasks: dict = {}


def queue_with(*, match_run, round_notifications) -> None:
    """The tasks that do a queued run and send a published round's e-mails."""
    _tasks.update(match_run=match_run, round_notifications=round_notifications)


def _enqueue(name: str, pk: int):
    try:
        task = _tasks[name]
    except KeyError:
        raise ImproperlyConfigured(
            "The match round tasks are not registered: trellis.placements must be installed."
        ) from None
    return task.enqueue(pk)


def _audit(*, actor, action, target, data=None, district=None):
    AuditEvent.record(
        actor=actor,
        action=action,
        target=target,
        data=data,
        district=district or target.district,
        actor_label="" if actor is not None else COMMAND_LINE,
    )


def _ensure_manager(actor, match_round):
    """None is the command line (a shell on the server is already trusted)."""
    if actor is not None and not can(actor, "round.manage", match_round):
        raise PermissionDenied("You cannot manage this match round.")


def clean_priority_rules(rules) -> list[str]:
    rules = [r for r in rules if r and r != "lottery"]
    unknown = [r for r in rules if r not in PRIORITY_CRITERIA]
    if unknown:
        raise RoundError(f"Unknown priority rule: {', '.join(unknown)}.")
    if len(set(rules)) != len(rules):
        raise RoundError("Each priority rule can be used once.")
    return [*rules, "lottery"]


def select_opportunities(district, filters: dict):
    """Published opportunities of the district matching the coordinator's filters."""
    qs = Opportunity.objects.filter(district=district, status=Opportunity.Status.PUBLISHED)
    if filters.get("term"):
        qs = qs.filter(term_id=filters["term"])
    if filters.get("clusters"):
        qs = qs.filter(cluster_id__in=filters["clusters"])
    if filters.get("partners"):
        qs = qs.filter(partner_id__in=filters["partners"])
    if filters.get("kinds"):
        qs = qs.filter(kind__in=filters["kinds"])
    return qs


def select_students(district, filters: dict, *, school=None):
    """Active students of the district (or of the round's school) matching the filters."""
    qs = Student.objects.filter(district=district, is_active=True)
    if school is not None:
        qs = qs.filter(school=school)
    if filters.get("schools"):
        qs = qs.filter(school_id__in=filters["schools"])
    if filters.get("grades"):
        qs = qs.filter(grade__in=[int(g) for g in filters["grades"]])
    if filters.get("cte_only"):
        qs = qs.filter(is_cte_concentrator=True)
    if filters.get("exclude_placed"):
        qs = qs.exclude(placements__status__in=Placement.OPEN_STATUSES)
    return qs


@transaction.atomic
def create_match_round(
    *,
    actor,
    district,
    name,
    ranking_opens_at,
    ranking_closes_at,
    opportunity_filters=None,
    student_filters=None,
    school=None,
    term=None,
    max_choices=10,
    priority_rules=(),
    lottery_seed=None,
    opportunity_ids=None,
    student_ids=None,
    follows=None,
) -> MatchRound:
    """Open a round for ranking: the filters pick the opportunities and the eligible students
    (or a follow-up passes the ids it computed); the lottery seed is drawn once and kept."""
    new_round = MatchRound(district=district, school=school)
    if actor is not None and not can(actor, "round.create", new_round):
        raise PermissionDenied("You cannot create match rounds here.")
    if ranking_closes_at <= ranking_opens_at:
        raise RoundError("The ranking window must close after it opens.")
    if max_choices < 1:
        raise RoundError("Students must be allowed at least one choice.")
    rules = clean_priority_rules(priority_rules)
    opportunity_filters, student_filters = opportunity_filters or {}, student_filters or {}
    opps = (
        Opportunity.objects.filter(pk__in=opportunity_ids)
        if opportunity_ids is not None
        else select_opportunities(district, opportunity_filters)
    )
    opp_ids = list(opps.filter(district=district).values_list("id", flat=True))
    studs = (
        Student.objects.filter(pk__in=student_ids)
        if student_ids is not None
        else select_students(district, student_filters, school=school)
    )
    if school is not None:
        studs = studs.filter(school=school)
    stu_ids = list(studs.filter(district=district).values_list("id", flat=True).distinct())
    if not opp_ids:
        raise RoundError("No published opportunities match these filters.")
    if not stu_ids:
        raise RoundError("No students match these filters.")
    match_round = MatchRound.objects.create(
        district=district,
        school=school,
        term=term,
        name=name,
        follows=follows,
        status=MatchRound.Status.RANKING,
        max_choices=max_choices,
        ranking_opens_at=ranking_opens_at,
        ranking_closes_at=ranking_closes_at,
        priority_rules=rules,
        lottery_seed=lottery_seed if lottery_seed is not None else secrets.randbelow(2**31),
        filters={"opportunities": opportunity_filters, "students": student_filters},
        created_by=actor,
    )
    # Straight inserts: a new round has no links yet, and M2M .set() would send every id back
    # in one IN (...) list, which a district-sized round can push past SQLite's limits.
    Link = MatchRound.opportunities.through
    Link.objects.bulk_create(
        (Link(matchround_id=match_round.pk, opportunity_id=i) for i in opp_ids), batch_size=5000
    )
    Link = MatchRound.eligible_students.through
    Link.objects.bulk_create(
        (Link(matchround_id=match_round.pk, student_id=i) for i in stu_ids), batch_size=5000
    )
    _audit(
        actor=actor,
        action=AuditAction.MATCH_ROUND_CREATED,
        target=match_round,
        data={
            "opportunities": len(opp_ids),
            "students": len(stu_ids),
            "priority_rules": rules,
            "lottery_seed": match_round.lottery_seed,
            "follows": follows.pk if follows else None,
        },
    )
    return match_round


@transaction.atomic
def set_rankings(match_round, *, student, opportunity_ids, actor, now=None) -> list[RoundRanking]:
    """Replace the student's ranked list (first = rank 1), inside the window and the rules."""
    now = now or timezone.now()
    if actor is not None and not can(actor, "round.rank", student):
        raise PermissionDenied("Students rank for themselves.")
    if not match_round.ranking_is_open(now):
        if (
            match_round.ranking_opens_at
            and now < match_round.ranking_opens_at
            and match_round.status == MatchRound.Status.RANKING
        ):
            opens = date_format(timezone.localtime(match_round.ranking_opens_at), "DATETIME_FORMAT")
            raise RoundError(f"Ranking opens {opens}.")
        raise RoundError("Ranking for this round is closed; your list can no longer change.")
    if not match_round.eligible_students.filter(pk=student.pk).exists():
        raise RoundError("You are not taking part in this round.")
    ids = [int(i) for i in opportunity_ids]
    if len(set(ids)) != len(ids):
        raise RoundError("Each opportunity can be on your list once.")
    if len(ids) > match_round.max_choices:
        raise RoundError(f"You can rank at most {match_round.max_choices} opportunities.")
    rows = list(match_round.opportunities.filter(pk__in=ids).values(*adapter.OPPORTUNITY_FIELDS))
    if len(rows) != len(ids):
        raise RoundError("That opportunity is not part of this round.")
    failed = adapter.eligibility_for_student(match_round, student, rows)
    bad = [r for r in rows if failed[r["id"]]]
    if bad:
        reasons = " ".join(msg for _, msg in failed[bad[0]["id"]])
        raise RoundError(f"You are not eligible for {bad[0]['title']}: {reasons}")
    RoundRanking.objects.filter(match_round=match_round, student=student).delete()
    created = RoundRanking.objects.bulk_create(
        RoundRanking(match_round=match_round, student=student, opportunity_id=oid, rank=n)
        for n, oid in enumerate(ids, start=1)
    )
    _audit(
        actor=actor,
        action=AuditAction.MATCH_ROUND_RANKED,
        target=match_round,
        data={"student": student.pk, "choices": ids},
    )
    return created


@transaction.atomic
def close_ranking(match_round, *, actor, now=None) -> MatchRound:
    """End the ranking window early so the round can be run and published."""
    now = now or timezone.now()
    _ensure_manager(actor, match_round)
    match_round = MatchRound.objects.select_for_update().get(pk=match_round.pk)
    if match_round.status == MatchRound.Status.PUBLISHED:
        raise RoundError("This round is already published.")
    if match_round.status == MatchRound.Status.CLOSED:
        raise RoundError("Ranking is already closed.")
    match_round.status = MatchRound.Status.CLOSED
    fields = ["status"]
    opens, closes = match_round.ranking_opens_at, match_round.ranking_closes_at
    if closes and closes > now and (opens is None or opens < now):
        match_round.ranking_closes_at = now
        fields.append("ranking_closes_at")
    match_round.save(update_fields=fields)
    _audit(actor=actor, action=AuditAction.MATCH_ROUND_RANKING_CLOSED, target=match_round)
    return match_round


def _published_message(match_round) -> str:
    when = (
        f" on {date_format(timezone.localtime(match_round.published_at))}"
        if match_round.published_at
        else ""
    )
    return (
        f"This round was published{when}; its placements are final and it cannot be run again. "
        "Create a follow-up round for the students left unplaced."
    )


@transaction.atomic
def request_match_runs(
    match_round, *, actor, modes=(MatchRound.Mode.STABLE, MatchRound.Mode.MAX_PLACEMENT)
) -> list[MatchRun]:
    """Queue one run per mode; the background task does the work and reports progress."""
    _ensure_manager(actor, match_round)
    match_round = MatchRound.objects.select_for_update().get(pk=match_round.pk)
    if match_round.is_published:
        raise RoundError(_published_message(match_round))
    modes = [MatchRound.Mode(m) for m in modes]
    if not modes:
        raise RoundError("Choose at least one mode.")
    busy = match_round.runs.filter(
        mode__in=modes,
        status__in=[MatchRun.Status.QUEUED, MatchRun.Status.RUNNING],
        created_at__gte=timezone.now() - STALE_RUN_AFTER,
    ).first()
    if busy:
        raise RoundError(f"A {busy.get_mode_display().lower()} run is already in progress.")
    runs = [_new_run(match_round, actor=actor, mode=m) for m in modes]
    for run in runs:

        def enqueue(run_id=run.pk):
            result = _enqueue("match_run", run_id)
            MatchRun.objects.filter(pk=run_id).update(task_result_id=str(result.id)[:64])

        transaction.on_commit(enqueue)
    return runs


def _new_run(match_round, *, actor, mode) -> MatchRun:
    run = MatchRun.objects.create(match_round=match_round, mode=mode, requested_by=actor)
    _audit(
        actor=actor,
        action=AuditAction.MATCH_RUN_REQUESTED,
        target=match_round,
        data={"run": run.pk, "mode": run.mode},
    )
    return run


def run_match_now(match_round, *, actor, mode) -> MatchRun:
    """Run in this process and wait (the command line); the web pages queue a task instead."""
    _ensure_manager(actor, match_round)
    with transaction.atomic():
        match_round = MatchRound.objects.select_for_update().get(pk=match_round.pk)
        if match_round.is_published:
            raise RoundError(_published_message(match_round))
        run = _new_run(match_round, actor=actor, mode=MatchRound.Mode(mode))
    return perform_match_run(run)


def perform_match_run(run: MatchRun) -> MatchRun:
    """Do one run: read the round, solve, explain, store. Progress is saved as it goes (outside
    any transaction) so the coordinator's page can poll it; a failure is recorded, not hidden.
    The whole run, saving included, is timed into the match_run_seconds metric."""
    if run.is_finished:  # a retried task must not redo (and re-audit) a finished run
        return run
    with timed("match_run", mode=run.mode) as timing:
        run = _perform_match_run(run)
        if run.status != MatchRun.Status.DONE:
            timing.outcome = "failed"
    return run


def _perform_match_run(run: MatchRun) -> MatchRun:
    match_round = run.match_round
    started = time.perf_counter()
    phases = {}  # milliseconds per phase, kept in the summary (and printed by run_match)

    def lap(name, since):
        now = time.perf_counter()
        phases[name] = round((now - since) * 1000)
        return now

    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.RUNNING, progress=5, started_at=timezone.now()
    )

    def progress(pct):
        MatchRun.objects.filter(pk=run.pk).update(progress=pct)

    try:
        match_round.refresh_from_db()
        if match_round.is_published:
            raise RoundError(_published_message(match_round))
        problem = adapter.build_problem(match_round)
        mark = lap("load_ms", started)
        progress(40)
        out = adapter.solve_problem(problem, run.mode, progress)
        mark = lap("solve_and_explain_ms", mark)
        with transaction.atomic():
            save_results(run.pk, out.pop("results"))
            mark = lap("save_ms", mark)
            # The round's timer covers everything the run does, saving included.
            out["summary"]["phases_ms"] = phases
            out["summary"]["elapsed_ms"] = round((time.perf_counter() - started) * 1000)
            MatchRun.objects.filter(pk=run.pk).update(
                status=MatchRun.Status.DONE,
                progress=100,
                finished_at=timezone.now(),
                summary=out["summary"],
                assignment=out["assignment"],
                input_fingerprint=problem.fingerprint,
            )
    except Exception as exc:
        log.exception("match run %s failed", run.pk)
        message = (
            str(exc)
            if isinstance(exc, RoundError)
            else f"The run failed: {exc.__class__.__name__}: {exc}"
        )
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.FAILED, error=message, finished_at=timezone.now()
        )
        run.refresh_from_db()
        _audit(
            actor=run.requested_by,
            action=AuditAction.MATCH_RUN_FAILED,
            target=match_round,
            data={"run": run.pk, "error": message[:500]},
        )
        return run
    run.refresh_from_db()
    s = out["summary"]
    _audit(
        actor=run.requested_by,
        action=AuditAction.MATCH_RUN_FINISHED,
        target=match_round,
        data={
            "run": run.pk,
            "mode": run.mode,
            "placed": s["placed"],
            "unplaced": s["unplaced"],
            "blocking_pairs": s["blocking_pairs"],
        },
    )
    return run


def ensure_ranking_ended(match_round, now=None) -> None:
    """Refuse to publish while students may still change their lists (checked before a
    command-line run with --publish too, so it refuses before doing the whole match)."""
    if match_round.ranking_is_open(now):
        raise RoundError("Ranking is still open. Close ranking, run the round again, then publish.")


@transaction.atomic
def publish_match_run(run: MatchRun, *, actor, now=None) -> list[Placement]:
    """Turn the chosen run into proposed placements, all or nothing, and tell everyone."""
    now = now or timezone.now()
    match_round = MatchRound.objects.select_for_update().get(pk=run.match_round_id)
    _ensure_manager(actor, match_round)
    if match_round.is_published:
        raise RoundError(_published_message(match_round))
    run = MatchRun.objects.get(pk=run.pk)
    if run.status != MatchRun.Status.DONE:
        raise RoundError("Only a finished run can be published.")
    ensure_ranking_ended(match_round, now)
    if run.input_fingerprint and run.input_fingerprint != adapter.current_fingerprint(match_round):
        raise RoundError(
            "Rankings, students or seats changed after this run. Run the round again and publish the new result."
        )
    pairs = [(int(sid), oid) for sid, oid in run.assignment.items() if oid is not None]
    # The seats are locked first, so a coordinator proposing at the same time waits for this.
    left = capacity.lock_seats({oid for _, oid in pairs})
    opps = {o.pk: o for o in Opportunity.objects.filter(pk__in=left)}
    wanted: dict[int, int] = {}
    for _, oid in pairs:
        wanted[oid] = wanted.get(oid, 0) + 1
    over = [opps[oid].title for oid, n in wanted.items() if n > left.get(oid, 0)]
    if over:
        raise RoundError(
            f"Not enough seats left at {', '.join(sorted(over))}. Run the round again."
        )
    held = set(
        Placement.objects.filter(
            status__in=Placement.OPEN_STATUSES,
            student__in=match_round.eligible_students.values("id"),
            opportunity__in=match_round.opportunities.values("id"),
        ).values_list("student_id", "opportunity_id")
    )
    if held.intersection(pairs):
        raise RoundError(
            "Some students already hold a placement at the opportunity they were matched to. Run the round again."
        )
    today = timezone.localdate(now)
    placements = Placement.objects.bulk_create(
        new_placement(student_id=sid, opportunity=opps[oid], today=today, match_round=match_round)
        for sid, oid in pairs
    )
    match_round.status = MatchRound.Status.PUBLISHED
    match_round.published_run = run
    match_round.published_at = now
    match_round.save(update_fields=["status", "published_run", "published_at"])
    _audit(
        actor=actor,
        action=AuditAction.MATCH_ROUND_PUBLISHED,
        target=match_round,
        data={
            "run": run.pk,
            "mode": run.mode,
            "placements": len(placements),
            "unplaced": sum(1 for oid in run.assignment.values() if oid is None),
        },
    )
    transaction.on_commit(lambda: _enqueue("round_notifications", match_round.pk))
    return placements


def unplaced_students(match_round):
    """Eligible students with no open placement from this round (the leftovers)."""
    placed = Placement.objects.filter(
        match_round=match_round, status__in=Placement.OPEN_STATUSES
    ).values("student_id")
    return match_round.eligible_students.filter(is_active=True).exclude(pk__in=placed)


def opportunities_with_seats(match_round):
    """The round's opportunities still published and with seats left."""
    ids = list(
        match_round.opportunities.filter(status=Opportunity.Status.PUBLISHED).values_list(
            "id", flat=True
        )
    )
    return [oid for oid, n in capacity.seats_left_by_id(ids).items() if n > 0]


@transaction.atomic
def create_follow_up_round(
    match_round,
    *,
    actor,
    name,
    ranking_opens_at,
    ranking_closes_at,
    max_choices=None,
    priority_rules=None,
    lottery_seed=None,
) -> MatchRound:
    """A new round for the students a published round left unplaced, over the seats still open."""
    _ensure_manager(actor, match_round)
    match_round = MatchRound.objects.get(pk=match_round.pk)
    if not match_round.is_published:
        raise RoundError("Publish this round before creating a follow-up round.")
    student_ids = unplaced_students(match_round).values("id")
    if not student_ids.exists():
        raise RoundError("Every student in this round was placed; there is nobody to follow up.")
    opp_ids = opportunities_with_seats(match_round)
    if not opp_ids:
        raise RoundError("No opportunity in this round has seats left.")
    return create_match_round(
        actor=actor,
        district=match_round.district,
        school=match_round.school,
        term=match_round.term,
        name=name,
        ranking_opens_at=ranking_opens_at,
        ranking_closes_at=ranking_closes_at,
        max_choices=max_choices or match_round.max_choices,
        priority_rules=match_round.criteria if priority_rules is None else priority_rules,
        lottery_seed=lottery_seed,
        opportunity_ids=opp_ids,
        student_ids=student_ids,
        follows=match_round,
        opportunity_filters={"follow_up_of": match_round.pk},
        student_filters={"unplaced_in": match_round.pk},
    )
