"""The two matching modes: stable (deferred acceptance) and max placement (min-cost flow)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from trellis.matching.instance import Instance

Mode = Literal["stable", "max_placement"]


@dataclass(frozen=True, eq=False)
class Result:
    """A matching: ``assignment[i]`` is student i's opportunity index, or -1 if unplaced.

    ``rank[i]`` is the rank student i gave their opportunity (0 when unplaced), kept so
    callers need not look it up again.
    """

    assignment: np.ndarray
    rank: np.ndarray
    mode: Mode

    @property
    def placed(self) -> int:
        return int(np.count_nonzero(self.assignment >= 0))


def _result_from_positions(inst: Instance, assignment: np.ndarray, pos: np.ndarray, mode: Mode):
    rank = np.zeros(assignment.shape[0], dtype=np.int32)
    placed = assignment >= 0
    rank[placed] = inst.pref_rank[pos[placed]]
    assignment.flags.writeable = False
    rank.flags.writeable = False
    return Result(assignment=assignment, rank=rank, mode=mode)


def _aligned_rows(rows: int, width: int) -> np.ndarray:
    """An uninitialised (rows, width) int64 array starting on a 64-byte boundary."""
    buf = np.empty(rows * width + 8, dtype=np.int64)
    skip = (-buf.ctypes.data % 64) // 8
    return buf[skip : skip + rows * width].reshape(rows, width)


def solve_stable(inst: Instance) -> Result:
    """Student-optimal stable matching by student-proposing deferred acceptance.

    Stable: no student prefers an opportunity that has a free seat or holds someone with a
    worse priority. Among stable matchings every student gets their best possible seat, and
    no student can do better by misreporting their list (strategy-proof for students).
    Runs in O(total list length * log(max capacity)), deterministic.
    """
    from trellis.matching import _kernels

    n = inst.n_students
    cap = inst.capacity
    # A heap never holds more students than exist, or than list the opportunity, so heap
    # memory stays O(min(seats, N, total list length)) however generous the capacities.
    cap_eff = np.minimum(cap, n)
    if int(cap_eff.sum()) > inst.n_choices:
        demand = np.bincount(inst.pref_opp, minlength=cap.shape[0])
        np.minimum(cap_eff, demand, out=cap_eff)
    seat_off = np.zeros(cap.shape[0] + 1, dtype=np.int64)
    np.cumsum(cap_eff, out=seat_off[1:])
    seats = int(seat_off[-1])
    cutoff = np.empty(cap.shape[0], dtype=np.int64)
    meta = _aligned_rows(cap.shape[0], 4)  # 32-byte rows never straddle a cache line
    heap = np.empty((seats, 2), dtype=np.int64)
    assignment = np.empty(n, dtype=np.int64)
    position = np.empty(n, dtype=np.int64)
    _kernels.deferred_acceptance(
        inst.pref_ptr,
        inst.pref_opp,
        inst.priority,
        cap_eff,
        seat_off,
        cutoff,
        meta,
        heap,
        assignment,
        position,
    )
    del heap, meta
    return _result_from_positions(inst, assignment, position, "stable")


def build_flow_graph(inst: Instance, costs: np.ndarray | None = None):
    """Arrays (tails, heads, capacities, costs) of the placement flow network.

    Nodes: students 0..N-1, opportunities N..N+M-1, source N+M, sink N+M+1. Arcs, in this
    order: one per choice (arc index = CSR position, cost = rank), source->student
    (capacity 1), opportunity->sink (capacity = seats). Exposed so the benchmark can hand
    plain OR-Tools the very same graph.
    """
    n, n_opp, n_choices = inst.n_students, inst.n_opportunities, inst.n_choices
    source, sink = n + n_opp, n + n_opp + 1
    n_arcs = n_choices + n + n_opp
    tails = np.empty(n_arcs, dtype=np.int32)
    heads = np.empty(n_arcs, dtype=np.int32)
    caps = np.ones(n_arcs, dtype=np.int64)
    cost = np.zeros(n_arcs, dtype=np.int64)
    lengths = np.diff(inst.pref_ptr)
    tails[:n_choices] = np.repeat(np.arange(n, dtype=np.int32), lengths)
    np.add(inst.pref_opp, n, out=heads[:n_choices])
    cost[:n_choices] = inst.pref_rank if costs is None else costs
    tails[n_choices : n_choices + n] = source
    heads[n_choices : n_choices + n] = np.arange(n, dtype=np.int32)
    tails[n_choices + n :] = np.arange(n, n + n_opp, dtype=np.int32)
    heads[n_choices + n :] = sink
    np.minimum(inst.capacity, n, out=caps[n_choices + n :])
    return tails, heads, caps, cost, source, sink


def solve_max_placement(inst: Instance) -> Result:
    """Place as many students as possible, then minimise the total rank they get.

    Solved exactly as a min-cost max-flow (OR-Tools ``SimpleMinCostFlow``). Priorities
    are ignored, so the result is generally not stable: a student may lose a seat to
    someone with a worse key if that lets one more student be placed or lowers total rank.
    Optimality does guarantee no placed student's higher choice has a free seat, and no
    unplaced student lists an opportunity with a free seat.
    """
    from ortools.graph.python import min_cost_flow

    n = inst.n_students
    assignment = np.full(n, -1, dtype=np.int64)
    pos = np.full(n, -1, dtype=np.int64)
    if inst.n_choices == 0:
        return _result_from_positions(inst, assignment, pos, "max_placement")
    tails, heads, caps, cost, source, sink = build_flow_graph(inst)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, cost)
    flow.set_nodes_supplies(
        np.array([source, sink], dtype=np.int32), np.array([n, -n], dtype=np.int64)
    )
    del tails, heads, caps, cost
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:  # pragma: no cover - capacities/costs are in range by construction
        raise RuntimeError(f"min-cost flow failed with status {status}")
    used = np.flatnonzero(flow.flows(np.arange(inst.n_choices, dtype=np.int32)))
    students = inst.student_of(used)
    assignment[students] = inst.pref_opp[used]
    pos[students] = used
    return _result_from_positions(inst, assignment, pos, "max_placement")
