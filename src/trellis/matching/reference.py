"""Plain-Python reference implementations: slow, obviously correct, used as test oracles.

Kept in the package (not the tests) so the benchmark can time them and anyone doubting a
compiled kernel can compare against something readable.
"""

from __future__ import annotations

import heapq

import numpy as np

from trellis.matching.instance import Instance


def deferred_acceptance(inst: Instance) -> np.ndarray:
    """Textbook student-proposing deferred acceptance; returns the assignment array.

    Free students propose to their next choice; each opportunity tentatively holds its
    best-priority proposers up to capacity and rejects the rest.
    """
    ptr = inst.pref_ptr.tolist()
    opp = inst.pref_opp.tolist()
    pri = inst.priority.tolist()
    cap = inst.capacity.tolist()
    n = inst.n_students
    held: list[list[tuple[int, int]]] = [[] for _ in cap]  # max-heap via negated keys
    nxt = ptr[:-1]
    free = list(range(n - 1, -1, -1))
    while free:
        i = free.pop()
        if nxt[i] == ptr[i + 1]:
            continue  # list exhausted: stays unplaced
        p = nxt[i]
        nxt[i] = p + 1
        m = opp[p]
        heapq.heappush(held[m], (-pri[p], i))
        if len(held[m]) > cap[m]:
            _, rejected = heapq.heappop(held[m])
            free.append(rejected)
    assignment = np.full(n, -1, dtype=np.int64)
    for m, students in enumerate(held):
        for _, i in students:
            assignment[i] = m
    return assignment


def blocking_pairs(inst: Instance, assignment: np.ndarray) -> list[tuple[int, int]]:
    """All (student, opportunity) pairs that would rather be matched to each other.

    Student i prefers m to their seat (or to being unplaced) and m has a free seat or
    holds someone whose key is worse than i's.
    """
    ptr = inst.pref_ptr.tolist()
    opp = inst.pref_opp.tolist()
    pri = inst.priority.tolist()
    cap = inst.capacity.tolist()
    assignment = [int(a) for a in assignment]
    key_of = {}
    for i in range(inst.n_students):
        for p in range(ptr[i], ptr[i + 1]):
            key_of[i, opp[p]] = pri[p]
    holders: list[list[int]] = [[] for _ in cap]
    for i, m in enumerate(assignment):
        if m >= 0:
            holders[m].append(key_of[i, m])
    pairs = []
    for i in range(inst.n_students):
        for p in range(ptr[i], ptr[i + 1]):
            m = opp[p]
            if m == assignment[i]:
                break
            if len(holders[m]) < cap[m] or any(k > pri[p] for k in holders[m]):
                pairs.append((i, m))
    return pairs


def total_rank(inst: Instance, assignment: np.ndarray) -> int:
    """Sum of the ranks students got (unplaced students count 0)."""
    total = 0
    for i, m in enumerate(assignment.tolist()):
        if m >= 0:
            s = inst.choices(i)
            k = inst.pref_opp[s].tolist().index(m)
            total += int(inst.pref_rank[s][k])
    return total
