"""Trellis placement matching engine: framework-free, deterministic, fast.

Index level (numpy arrays, CSR by student)::

    inst = Instance(pref_ptr, pref_opp, pref_rank, priority, capacity)
    result = solve_stable(inst)          # student-proposing deferred acceptance
    result = solve_max_placement(inst)   # most students placed, then least total rank
    result.assignment                    # opportunity index per student, -1 if unplaced
    summarize(inst, result); explain(inst, result, ineligible={(i, m): (rank, rule)})

Id level (what the Django adapter uses): ``match(MatchInput(...), mode)``.

No Django or Trellis app imports here (enforced by import-linter). numba and OR-Tools
load lazily, on first solve, so importing this package is cheap.
See docs/matching.md.
"""

from trellis.matching.api import MatchInput, MatchOutput, match
from trellis.matching.explain import (
    FREE_SEAT,
    FULL,
    INELIGIBLE,
    REALLOCATED,
    Explanation,
    WhyNot,
    explain,
)
from trellis.matching.instance import Instance
from trellis.matching.solvers import Result, solve_max_placement, solve_stable
from trellis.matching.summary import Summary, summarize

__all__ = [
    "FREE_SEAT",
    "FULL",
    "INELIGIBLE",
    "REALLOCATED",
    "Explanation",
    "Instance",
    "MatchInput",
    "MatchOutput",
    "Result",
    "Summary",
    "WhyNot",
    "explain",
    "match",
    "solve_max_placement",
    "solve_stable",
    "summarize",
]
