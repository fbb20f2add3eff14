"""Two match rounds: spring Friday internships (published, with its run and proposed
placements) and the summer paid internship (ranking open now).

The published run is computed here by serial dictatorship over one priority order (CTE
concentrators first, then a seeded lottery), which is what deferred acceptance gives when
every opportunity ranks students the same way; its summary is tallied from that result.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter

from trellis.demo.activity import add_agreements, add_placement, add_sessions
from trellis.demo.catalog import Opp
from trellis.demo.context import TODAY, Ctx, at
from trellis.demo.people import Students
from trellis.placements.matching_adapter import compose_key
from trellis.placements.rounds import MatchRound, MatchRun, RoundRanking

FRIDAY_BIT = 0b10000
CRITERIA = ["cte_concentrator"]  # then the lottery, as placements.rounds applies it


def build_rounds(ctx: Ctx, st: Students, opps: list[Opp]) -> None:
    _published_round(ctx, st, [o for o in opps if o.track == "friday"])
    _open_round(ctx, st, [o for o in opps if o.track == "summer"])


def _rank_lists(
    ctx: Ctx, st: Students, students: list[int], opps: list[Opp], *, low: int, high: int
):
    """Each student's ranked choices, mostly in their own interest clusters."""
    rng = ctx.rng
    by_cluster: dict[str, list[Opp]] = {}
    for opp in opps:
        by_cluster.setdefault(opp.cluster, []).append(opp)
    lists = {}
    for i in students:
        want = min(len(opps), rng.randint(low, high))
        own = [o for c in st.clusters[i] for o in by_cluster.get(c, ())]
        chosen: list[Opp] = []
        for _ in range(want * 12):
            if len(chosen) >= want:
                break
            opp = rng.choice(own) if own and rng.random() < 0.7 else rng.choice(opps)
            if (
                opp not in chosen
                and st.age_on(i, opp.start) >= opp.min_age
                and st.grade[i] >= opp.min_grade
                # Students can only rank what fits their week and their way of getting there.
                and opp.weekdays & st.availability[i] == opp.weekdays
                and (opp.virtual or st.transport[i] != "none")
                and not (opp.hazardous and st.age_on(i, opp.start) < 18)
            ):
                chosen.append(opp)
        lists[i] = chosen
    return lists


def _deferred_acceptance(lists: dict[int, list[Opp]], key, seats: dict[int, int]):
    """Student-proposing deferred acceptance; `key(i, opp)` is the priority, smaller is better.

    Returns (assignment i → (opp, rank) or None, held opp id → [(key, i)]).
    """
    held: dict[int, list[tuple[int, int]]] = {o: [] for o in seats}
    nxt = dict.fromkeys(lists, 0)
    free = list(reversed(lists))
    while free:
        i = free.pop()
        if nxt[i] >= len(lists[i]):
            continue
        opp = lists[i][nxt[i]]
        nxt[i] += 1
        heapq.heappush(held[opp.id], (-key(i, opp), i))  # max-heap on key: worst admitted on top
        if len(held[opp.id]) > seats[opp.id]:
            _, bumped = heapq.heappop(held[opp.id])
            free.append(bumped)
    assignment: dict[int, tuple[Opp, int] | None] = dict.fromkeys(lists)
    for oid, entries in held.items():
        for _, i in entries:
            rank = next(r for r, o in enumerate(lists[i], start=1) if o.id == oid)
            assignment[i] = (lists[i][rank - 1], rank)
    return assignment, held


def _published_round(ctx: Ctx, st: Students, opps: list[Opp]) -> None:
    """Spring Friday internships: CTE concentrators in the opportunity's cluster first, then a
    seeded lottery; the run's summary and explanations have the shape the round pages read."""
    rng = ctx.rng
    term = ctx.current.terms["spring"]
    seats = {o.id: o.seats for o in opps}
    candidates = [i for i in st.seniors if i != 0 and st.availability[i] & FRIDAY_BIT]
    eligible = sorted(
        rng.sample(candidates, min(len(candidates), round(sum(seats.values()) * 1.3)))
    )
    ranked = [i for i in eligible if rng.random() < 0.92]  # a few never submitted a list
    lists = _rank_lists(ctx, st, ranked, opps, low=3, high=6)
    draw = sorted(eligible, key=lambda _i: rng.random())
    lottery = {i: n for n, i in enumerate(draw, start=1)}

    def key(i: int, opp: Opp) -> int:
        return compose_key([0 if st.cte_cluster[i] == opp.cluster else 1], CRITERIA, lottery[i])

    assignment, held = _deferred_acceptance(lists, key, seats)
    worst = {oid: -entries[0][0] for oid, entries in held.items() if entries}
    explanations, placed, first, total_rank, blocking = {}, 0, 0, 0, 0
    for i in eligible:
        got = assignment.get(i)
        chosen = lists.get(i, [])
        got_rank = got[1] if got else len(chosen) + 1
        why_not = []
        for rank, opp in enumerate(chosen[: got_rank - 1], start=1):
            mine = key(i, opp)
            if len(held[opp.id]) < seats[opp.id] or worst[opp.id] > mine:
                blocking += 1
            why_not.append(
                {
                    "opportunity": opp.id,
                    "rank": rank,
                    "reason": "full",
                    "rules": [],
                    "cutoff": worst.get(opp.id),
                    "priority": mine,
                    "seats": seats[opp.id],
                }
            )
        if got:
            placed += 1
            first += got[1] == 1
            total_rank += got[1]
        explanations[str(st.ids[i])] = {
            "opportunity": got[0].id if got else None,
            "rank": got[1] if got else None,
            "why_not": why_not,
        }
    summary = {
        "mode": "stable",
        "students": len(eligible),
        "ranked": len(ranked),
        "not_ranked": len(eligible) - len(ranked),
        "placed": placed,
        "unplaced": len(eligible) - placed,
        "first_choice": first,
        "mean_rank": round(total_rank / placed, 2) if placed else None,
        "total_rank": total_rank,
        "blocking_pairs": blocking,
        "seats": sum(seats.values()),
        "opportunities": len(opps),
        "ineligible_choices": 0,
        "criteria": CRITERIA,
        "lottery_seed": ctx.seed,
        "lottery_size": len(lottery),
        "by_school": _by_school(ctx, st, eligible, assignment),
        "by_cluster": _by_cluster(ctx, opps, lists, assignment),
        "elapsed_ms": 40 + len(eligible) // 50,
    }
    assignment_json = {
        str(st.ids[i]): (assignment[i][0].id if assignment.get(i) else None) for i in eligible
    }

    coordinator = ctx.coordinator_user
    round_id = ctx.t(MatchRound).next_id
    run_id = ctx.t(MatchRun).next_id
    published = at(dt.date(2026, 11, 16), 9)
    ctx.t(MatchRound).add(
        ctx.district_id,
        "Spring 2027 senior Friday internships",
        term,
        "published",
        {"grades": [12], "weekdays": ["Fri"], "term": "Spring 2027"},
        6,
        at(dt.date(2026, 10, 12), 8),
        at(dt.date(2026, 10, 30), 17),
        CRITERIA,
        ctx.seed,
        run_id,
        published,
        coordinator,
        at(dt.date(2026, 10, 1), 10),
    )
    ran = at(dt.date(2026, 11, 13), 14)
    ctx.t(MatchRun).add(
        round_id,
        "stable",
        "done",
        100,
        summary,
        assignment_json,
        explanations,
        "",
        coordinator,
        ran,
        ran + dt.timedelta(seconds=3),
    )
    _round_members(ctx, st, round_id, opps, eligible, lists)
    skip = ctx.current.plan.no_school
    for i in eligible:
        if not assignment.get(i):
            continue
        opp = assignment[i][0]
        confirmed = rng.random() < 0.4
        placement = add_placement(
            ctx,
            st,
            i,
            opp,
            "confirmed" if confirmed else "proposed",
            created=published,
            match_round=round_id,
        )
        if confirmed:
            add_agreements(
                ctx,
                st,
                i,
                placement,
                opp,
                signed_share=0.7,
                created=published + dt.timedelta(days=1),
            )
            add_sessions(ctx, placement, opp, opp.session_dates(skip))


def _by_school(ctx: Ctx, st: Students, eligible: list[int], assignment) -> list[dict]:
    students, placed = Counter(), Counter()
    for i in eligible:
        name = ctx.schools[st.school[i]].name
        students[name] += 1
        placed[name] += assignment.get(i) is not None
    return [
        {
            "name": n,
            "students": students[n],
            "placed": placed[n],
            "unplaced": students[n] - placed[n],
        }
        for n in sorted(students)
    ]


def _by_cluster(ctx: Ctx, opps: list[Opp], lists, assignment) -> list[dict]:
    names = {o.cluster: ctx.cluster_name[o.cluster] for o in opps}
    seats, filled, wanted, unplaced = Counter(), Counter(), Counter(), Counter()
    for o in opps:
        seats[o.cluster] += o.seats
    for got in assignment.values():
        if got:
            filled[got[0].cluster] += 1
    for i, chosen in lists.items():
        if chosen:
            wanted[chosen[0].cluster] += 1
            unplaced[chosen[0].cluster] += assignment.get(i) is None
    return [
        {
            "name": names[c],
            "seats": seats[c],
            "filled": filled[c],
            "first_choice_students": wanted[c],
            "unplaced": unplaced[c],
        }
        for c in sorted(names, key=names.get)
    ]


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
    """Summer 2027: eligible students are ranking now; the demo student has not ranked yet."""
    rng = ctx.rng
    term = ctx.current.terms["summer"]
    start = min(o.start for o in opps)
    seats = sum(o.seats for o in opps)
    candidates = [
        i for i in range(1, st.n_current) if st.grade[i] >= 10 and st.age_on(i, start) >= 16
    ]
    eligible = [0] + sorted(rng.sample(candidates, min(len(candidates), round(seats * 2.5))))
    rankers = [i for i in eligible[1:] if rng.random() < 0.45]
    lists = _rank_lists(ctx, st, rankers, opps, low=1, high=5)
    round_id = ctx.t(MatchRound).add(
        ctx.district_id,
        "Summer 2027 paid internship",
        term,
        "ranking",
        {"grades": [10, 11, 12], "min_age_on_start": 16, "term": "Summer 2027"},
        5,
        at(TODAY - dt.timedelta(days=6), 8),
        at(dt.date(2026, 12, 11), 17),
        ["grade"],
        ctx.seed + 1,
        None,
        None,
        ctx.coordinator_user,
        at(dt.date(2026, 11, 9), 13),
    )
    _round_members(ctx, st, round_id, opps, eligible, lists)
