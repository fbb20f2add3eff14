"""Two match rounds: spring Friday internships (published, with its run and proposed
placements) and the summer paid internship (ranking open now).

Both are what the round services would make of the same choices: the filters pick the round's
opportunities and students (`select_opportunities`, `select_students`), students rank only
what `set_rankings` accepts, and the published run is the matching engine's own result on the
round's problem (`problem_from_rows`, `solve_problem`): the seeded lottery, priorities,
summary and per-student results the round pages read.
"""

from __future__ import annotations

import datetime as dt

from trellis.demo.catalog import Opp
from trellis.demo.context import TODAY, Ctx, at
from trellis.demo.people import Students
from trellis.demo.placing import add_placement, add_sessions
from trellis.districts.models import District
from trellis.opportunities.models import Opportunity
from trellis.placements.models import MatchResult, MatchRound, MatchRun, RoundRanking
from trellis.placements.rounds.adapter import problem_from_rows, solve_problem
from trellis.placements.rounds.services import (
    clean_priority_rules,
    select_opportunities,
    select_students,
)
from trellis.rules.eligibility import OpportunityFacts, StudentFacts, for_round
from trellis.students.models import Student


def build_rounds(ctx: Ctx, st: Students, opps: list[Opp]) -> None:
    # The round services choose from the rows written so far: send them to the database first.
    ctx.writer.flush(Student, Opportunity)
    ctx.writer.drain()
    _published_round(ctx, st, opps)
    _open_round(ctx, st, opps)


def _members(ctx: Ctx, st: Students, opps: list[Opp], filters: dict):
    """(opportunities, student indices) the round services select with these filters."""
    district = District(pk=ctx.district_id)
    opp_ids = set(
        select_opportunities(district, filters["opportunities"]).values_list("id", flat=True)
    )
    index = {sid: i for i, sid in enumerate(st.ids)}
    students = [
        index[sid]
        for sid in select_students(district, filters["students"])
        .order_by("id")
        .values_list("id", flat=True)
    ]
    return [o for o in opps if o.id in opp_ids], students


def _rank_lists(
    ctx: Ctx,
    st: Students,
    candidates: list[int],
    opps: list[Opp],
    count: int,
    *,
    low: int,
    high: int,
    max_choices: int,
):
    """Ranked lists of the first `count` candidates who find something to rank, mostly in their
    own interest clusters, and only what `set_rankings` accepts: opportunities of the round
    the student is eligible for."""
    rng = ctx.rng
    # The round's own rule set over facts built once (what `set_rankings` checks, row by row).
    facts = {o.id: OpportunityFacts.from_row(o.row(ctx)) for o in opps}
    by_cluster: dict[str, list[Opp]] = {}
    for opp in opps:
        by_cluster.setdefault(opp.cluster, []).append(opp)
    lists = {}
    for i in candidates:
        if len(lists) >= count:
            break
        me = StudentFacts.from_row(st.row(ctx, i))
        want = min(len(opps), rng.randint(low, high), max_choices)
        own = [o for c in st.clusters[i] for o in by_cluster.get(c, ())]
        chosen: list[Opp] = []
        for attempt in range(want * 12):
            if len(chosen) >= want or (not chosen and attempt >= 2 * want):
                break  # found enough, or nothing they may rank among the first they looked at
            opp = rng.choice(own) if own and rng.random() < 0.7 else rng.choice(opps)
            if opp not in chosen and not for_round(me, facts[opp.id]):
                chosen.append(opp)
        if chosen:
            lists[i] = chosen
    return dict(sorted(lists.items()))


def _published_round(ctx: Ctx, st: Students, opps: list[Opp]) -> None:
    """Spring Friday internships for every senior: CTE concentrators in the opportunity's
    cluster first, then the lottery. Those free on Fridays who wanted one ranked."""
    rng = ctx.rng
    term = ctx.current.terms["spring"]
    filters = {
        "opportunities": {"term": term, "kinds": ["internship"]},
        "students": {"grades": [12]},
    }
    opps, eligible = _members(ctx, st, opps, filters)
    seats = sum(o.seats_left for o in opps)
    others = [i for i in eligible if i != 0]  # the demo student has her fall internship
    candidates = rng.sample(others, len(others))
    lists = _rank_lists(ctx, st, candidates, opps, round(seats * 1.2), low=3, high=6, max_choices=6)

    rules = clean_priority_rules(["cte_concentrator"])
    match_round = MatchRound(lottery_seed=ctx.seed, priority_rules=rules)
    problem = problem_from_rows(
        match_round,
        [st.row(ctx, i) for i in eligible],
        [o.row(ctx) for o in opps],
        {o.id: o.seats_left for o in opps},
        {st.ids[i]: [o.id for o in chosen] for i, chosen in lists.items()},
    )
    out = solve_problem(problem, MatchRound.Mode.STABLE)
    out["summary"]["elapsed_ms"] = 40 + len(eligible) // 50  # what a run of this size takes

    coordinator = ctx.coordinator_user
    round_id = ctx.t(MatchRound).next_id
    run_id = ctx.t(MatchRun).next_id
    published = at(dt.date(2026, 11, 16), 9)
    ctx.t(MatchRound).add(
        ctx.district_id,
        "Spring 2027 senior Friday internships",
        term,
        "published",
        filters,
        6,
        at(dt.date(2026, 10, 12), 8),
        at(dt.date(2026, 10, 30), 17),
        rules,
        ctx.seed,
        run_id,
        published,
        coordinator,
        at(dt.date(2026, 10, 1), 10),
    )
    ran = at(dt.date(2026, 11, 13), 14)
    ctx.t(MatchRun).add(
        round_id,
        MatchRound.Mode.STABLE,
        "done",
        100,
        out["summary"],
        out["assignment"],
        "",
        problem.fingerprint,
        coordinator,
        ran,
        ran + dt.timedelta(seconds=3),
    )
    for sid, oid, rank, why_not in out["results"]:
        ctx.t(MatchResult).add(run_id, sid, oid, rank, why_not)
    _round_members(ctx, st, round_id, opps, eligible, lists)
    # publish_match_run: a proposed placement per assigned student; some confirmed since.
    index = {sid: i for i, sid in enumerate(st.ids)}
    by_id = {o.id: o for o in opps}
    for sid, oid in out["assignment"].items():
        if oid is None:
            continue
        i, opp = index[int(sid)], by_id[oid]
        confirmed = rng.random() < 0.4
        placed = add_placement(
            ctx,
            st,
            i,
            opp,
            "confirmed" if confirmed else "proposed",
            created=published,
            match_round=round_id,
            signed_share=0.7,
        )
        if confirmed:
            add_sessions(ctx, st, placed)


def _round_members(
    ctx: Ctx, st: Students, round_id: int, opps: list[Opp], eligible: list[int], lists
) -> None:
    for opp in opps:
        ctx.t(MatchRound.opportunities.through).add(round_id, opp.id)
    for i in eligible:
        ctx.t(MatchRound.eligible_students.through).add(round_id, st.ids[i])
    for i, chosen in lists.items():
        for rank, opp in enumerate(chosen, start=1):
            ctx.t(RoundRanking).add(round_id, st.ids[i], opp.id, rank)


def _open_round(ctx: Ctx, st: Students, opps: list[Opp]) -> None:
    """Summer 2027 for grades 10–12: students are ranking now; the demo student has not yet.
    Students too young on the start date are in the round, and told why they cannot rank."""
    rng = ctx.rng
    term = ctx.current.terms["summer"]
    filters = {"opportunities": {"term": term}, "students": {"grades": [10, 11, 12]}}
    opps, eligible = _members(ctx, st, opps, filters)
    seats = sum(o.seats_left for o in opps)
    others = [i for i in eligible if i != 0]
    candidates = rng.sample(others, len(others))
    lists = _rank_lists(ctx, st, candidates, opps, round(seats * 1.1), low=1, high=5, max_choices=5)
    round_id = ctx.t(MatchRound).add(
        ctx.district_id,
        "Summer 2027 paid internship",
        term,
        "ranking",
        filters,
        5,
        at(TODAY - dt.timedelta(days=6), 8),
        at(dt.date(2026, 12, 11), 17),
        clean_priority_rules(["grade"]),
        ctx.seed + 1,
        None,
        None,
        ctx.coordinator_user,
        at(dt.date(2026, 11, 9), 13),
    )
    _round_members(ctx, st, round_id, opps, eligible, lists)
