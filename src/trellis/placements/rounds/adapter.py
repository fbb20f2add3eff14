"""ORM rows in, `trellis.matching` problem out: eligibility rules, priority keys, the lottery.

The engine knows nothing about students or schools; everything that does lives here. The
eligibility rules are the one rule set (`rules.eligibility.for_round`) over facts built from
plain rows (dicts from `.values()`), so the ranking page, the run, the browse page and the
coordinator ask the same rules; keys are small pure functions, and tests need no engine.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from trellis.placements.capacity import seats_left_by_id
from trellis.placements.models import Application, MatchRound, RoundRanking
from trellis.rules import eligibility
from trellis.rules.eligibility import RULE_LABELS, OpportunityFacts, StudentFacts
from trellis.students.models import Student

ENGINE_MODE = {MatchRound.Mode.STABLE: "stable", MatchRound.Mode.MAX_PLACEMENT: "max_placement"}

STUDENT_FIELDS = (
    "id",
    "school_id",
    "school__name",
    "grade",
    "birth_date",
    "availability",
    "transportation",
    "max_travel_miles",
    "home_latitude",
    "home_longitude",
    "is_cte_concentrator",
    "cte_cluster_id",
)
OPPORTUNITY_FIELDS = (
    "id",
    "title",
    "status",
    "seats",
    "min_grade",
    "min_age",
    "is_hazardous",
    "hazardous_orders",
    "weekdays",
    "start_date",
    "kind",
    "cluster_id",
    "cluster__name",
    "partner_id",
    "worksite__is_virtual",
    "worksite__latitude",
    "worksite__longitude",
)

# ---------------------------------------------------------------------------------------------
# Eligibility: the one rule set (`rules.eligibility.for_round`), over facts built from rows once.
# ---------------------------------------------------------------------------------------------


def ineligibility(student: dict, opp: dict) -> list[tuple[str, str]]:
    """Every hard rule the student fails for the opportunity, as (rule, plain sentence); [] if eligible.

    `student` and `opportunity` are rows with STUDENT_FIELDS and OPPORTUNITY_FIELDS.
    """
    return eligibility.for_round(StudentFacts.from_row(student), OpportunityFacts.from_row(opp))


def labelled(rules) -> list[dict]:
    """Rules ready for a template: a short label and the sentence."""
    return [
        {"code": code, "label": RULE_LABELS.get(code, code), "text": text} for code, text in rules
    ]


def opportunity_rows(match_round: MatchRound) -> list[dict]:
    return list(match_round.opportunities.order_by("title", "id").values(*OPPORTUNITY_FIELDS))


def eligibility_for_student(
    match_round: MatchRound, student: Student, opportunities=None
) -> dict[int, list]:
    """Opportunity id → failed rules for one student (the ranking page shows them)."""
    row = Student.objects.filter(pk=student.pk).values(*STUDENT_FIELDS).get()
    rows = opportunities if opportunities is not None else opportunity_rows(match_round)
    return {o["id"]: ineligibility(row, o) for o in rows}


# ---------------------------------------------------------------------------------------------
# Priority keys: lexicographic over the coordinator's criteria, then the seeded lottery.
# ---------------------------------------------------------------------------------------------

CRITERION_BITS = {"grade": 3, "cte_concentrator": 1, "interview_rank": 16}
LOTTERY_BITS = 32
NOT_INTERVIEWED = (1 << CRITERION_BITS["interview_rank"]) - 1
_MASK64 = (1 << 64) - 1


def criterion_value(criterion: str, student: dict, opp: dict, interview_rank: int | None) -> int:
    """Smaller is better. Grade: seniors first. CTE: concentrators in the opportunity's cluster
    first. Interview: the partner's rank 1, 2, …; students the partner did not rank go last."""
    if criterion == "grade":
        return min(max(12 - student["grade"], 0), 7)
    if criterion == "cte_concentrator":
        return (
            0
            if student["is_cte_concentrator"] and student["cte_cluster_id"] == opp["cluster_id"]
            else 1
        )
    if criterion == "interview_rank":
        return (
            NOT_INTERVIEWED
            if interview_rank is None
            else min(max(interview_rank, 1), NOT_INTERVIEWED - 1)
        )
    raise ValueError(f"unknown priority criterion {criterion!r}")


def compose_key(values: list[int], criteria: list[str], lottery: int) -> int:
    key = 0
    for c, v in zip(criteria, values, strict=True):
        key = (key << CRITERION_BITS[c]) | v
    return (key << LOTTERY_BITS) | lottery


def decode_key(key: int, criteria: list[str]) -> dict[str, int]:
    """Split a key back into its criteria values and lottery number (for explanations)."""
    out = {"lottery": key & ((1 << LOTTERY_BITS) - 1)}
    key >>= LOTTERY_BITS
    for c in reversed(criteria):
        bits = CRITERION_BITS[c]
        out[c] = key & ((1 << bits) - 1)
        key >>= bits
    return out


def lottery_numbers(student_ids, seed: int) -> dict[int, int]:
    """Lottery number 1..N per student: one draw per student for the whole round.

    Students are ordered by a seeded hash of their id (splitmix64), so the same seed gives the
    same order, and adding a student does not reshuffle everyone else.
    """
    ids = np.array(sorted(student_ids), dtype=np.uint64)
    if ids.size == 0:
        return {}
    with np.errstate(over="ignore"):
        x = ids + np.uint64(seed & _MASK64) * np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    order = np.lexsort((ids, x))
    return {int(ids[p]): n for n, p in enumerate(order.tolist(), start=1)}


# ---------------------------------------------------------------------------------------------
# The problem for one round.
# ---------------------------------------------------------------------------------------------


@dataclass
class RoundProblem:
    """Everything a run needs, read from the database once."""

    match_round: MatchRound
    criteria: list[str]
    students: list[dict]
    opportunities: list[dict]
    capacity: dict[int, int]
    choices: dict[int, list[int]]
    priority: dict[tuple[int, int], int] = field(default_factory=dict)
    ineligible: dict[tuple[int, int], list[tuple[str, str]]] = field(default_factory=dict)
    lottery: dict[int, int] = field(default_factory=dict)
    fingerprint: str = ""


def round_fingerprint(match_round: MatchRound, students, choices, capacity) -> str:
    """A hash of what the result depends on that can change after a run: who is in, their
    lists, and the seats left. Publishing a run whose inputs changed is refused."""
    h = hashlib.sha256()
    h.update(f"{match_round.lottery_seed}|{','.join(match_round.criteria)}|".encode())
    for sid in sorted(students):
        h.update(f"s{sid}:{','.join(map(str, choices.get(sid, ())))};".encode())
    for oid in sorted(capacity):
        h.update(f"o{oid}:{capacity[oid]};".encode())
    return h.hexdigest()


def _rankings(match_round: MatchRound, student_ids) -> dict[int, list[int]]:
    """Each student's list in rank order (filtered here, not in SQL: no huge IN lists)."""
    keep = set(student_ids)
    choices: dict[int, list[int]] = defaultdict(list)
    rows = (
        RoundRanking.objects.filter(match_round=match_round)
        .order_by("student_id", "rank")
        .values_list("student_id", "opportunity_id")
    )
    for sid, oid in rows.iterator(chunk_size=10000):
        if sid in keep:
            choices[sid].append(oid)
    return dict(choices)


def current_fingerprint(match_round: MatchRound) -> str:
    """The fingerprint a run made now would have (cheap: ids and counts only)."""
    student_ids = list(
        match_round.eligible_students.filter(is_active=True).values_list("id", flat=True)
    )
    opp_ids = list(match_round.opportunities.values_list("id", flat=True))
    capacity = seats_left_by_id(opp_ids)
    return round_fingerprint(
        match_round, student_ids, _rankings(match_round, student_ids), capacity
    )


def build_problem(match_round: MatchRound) -> RoundProblem:
    """Read the round: students, opportunities, seats left, lists, eligibility and keys."""
    criteria = match_round.criteria
    students = list(
        match_round.eligible_students.filter(is_active=True).order_by("id").values(*STUDENT_FIELDS)
    )
    opps = opportunity_rows(match_round)
    capacity = seats_left_by_id([o["id"] for o in opps])
    choices = _rankings(match_round, [s["id"] for s in students])
    interview = {}
    if "interview_rank" in criteria:
        interview = {
            (sid, oid): r
            for sid, oid, r in Application.objects.filter(
                opportunity__in=match_round.opportunities.values("id"),
                student__in=match_round.eligible_students.values("id"),
                interview_rank__isnull=False,
            ).values_list("student_id", "opportunity_id", "interview_rank")
        }
    return problem_from_rows(match_round, students, opps, capacity, choices, interview)


def problem_from_rows(
    match_round: MatchRound, students, opportunities, capacity, choices, interview=None
) -> RoundProblem:
    """The round's problem from rows in hand (no query): lottery, eligibility and priority keys.

    `students` and `opportunities` are rows with STUDENT_FIELDS and OPPORTUNITY_FIELDS; the
    demo generator builds its published round through here too, so it follows the same rules.
    """
    criteria = match_round.criteria
    interview = interview or {}
    by_student = {s["id"]: s for s in students}
    by_opp = {o["id"]: o for o in opportunities}
    lottery = lottery_numbers(by_student, match_round.lottery_seed)
    problem = RoundProblem(
        match_round=match_round,
        criteria=criteria,
        students=students,
        opportunities=opportunities,
        capacity=capacity,
        choices=choices,
        lottery=lottery,
        fingerprint=round_fingerprint(match_round, list(by_student), choices, capacity),
    )
    # Facts once per student and opportunity, not per ranked pair.
    student_facts = {sid: StudentFacts.from_row(s) for sid, s in by_student.items()}
    opp_facts = {oid: OpportunityFacts.from_row(o) for oid, o in by_opp.items()}
    for_round = eligibility.for_round
    for sid, opp_ids in choices.items():
        s, facts = by_student[sid], student_facts[sid]
        for oid in opp_ids:
            o = by_opp[oid]
            failed = for_round(facts, opp_facts[oid])
            if failed:
                problem.ineligible[sid, oid] = failed
                continue
            values = [criterion_value(c, s, o, interview.get((sid, oid))) for c in criteria]
            problem.priority[sid, oid] = compose_key(values, criteria, lottery[sid])
    return problem


def solve_problem(problem: RoundProblem, mode: str, progress=None) -> dict:
    """Run the engine in `mode` and return what a run stores: summary, assignment (student id
    as a string → opportunity id or None) and results, one (student id, opportunity id, rank,
    why_not) tuple per student for `results.save_results`."""
    from trellis.matching import MatchInput, match

    progress = progress or (lambda pct: None)
    inp = MatchInput(
        students=[s["id"] for s in problem.students],
        opportunities=[(o["id"], problem.capacity.get(o["id"], 0)) for o in problem.opportunities],
        choices=problem.choices,
        priority=problem.priority,
        ineligible={k: ",".join(code for code, _ in v) for k, v in problem.ineligible.items()},
    )
    out = match(inp, ENGINE_MODE[MatchRound.Mode(mode)])
    progress(70)
    assignment = {str(sid): oid for sid, oid in out.assignment.items()}
    capacity, ineligible = problem.capacity, problem.ineligible
    results = [
        (
            sid,
            e.opportunity,
            e.rank,
            [
                {
                    "opportunity": w.opportunity,
                    "rank": w.rank,
                    "reason": w.reason,
                    "rules": [list(r) for r in ineligible.get((sid, w.opportunity), ())],
                    "cutoff": w.cutoff,
                    "priority": w.priority,
                    "seats": capacity.get(w.opportunity, 0),
                }
                for w in e.why_not
            ],
        )
        for sid, e in out.explanations.items()
    ]
    progress(85)
    return {
        "summary": _summary(problem, out, mode),
        "assignment": assignment,
        "results": results,
    }


def _summary(problem: RoundProblem, out, mode: str) -> dict:
    s = out.summary
    placed_by_school, students_by_school = Counter(), Counter()
    names = {}
    for st in problem.students:
        names[st["school_id"]] = st["school__name"]
        students_by_school[st["school_id"]] += 1
        if out.assignment.get(st["id"]) is not None:
            placed_by_school[st["school_id"]] += 1
    by_school = [
        {
            "name": names[k],
            "students": n,
            "placed": placed_by_school[k],
            "unplaced": n - placed_by_school[k],
        }
        for k, n in sorted(students_by_school.items(), key=lambda kv: names[kv[0]])
    ]
    opp_cluster = {o["id"]: (o["cluster_id"], o["cluster__name"]) for o in problem.opportunities}
    seats, filled, wanted, unplaced = Counter(), Counter(), Counter(), Counter()
    cluster_names = {}
    for oid, (cid, name) in opp_cluster.items():
        cluster_names[cid] = name
        seats[cid] += problem.capacity.get(oid, 0)
    for oid in out.assignment.values():
        if oid is not None:
            filled[opp_cluster[oid][0]] += 1
    for sid, lst in problem.choices.items():
        if lst:
            cid = opp_cluster[lst[0]][0]
            wanted[cid] += 1
            if out.assignment.get(sid) is None:
                unplaced[cid] += 1
    by_cluster = [
        {
            "name": cluster_names[c],
            "seats": seats[c],
            "filled": filled[c],
            "first_choice_students": wanted[c],
            "unplaced": unplaced[c],
        }
        for c in sorted(cluster_names, key=lambda c: cluster_names[c])
    ]
    ranked = sum(1 for lst in problem.choices.values() if lst)
    return {
        "mode": mode,
        "students": s.students,
        "ranked": ranked,
        "not_ranked": s.students - ranked,
        "placed": s.placed,
        "unplaced": s.unplaced,
        "first_choice": s.first_choice,
        "mean_rank": None if s.mean_rank is None else round(s.mean_rank, 2),
        "total_rank": s.total_rank,
        "blocking_pairs": s.blocking_pairs,
        "seats": sum(problem.capacity.values()),
        "opportunities": len(problem.opportunities),
        "ineligible_choices": len(problem.ineligible),
        "criteria": problem.criteria,
        "lottery_seed": problem.match_round.lottery_seed,
        "lottery_size": len(problem.lottery),
        "by_school": by_school,
        "by_cluster": by_cluster,
    }


# ---------------------------------------------------------------------------------------------
# Plain words for one "why not".
# ---------------------------------------------------------------------------------------------


def _seats(n: int) -> str:
    return "The only seat" if n == 1 else f"All {n} seats"


def describe_why_not(
    entry: dict, criteria: list[str], *, student: dict | None = None, cluster_name: str = ""
) -> str:
    """One sentence for a student: why they did not get a choice they ranked higher."""
    reason = entry.get("reason")
    if reason == "ineligible":
        rules = entry.get("rules") or []
        if rules:
            return " ".join(msg for _, msg in rules)
        return "You were not eligible for it when the round ran."
    seats = entry.get("seats") or 0
    cutoff, mine = entry.get("cutoff"), entry.get("priority")
    if reason == "full" and cutoff is None:
        return "It had no seats left in this round."
    if reason == "full" and mine is not None:
        return f"{_seats(seats)} went to students with higher priority: {_priority_gap(cutoff, mine, criteria, student, cluster_name)}."
    if reason == "reallocated":
        return (
            f"{_seats(seats)} were filled. This result places as many students as possible, so seats "
            "did not strictly follow priority: giving this seat to another student let more students be placed."
        )
    if reason == "free_seat":
        return "A seat stayed free there, but the published result did not give it to you."
    return "It was not available to you in this round."


def _priority_gap(
    cutoff: int, mine: int, criteria: list[str], student: dict | None, cluster_name: str
) -> str:
    theirs, yours = decode_key(cutoff, criteria), decode_key(mine, criteria)
    for c in [*criteria, "lottery"]:
        if theirs[c] == yours[c]:
            continue
        if c == "grade":
            return f"the last seat went to a student in grade {12 - theirs[c]}, and you are in grade {12 - yours[c]} (grade level)"
        if c == "cte_concentrator":
            where = f" in {cluster_name}" if cluster_name else " in its career cluster"
            return f"the seats went to CTE concentrators{where}, and you are not one there (CTE concentrator)"
        if c == "interview_rank":
            you = "did not rank you" if yours[c] == NOT_INTERVIEWED else f"ranked you {yours[c]}"
            return f"after interviews the partner ranked the last student admitted {theirs[c]} and {you} (interview rank)"
        return (
            f"the last seat went to a student with the same priority as you and a better lottery "
            f"number ({theirs[c]}, yours was {yours[c]}) (lottery)"
        )
    return "their priority was higher than yours"
