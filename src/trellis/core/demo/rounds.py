"""Two match rounds: spring Friday internships (published, with its run and proposed
placements) and the summer paid internship (ranking open now).

The published run is computed here by serial dictatorship over one priority order (CTE
concentrators first, then a seeded lottery), which is what deferred acceptance gives when
every opportunity ranks students the same way; its summary is tallied from that result.
"""

from __future__ import annotations

import datetime as dt

from trellis.core.demo.activity import add_agreements, add_placement, add_sessions
from trellis.core.demo.catalog import Opp
from trellis.core.demo.context import TODAY, Ctx, at
from trellis.core.demo.people import Students
from trellis.placements.rounds import MatchRound, MatchRun, RoundRanking

FRIDAY_BIT = 0b10000


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
        for _ in range(want * 6):
            if len(chosen) >= want:
                break
            opp = rng.choice(own) if own and rng.random() < 0.7 else rng.choice(opps)
            if (
                opp not in chosen
                and st.age_on(i, opp.start) >= opp.min_age
                and st.grade[i] >= opp.min_grade
            ):
                chosen.append(opp)
        lists[i] = chosen
    return lists


def _published_round(ctx: Ctx, st: Students, opps: list[Opp]) -> None:
    rng = ctx.rng
    term = ctx.current.terms["spring"]
    seats = sum(o.seats for o in opps)
    candidates = [i for i in st.seniors if i != 0 and st.availability[i] & FRIDAY_BIT]
    eligible = sorted(rng.sample(candidates, min(len(candidates), round(seats * 1.3))))
    ranked = [i for i in eligible if rng.random() < 0.92]  # a few never submitted a list
    lists = _rank_lists(ctx, st, ranked, opps, low=3, high=6)
    lottery = {i: rng.random() for i in ranked}
    order = sorted(ranked, key=lambda i: (not st.cte[i], lottery[i]))
    key = {i: k for k, i in enumerate(order)}
    left = {o.id: o.seats for o in opps}
    worst: dict[int, int] = {}
    assignment: dict[int, tuple[Opp, int] | None] = {}
    for i in order:
        assignment[i] = None
        for rank, opp in enumerate(lists[i], start=1):
            if left[opp.id] > 0:
                left[opp.id] -= 1
                worst[opp.id] = key[i]
                assignment[i] = (opp, rank)
                break

    explanations, placed, first, total_rank, blocking = {}, 0, 0, 0, 0
    for i in order:
        got = assignment[i]
        got_rank = got[1] if got else len(lists[i]) + 1
        why_not = []
        for rank, opp in enumerate(lists[i][: got_rank - 1], start=1):
            if left[opp.id] > 0 or worst.get(opp.id, -1) > key[i]:
                blocking += 1
            why_not.append(
                {
                    "opportunity": opp.id,
                    "rank": rank,
                    "reason": "full",
                    "cutoff": worst.get(opp.id),
                    "priority": key[i],
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
        "eligible": len(eligible),
        "students": len(ranked),
        "seats": seats,
        "placed": placed,
        "unplaced": len(ranked) - placed,
        "first_choice": first,
        "total_rank": total_rank,
        "mean_rank": round(total_rank / placed, 3) if placed else None,
        "blocking_pairs": blocking,
        "seats_filled": round(placed / seats, 3) if seats else None,
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
        ["cte_concentrator", "lottery"],
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
        {str(st.ids[i]): (assignment[i][0].id if assignment[i] else None) for i in order},
        explanations,
        "",
        coordinator,
        ran,
        ran + dt.timedelta(seconds=3),
    )
    _round_members(ctx, st, round_id, opps, eligible, lists)
    skip = ctx.current.plan.no_school
    for i in order:
        if not assignment[i]:
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
        ["grade", "economically_disadvantaged", "lottery"],
        ctx.seed + 1,
        None,
        None,
        ctx.coordinator_user,
        at(dt.date(2026, 11, 9), 13),
    )
    _round_members(ctx, st, round_id, opps, eligible, lists)
