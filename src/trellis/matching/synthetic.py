"""Seeded synthetic instances shaped like a district's placement round.

Used by the benchmark and the tests; handy for demos. Built in chunks so a million
students fit comfortably in memory.
"""

from __future__ import annotations

import numpy as np

from trellis.matching.instance import Instance


def synthetic_instance(
    n_students: int,
    *,
    seed: int = 0,
    opportunities_per_student: float = 0.1,
    seat_ratio: float = 0.9,
    list_length: int = 10,
    zipf_exponent: float = 1.0,
    ineligible_rate: float = 0.05,
    validate: bool = True,
) -> tuple[Instance, np.ndarray]:
    """Return ``(instance, ineligible_positions)``.

    ``n_students * opportunities_per_student`` opportunities with ``seat_ratio * n`` seats
    in total (at least one each). Each student ranks ``list_length`` distinct opportunities
    drawn by Zipf-skewed popularity; each pair is independently ineligible with
    ``ineligible_rate`` and dropped (the remaining ranks keep their gaps). Priority is a
    grade bonus (half the opportunities put seniors first) times N plus a student lottery
    permutation, so keys are strict per opportunity. ``ineligible_positions`` are
    ``(student, opportunity, rank)`` rows of the dropped pairs.
    """
    rng = np.random.default_rng(seed)
    n = int(n_students)
    n_opp = max(1, int(round(n * opportunities_per_student)))
    k = min(list_length, n_opp)
    seats = max(n_opp, int(round(seat_ratio * n)))
    capacity = 1 + rng.multinomial(seats - n_opp, np.full(n_opp, 1.0 / n_opp))
    weights = 1.0 / np.arange(1, n_opp + 1) ** zipf_exponent
    weights = weights[rng.permutation(n_opp)]
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    lists = np.empty((n, k), dtype=np.int32)
    chunk = 65536
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        todo = np.arange(lo, hi)
        while todo.size:
            draws = np.searchsorted(cdf, rng.random((todo.size, 3 * k))).astype(np.int32)
            np.minimum(draws, n_opp - 1, out=draws)
            order = np.argsort(draws, axis=1, kind="stable")
            ranked = np.take_along_axis(draws, order, axis=1)
            dup_sorted = np.zeros_like(ranked, dtype=np.bool_)
            dup_sorted[:, 1:] = ranked[:, 1:] == ranked[:, :-1]
            dup = np.empty_like(dup_sorted)
            np.put_along_axis(dup, order, dup_sorted, axis=1)
            keep = ~dup
            ok = keep.sum(axis=1) >= k
            rows = np.flatnonzero(ok)
            # first k distinct draws per row, in draw order = the student's ranking
            csum = np.cumsum(keep[rows], axis=1)
            take = keep[rows] & (csum <= k)
            lists[todo[rows]] = draws[rows][take].reshape(-1, k)
            todo = todo[~ok]
    grade = rng.integers(9, 13, size=n)
    seniors_first = rng.random(n_opp) < 0.5
    lottery = rng.permutation(n).astype(np.int64)
    eligible = rng.random((n, k)) >= ineligible_rate
    counts = eligible.sum(axis=1)
    pref_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=pref_ptr[1:])
    pref_opp = lists[eligible]
    ranks = np.broadcast_to(np.arange(1, k + 1, dtype=np.int32), (n, k))
    pref_rank = ranks[eligible]
    students = np.repeat(np.arange(n, dtype=np.int64), counts)
    bonus = np.where(seniors_first[pref_opp], 12 - grade[students], 0)
    priority = bonus * n + lottery[students]
    del students, bonus
    bad_s, bad_k = np.nonzero(~eligible)
    ineligible = np.stack([bad_s, lists[bad_s, bad_k], bad_k + 1], axis=1).astype(np.int64)
    inst = Instance(pref_ptr, pref_opp, pref_rank, priority, capacity, validate=validate)
    return inst, ineligible
