"""Headline figures for a matching, computed in compiled linear passes (fast at 1e6)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trellis.matching.instance import Instance
from trellis.matching.solvers import Result


@dataclass(frozen=True)
class Summary:
    """What a coordinator wants to know about a round at a glance.

    ``blocking_pairs`` counts (student, opportunity) pairs where the student prefers the
    opportunity to what they got (or to nothing) and it has a free seat or admits someone
    with a worse priority key: 0 means the matching is stable.
    """

    students: int
    placed: int
    unplaced: int
    first_choice: int
    total_rank: int
    mean_rank: float | None  # over placed students; None when nobody is placed
    blocking_pairs: int


def occupancy(inst: Instance, assignment: np.ndarray):
    """Check `assignment` against `inst`; return (position, count, worst).

    ``position[i]`` is the CSR index of student i's assigned choice (-1 if unplaced),
    ``count[m]`` the students held by m, ``worst[m]`` the largest key among them (INT64_MIN
    if none). Raises ValueError if the assignment is not a feasible matching.
    """
    from trellis.matching import _kernels

    a = np.asarray(assignment)
    if a.shape != (inst.n_students,) or a.dtype.kind not in "iu":
        raise ValueError(
            f"assignment must be an integer array of shape ({inst.n_students},), "
            f"got {a.dtype} {a.shape}"
        )
    a = np.ascontiguousarray(a, dtype=np.int64)
    position = np.empty(inst.n_students, dtype=np.int64)
    count = np.empty(inst.n_opportunities, dtype=np.int64)
    worst = np.empty(inst.n_opportunities, dtype=np.int64)
    code, where = _kernels.occupancy(
        inst.pref_ptr, inst.pref_opp, inst.priority, inst.capacity, a, position, count, worst
    )
    if code == 1:
        raise ValueError(f"assignment[{where}] = {a[where]} is not an opportunity index or -1")
    if code == 2:
        raise ValueError(
            f"assignment[{where}] = {a[where]} is not on student {where}'s list of choices"
        )
    if code == 3:
        raise ValueError(
            f"opportunity {where} holds {count[where]} students but capacity[{where}] = "
            f"{inst.capacity[where]}"
        )
    return position, count, worst


def summarize(inst: Instance, result: Result | np.ndarray) -> Summary:
    """Placed / unplaced / first-choice counts, mean rank and blocking pairs.

    Accepts a `Result` or a bare assignment array (e.g. last year's hand-made matching),
    which is checked for feasibility first.
    """
    from trellis.matching import _kernels

    assignment = result.assignment if isinstance(result, Result) else result
    position, count, worst = occupancy(inst, assignment)
    placed, first, total, blocking = _kernels.tally(
        inst.pref_ptr,
        inst.pref_opp,
        inst.pref_rank,
        inst.priority,
        inst.capacity,
        position,
        count,
        worst,
    )
    return Summary(
        students=inst.n_students,
        placed=int(placed),
        unplaced=inst.n_students - int(placed),
        first_choice=int(first),
        total_rank=int(total),
        mean_rank=float(total) / placed if placed else None,
        blocking_pairs=int(blocking),
    )
