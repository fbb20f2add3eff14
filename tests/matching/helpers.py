"""Shared test helpers: hypothesis strategies for instances and brute-force oracles."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import strategies as st

from trellis.matching import Instance

INT64_MIN = np.iinfo(np.int64).min
INT64_MAX = np.iinfo(np.int64).max


def make_instance(lists, ranks, keys, capacity, **kw) -> Instance:
    """Instance from per-student Python lists (opportunity, rank and key per choice)."""
    ptr = np.zeros(len(lists) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(x) for x in lists])
    flat = lambda rows: np.array([v for row in rows for v in row], dtype=np.int64)  # noqa: E731
    return Instance(ptr, flat(lists), flat(ranks), flat(keys), np.array(capacity), **kw)


@st.composite
def instances(draw, max_students=6, max_opportunities=4, max_capacity=3, max_list=None):
    """Random valid instances, including empty lists, zero capacity and extreme keys.

    Priority keys come in three shapes: one lottery number per student (shared by all
    opportunities), a fresh permutation per opportunity (the same key reused across
    opportunities), or arbitrary distinct int64s.
    """
    n = draw(st.integers(0, max_students))
    m = draw(st.integers(1, max_opportunities))
    capacity = draw(st.lists(st.integers(0, max_capacity), min_size=m, max_size=m))
    longest = m if max_list is None else min(m, max_list)
    lists, ranks = [], []
    for _ in range(n):
        perm = draw(st.permutations(range(m)))
        k = draw(st.integers(0, longest))
        gaps = draw(st.lists(st.integers(1, 3), min_size=k, max_size=k))
        lists.append(list(perm[:k]))
        ranks.append(list(np.cumsum(gaps, dtype=np.int64)))
    shape = draw(st.sampled_from(["lottery", "per_opportunity", "distinct"]))
    total = sum(len(x) for x in lists)
    if shape == "lottery":
        lottery = draw(
            st.lists(st.integers(INT64_MIN, INT64_MAX), min_size=n, max_size=n, unique=True)
        )
        keys = [[lottery[i]] * len(lst) for i, lst in enumerate(lists)]
    elif shape == "per_opportunity":
        perms = [draw(st.permutations(range(n))) for _ in range(m)]
        keys = [[perms[o][i] for o in lst] for i, lst in enumerate(lists)]
    else:
        flat = draw(st.lists(st.integers(-1000, 1000), min_size=total, max_size=total, unique=True))
        it = iter(flat)
        keys = [[next(it) for _ in lst] for lst in lists]
    return make_instance(lists, ranks, keys, capacity)


def student_lists(inst: Instance):
    """Per-student (opportunities, ranks, keys) as Python lists."""
    out = []
    for i in range(inst.n_students):
        s = inst.choices(i)
        out.append(
            (inst.pref_opp[s].tolist(), inst.pref_rank[s].tolist(), inst.priority[s].tolist())
        )
    return out


def all_matchings(inst: Instance):
    """Every feasible matching (each student on one listed choice or unplaced)."""
    rows = student_lists(inst)
    cap = inst.capacity.tolist()
    options = [[-1, *opps] for opps, _, _ in rows]
    for combo in itertools.product(*options):
        load = [0] * len(cap)
        for m in combo:
            if m >= 0:
                load[m] += 1
        if all(load[m] <= cap[m] for m in range(len(cap))):
            yield combo


def is_stable(inst: Instance, assignment) -> bool:
    rows = student_lists(inst)
    cap = inst.capacity.tolist()
    key = {(i, m): k for i, (opps, _, ks) in enumerate(rows) for m, k in zip(opps, ks)}
    held = [[key[i, m] for i, m in enumerate(assignment) if m == o] for o in range(len(cap))]
    for i, (opps, _, ks) in enumerate(rows):
        for m, k in zip(opps, ks):
            if m == assignment[i]:
                break
            if len(held[m]) < cap[m] or any(h > k for h in held[m]):
                return False
    return True


def preference_index(inst: Instance, student: int, opportunity: int) -> int:
    """Position of `opportunity` in the student's list; unplaced sorts after everything."""
    opps = inst.pref_opp[inst.choices(student)].tolist()
    return opps.index(opportunity) if opportunity >= 0 else len(opps)


def rank_total(inst: Instance, assignment) -> int:
    rows = student_lists(inst)
    return sum(rows[i][1][rows[i][0].index(m)] for i, m in enumerate(assignment) if m >= 0)
