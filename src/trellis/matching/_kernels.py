"""Compiled (numba) inner loops.

Every kernel takes pre-allocated numpy arrays and allocates as little as possible itself, so
memory stays visible to tracemalloc and bounded. ``cache=True`` keeps the machine code on
disk (next to this file, or in ``NUMBA_CACHE_DIR``) so only the first run ever compiles.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_INT64_MIN = np.iinfo(np.int64).min
_INT64_MAX = np.iinfo(np.int64).max


@njit(cache=True, nogil=True)
def deferred_acceptance(
    ptr, opp, pri, cap, seat_off, cutoff, meta, heap, assignment, position
):  # pragma: no cover - compiled
    """Student-proposing deferred acceptance.

    Each opportunity m keeps the students it holds in a binary max-heap on priority (worst
    holder at the root) in rows ``seat_off[m]:seat_off[m+1]`` of ``heap``; a row is
    ``(key, student << 32 | next position)`` so a bumped student resumes without touching
    any per-student array. ``cutoff[m]`` is the key a proposer must beat (+inf while seats
    are free, the root's key once full, -inf with no seats): most proposals are rejections
    that touch only this small array. ``meta[m]`` = (held, capacity, heap offset) shares one
    cache line. A bumped student carries on proposing straight away (no queue: the final
    matching does not depend on proposal order). The run is memory-latency bound, hence
    the layout.
    """
    n = ptr.shape[0] - 1
    n_opp = cap.shape[0]
    for m in range(n_opp):
        c = cap[m]
        cutoff[m] = _INT64_MAX if c > 0 else _INT64_MIN
        meta[m, 0] = 0
        meta[m, 1] = c
        meta[m, 2] = seat_off[m]
    for s in range(n):
        i = np.int64(s)
        p = ptr[s]
        while True:
            end = ptr[i + 1]
            bumped = np.int64(-1)
            while p < end:
                m = opp[p]
                pr = pri[p]
                p += 1
                # (the +inf sentinel is a legal key too: INT64_MAX still takes a free seat)
                if pr >= cutoff[m] and (pr < _INT64_MAX or meta[m, 0] >= meta[m, 1]):
                    continue
                k = meta[m, 0]
                c = meta[m, 1]
                base = meta[m, 2]
                tag = (i << 32) | p
                if k < c:  # free seat: sift the newcomer up
                    while k > 0:
                        parent = (k - 1) >> 1
                        if heap[base + parent, 0] >= pr:
                            break
                        heap[base + k, 0] = heap[base + parent, 0]
                        heap[base + k, 1] = heap[base + parent, 1]
                        k = parent
                    heap[base + k, 0] = pr
                    heap[base + k, 1] = tag
                    meta[m, 0] += 1
                    if meta[m, 0] == c:
                        cutoff[m] = heap[base, 0]
                else:  # full and pr beats the worst holder: replace the root, sift down
                    bumped = heap[base, 1]
                    k = 0
                    while True:
                        child = 2 * k + 1
                        if child >= c:
                            break
                        if child + 1 < c and heap[base + child + 1, 0] > heap[base + child, 0]:
                            child += 1
                        if heap[base + child, 0] <= pr:
                            break
                        heap[base + k, 0] = heap[base + child, 0]
                        heap[base + k, 1] = heap[base + child, 1]
                        k = child
                    heap[base + k, 0] = pr
                    heap[base + k, 1] = tag
                    cutoff[m] = heap[base, 0]
                break
            if bumped < 0:
                break
            i = bumped >> 32
            p = bumped & 0xFFFFFFFF
    for s in range(n):
        assignment[s] = -1
        position[s] = -1
    for m in range(n_opp):
        base = meta[m, 2]
        for k in range(meta[m, 0]):
            tag = heap[base + k, 1]
            st = tag >> 32
            assignment[st] = m
            position[st] = (tag & 0xFFFFFFFF) - 1


@njit(cache=True, nogil=True)
def find_duplicate_choice(ptr, opp, n_opp):  # pragma: no cover - compiled
    """First (earlier, later) positions where a student lists one opportunity twice."""
    last = np.full(n_opp, -1, dtype=np.int64)
    n = ptr.shape[0] - 1
    for i in range(n):
        start = ptr[i]
        for p in range(start, ptr[i + 1]):
            m = opp[p]
            if last[m] >= start:
                return last[m], p
            last[m] = p
    return -1, -1


@njit(cache=True, nogil=True)
def find_priority_tie(opp, pri, n_opp):  # pragma: no cover - compiled
    """First pair of positions where two students share a key at one opportunity.

    Scatter the keys into per-opportunity buckets (one sequential counting-sort pass), then
    look for a repeat in each bucket with a small open-addressing hash set, sized to the
    bucket and reused via stamps so it is never cleared: O(L) time, one int64 per choice.
    """
    n_choices = opp.shape[0]
    start = np.zeros(n_opp + 1, dtype=np.int64)
    for p in range(n_choices):
        start[opp[p] + 1] += 1
    biggest = 0
    for m in range(n_opp):
        if start[m + 1] > biggest:
            biggest = start[m + 1]
        start[m + 1] += start[m]
    fill = start[:-1].copy()
    keys = np.empty(n_choices, dtype=np.int64)
    for p in range(n_choices):
        m = opp[p]
        keys[fill[m]] = pri[p]
        fill[m] += 1
    bits = 1
    while (1 << bits) < 2 * biggest:
        bits += 1
    table = np.empty(1 << bits, dtype=np.int64)
    stamp = np.full(1 << bits, -1, dtype=np.int64)
    golden = np.uint64(0x9E3779B97F4A7C15)
    for m in range(n_opp):
        lo = start[m]
        k = start[m + 1] - lo
        if k < 2:
            continue
        b = 1
        while (1 << b) < 2 * k:
            b += 1
        mask = (1 << b) - 1
        shift = np.uint64(64 - b)
        for j in range(lo, lo + k):
            v = keys[j]
            h = np.int64((np.uint64(v) * golden) >> shift)
            while stamp[h] == m:
                if table[h] == v:
                    first = -1
                    for p in range(n_choices):
                        if opp[p] == m and pri[p] == v:
                            if first < 0:
                                first = p
                            else:
                                return first, p
                h = (h + 1) & mask
            stamp[h] = m
            table[h] = v
    return -1, -1


@njit(cache=True, nogil=True)
def occupancy(ptr, opp, pri, cap, assignment, position, count, worst):  # pragma: no cover
    """Check an assignment and tally each opportunity's holders.

    Fills ``position[i]`` (CSR index of student i's assigned choice or -1), ``count[m]``
    and ``worst[m]`` (largest priority key held at m, INT64_MIN if none). Returns
    (code, index): 0 ok, 1 assignment out of range, 2 not on the student's list,
    3 opportunity over capacity.
    """
    n = ptr.shape[0] - 1
    n_opp = cap.shape[0]
    for m in range(n_opp):
        count[m] = 0
        worst[m] = _INT64_MIN
    for i in range(n):
        a = assignment[i]
        position[i] = -1
        if a == -1:
            continue
        if a < -1 or a >= n_opp:
            return 1, i
        for p in range(ptr[i], ptr[i + 1]):
            if opp[p] == a:
                position[i] = p
                break
        if position[i] < 0:
            return 2, i
        count[a] += 1
        if pri[position[i]] > worst[a]:
            worst[a] = pri[position[i]]
    for m in range(n_opp):
        if count[m] > cap[m]:
            return 3, m
    return 0, -1


@njit(cache=True, nogil=True)
def tally(ptr, opp, rank, pri, cap, position, count, worst):  # pragma: no cover - compiled
    """(placed, first choices, total rank, blocking pairs) for a checked assignment.

    A pair (i, m) blocks when i prefers m to their seat (or has none) and m either has a
    free seat or holds someone with a worse (larger) key than i's.
    """
    n = ptr.shape[0] - 1
    placed = 0
    first = 0
    total = 0
    blocking = 0
    for i in range(n):
        pos = position[i]
        end = ptr[i + 1]
        if pos >= 0:
            placed += 1
            r = rank[pos]
            total += r
            if r == 1:
                first += 1
            end = pos
        for p in range(ptr[i], end):
            m = opp[p]
            c = count[m]
            if c < cap[m] or (c > 0 and pri[p] < worst[m]):
                blocking += 1
    return placed, first, total, blocking
