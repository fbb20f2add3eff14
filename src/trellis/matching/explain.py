"""Why each student got what they got: for every higher choice, why not.

Reasons (``WhyNot.reason``):

- ``"ineligible"``: the caller dropped the choice before matching; ``rule`` names why.
- ``"full"``: every seat went to students with better priority; ``cutoff`` is the worst
  (largest) key admitted there, ``priority`` this student's key (cutoff < priority).
  With ``capacity == 0`` the cutoff is None: the opportunity had no seats at all.
- ``"reallocated"``: the opportunity was full, but it admitted someone with a *worse* key
  than this student (cutoff > priority). Only max-placement results do this: seats go to
  whoever lets the most students be placed at the least total rank, not by priority.
- ``"free_seat"``: the opportunity still had a free seat. Neither solver produces this (it
  would be a blocking pair or a cheaper max-placement); it shows up only when explaining a
  matching made by hand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from trellis.matching.instance import Instance
from trellis.matching.solvers import Result
from trellis.matching.summary import occupancy

INELIGIBLE = "ineligible"
FULL = "full"
REALLOCATED = "reallocated"
FREE_SEAT = "free_seat"


@dataclass(frozen=True)
class WhyNot:
    """One choice the student ranked above their outcome, and why they did not get it."""

    opportunity: Any  # index, or the caller's id at the MatchInput level
    rank: int
    reason: str  # INELIGIBLE | FULL | REALLOCATED | FREE_SEAT
    rule: str | None = None  # ineligibility rule, for INELIGIBLE
    cutoff: int | None = None  # worst key admitted, for FULL / REALLOCATED
    priority: int | None = None  # this student's key at the opportunity


@dataclass(frozen=True)
class Explanation:
    """A student's outcome (opportunity None if unplaced) and every better choice missed."""

    student: Any
    opportunity: Any | None
    rank: int | None
    why_not: tuple[WhyNot, ...]


def explain(
    inst: Instance,
    result: Result | np.ndarray,
    ineligible: Mapping[tuple[int, int], tuple[int, str]] | None = None,
    students: Iterable[int] | None = None,
) -> list[Explanation]:
    """Explanations for `students` (default: all), in the order given.

    `ineligible` maps (student, opportunity) -> (rank, rule) for choices the caller removed
    before building the instance; the rank is the one the student gave it, so it can be
    placed among the remaining choices (`MatchInput` works the ranks out for you). Entries
    are checked against the lists of the students being explained.
    Cut-offs are computed once in a compiled pass; the per-student part is Python, so
    explain a subset when the round is large.
    """
    assignment = result.assignment if isinstance(result, Result) else np.asarray(result)
    position, count, worst = occupancy(inst, assignment)
    dropped: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for (i, m), (rank, rule) in (ineligible or {}).items():
        i, m = int(i), int(m)
        if not 0 <= i < inst.n_students or not 0 <= m < inst.n_opportunities:
            raise ValueError(f"ineligible[({i}, {m})]: no such student or opportunity")
        dropped[i].append((int(rank), m, str(rule)))
    ptr = inst.pref_ptr
    count, worst, capacity = count.tolist(), worst.tolist(), inst.capacity.tolist()
    out = []
    for i in range(inst.n_students) if students is None else students:
        i = int(i)
        if not 0 <= i < inst.n_students:
            raise ValueError(f"students: {i} is not a student index in [0, {inst.n_students})")
        s = slice(int(ptr[i]), int(ptr[i + 1]))
        opps = inst.pref_opp[s].tolist()
        ranks = inst.pref_rank[s].tolist()
        keys = inst.priority[s].tolist()
        pos = int(position[i])
        got = ranks[pos - s.start] if pos >= 0 else None
        missed = []
        for m, rank, mine in zip(opps, ranks, keys, strict=True):
            if got is not None and rank >= got:
                break
            if count[m] < capacity[m]:
                missed.append(WhyNot(m, rank, FREE_SEAT, priority=mine))
            elif count[m] == 0:
                missed.append(WhyNot(m, rank, FULL, priority=mine))
            else:
                cut = worst[m]
                reason = FULL if cut < mine else REALLOCATED
                missed.append(WhyNot(m, rank, reason, cutoff=cut, priority=mine))
        for rank, m, rule in dropped.get(i, ()):
            if m in opps:
                raise ValueError(
                    f"ineligible[({i}, {m})]: opportunity {m} is still on student {i}'s list"
                )
            if rank in ranks:
                raise ValueError(
                    f"ineligible[({i}, {m})]: rank {rank} is already used on student {i}'s list"
                )
            if got is None or rank < got:
                missed.append(WhyNot(m, rank, INELIGIBLE, rule=rule))
        missed.sort(key=lambda w: w.rank)
        opportunity = int(assignment[i]) if pos >= 0 else None
        out.append(Explanation(i, opportunity, got, tuple(missed)))
    return out
