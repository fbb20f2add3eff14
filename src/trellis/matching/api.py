"""Id-level wrapper: arbitrary hashable ids in, ids and explanations out.

This is the seam the Django adapter uses: it turns querysets into plain ids, lists and
integer keys, and gets plain Python back. Everything index-level stays behind it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from trellis.matching.explain import Explanation, explain
from trellis.matching.instance import Instance
from trellis.matching.solvers import Mode, Result, solve_max_placement, solve_stable
from trellis.matching.summary import Summary, summarize


@dataclass(frozen=True)
class MatchInput:
    """A placement round in the caller's own ids.

    - ``students``: student ids; their order fixes the index order (and nothing else).
    - ``opportunities``: ``(id, capacity)`` pairs.
    - ``choices``: student id -> opportunity ids, best first, *as the student ranked them*,
      including choices that turn out ineligible. Rank = position in this list, from 1.
      Students missing here rank nothing.
    - ``priority``: (student id, opportunity id) -> integer key, lower = better, strict per
      opportunity. Needed for every eligible choice.
    - ``ineligible``: (student id, opportunity id) -> rule name, for choices the app ruled
      out. They are dropped before matching and reported in explanations. Pairs not on the
      student's list are ignored, so the app may pass a blanket mapping.
    """

    students: Sequence[Hashable]
    opportunities: Sequence[tuple[Hashable, int]]
    choices: Mapping[Hashable, Sequence[Hashable]]
    priority: Mapping[tuple[Hashable, Hashable], int]
    ineligible: Mapping[tuple[Hashable, Hashable], str] = field(default_factory=dict)

    def build(self) -> tuple[Instance, dict[tuple[int, int], tuple[int, str]]]:
        """The index-level `Instance` plus the dropped choices as explain() wants them."""
        student_index = {sid: i for i, sid in enumerate(self.students)}
        if len(student_index) != len(self.students):
            raise ValueError("students contains a duplicate id")
        opp_index = {oid: m for m, (oid, _) in enumerate(self.opportunities)}
        if len(opp_index) != len(self.opportunities):
            raise ValueError("opportunities contains a duplicate id")
        unknown = [sid for sid in self.choices if sid not in student_index]
        if unknown:
            raise ValueError(f"choices given for unknown student {unknown[0]!r}")
        ptr = [0]
        opp: list[int] = []
        rank: list[int] = []
        pri: list[int] = []
        dropped: dict[tuple[int, int], tuple[int, str]] = {}
        for i, sid in enumerate(self.students):
            seen = set()
            for r, oid in enumerate(self.choices.get(sid, ()), start=1):
                if oid not in opp_index:
                    raise ValueError(f"student {sid!r} ranks unknown opportunity {oid!r}")
                if oid in seen:
                    raise ValueError(f"student {sid!r} ranks opportunity {oid!r} twice")
                seen.add(oid)
                m = opp_index[oid]
                rule = self.ineligible.get((sid, oid))
                if rule is not None:
                    dropped[i, m] = (r, str(rule))
                    continue
                try:
                    key = self.priority[sid, oid]
                except KeyError:
                    raise ValueError(f"no priority key for ({sid!r}, {oid!r})") from None
                opp.append(m)
                rank.append(r)
                pri.append(int(key))
            ptr.append(len(opp))
        capacity = [int(c) for _, c in self.opportunities]
        inst = Instance(
            np.array(ptr, dtype=np.int64),
            np.array(opp, dtype=np.int32),
            np.array(rank, dtype=np.int32),
            np.array(pri, dtype=np.int64),
            np.array(capacity, dtype=np.int64),
        )
        return inst, dropped


@dataclass(frozen=True)
class MatchOutput:
    """Id-level outcome. ``assignment`` maps every student id to an opportunity id or None;
    ``explanations`` is keyed by student id (empty if ``match(..., explanations=False)``)."""

    assignment: dict[Hashable, Hashable | None]
    explanations: dict[Hashable, Explanation]
    summary: Summary
    instance: Instance
    result: Result


def match(inp: MatchInput, mode: Mode = "stable", explanations: bool = True) -> MatchOutput:
    """Solve `inp` in `mode` ("stable" or "max_placement") and explain every outcome.

    Explanations are Python objects (about a microsecond per choice); pass
    ``explanations=False`` to skip them and call `explain` later for the students
    someone actually looks at.
    """
    if mode not in ("stable", "max_placement"):
        raise ValueError(f"mode must be 'stable' or 'max_placement', got {mode!r}")
    inst, dropped = inp.build()
    result = solve_stable(inst) if mode == "stable" else solve_max_placement(inst)
    opp_ids = [oid for oid, _ in inp.opportunities]
    assignment = {
        sid: (opp_ids[m] if m >= 0 else None)
        for sid, m in zip(inp.students, result.assignment.tolist(), strict=True)
    }
    explained = {}
    for e in explain(inst, result, ineligible=dropped) if explanations else ():
        sid = inp.students[e.student]
        explained[sid] = Explanation(
            student=sid,
            opportunity=None if e.opportunity is None else opp_ids[e.opportunity],
            rank=e.rank,
            why_not=tuple(replace(w, opportunity=opp_ids[w.opportunity]) for w in e.why_not),
        )
    return MatchOutput(assignment, explained, summarize(inst, result), inst, result)
