"""The `Instance`: a matching problem as flat numpy arrays (CSR by student).

Flat arrays keep a million-student problem in a few hundred megabytes and let the
numba kernels walk it without Python objects. Validation is vectorised (numpy, plus two
numba passes for the checks numpy cannot do in linear time), so it stays cheap at 1e6.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

_INT32_MAX = np.iinfo(np.int32).max


def _as_int_array(name: str, value: object, dtype: type[np.integer]) -> np.ndarray:
    """Return a read-only contiguous 1-d copy-if-needed of `value` with `dtype`."""
    arr = np.asarray(value)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional, got shape {arr.shape}")
    if arr.size == 0 and arr.dtype.kind not in "iu":
        arr = arr.astype(dtype)  # np.asarray([]) is float64; an empty list is fine
    if arr.dtype.kind not in "iu":
        raise ValueError(f"{name} must have an integer dtype, got {arr.dtype}")
    if arr.dtype != dtype and arr.size:
        info = np.iinfo(dtype)
        lo, hi = int(arr.min()), int(arr.max())
        if lo < info.min or hi > info.max:
            bad = int(np.argmax(arr) if hi > info.max else np.argmin(arr))
            raise ValueError(f"{name}[{bad}] = {arr[bad]} does not fit in {np.dtype(dtype).name}")
    out = np.ascontiguousarray(arr, dtype=dtype)
    if out is arr or out.base is arr:
        out = out.view()  # never flip the caller's own array to read-only
    out.flags.writeable = False
    return out


@dataclass(frozen=True, eq=False)
class Instance:
    """A placement problem: students' ranked choices and opportunities' priorities.

    Student ``i``'s acceptable choices, best first, are positions
    ``pref_ptr[i]:pref_ptr[i + 1]`` of the parallel arrays:

    - ``pref_opp``: opportunity index (0 .. M-1),
    - ``pref_rank``: the rank the student gave it (1 = first choice; gaps allowed where
      the caller dropped ineligible choices, but strictly increasing),
    - ``priority``: the opportunity's priority key for this student (lower = better,
      strict: no two students share a key at the same opportunity).

    ``capacity[m]`` is the number of seats at opportunity ``m``.

    Arrays are converted to canonical dtypes (int64 pointers/priorities/capacities,
    int32 opportunities/ranks) and made read-only. ``validate=False`` skips only the
    semantic checks (ranks increasing, no duplicate choice, strict priorities); the
    shape and bounds checks that keep the compiled kernels memory-safe always run.
    """

    pref_ptr: np.ndarray
    pref_opp: np.ndarray
    pref_rank: np.ndarray
    priority: np.ndarray
    capacity: np.ndarray
    validate: bool = field(default=True, repr=False)

    def __post_init__(self) -> None:
        conv = {
            "pref_ptr": np.int64,
            "pref_opp": np.int32,
            "pref_rank": np.int32,
            "priority": np.int64,
            "capacity": np.int64,
        }
        for name, dtype in conv.items():
            object.__setattr__(self, name, _as_int_array(name, getattr(self, name), dtype))
        self._check_structure()
        if self.validate:
            self._check_semantics()

    @property
    def n_students(self) -> int:
        return self.pref_ptr.shape[0] - 1

    @property
    def n_opportunities(self) -> int:
        return self.capacity.shape[0]

    @property
    def n_choices(self) -> int:
        return self.pref_opp.shape[0]

    def choices(self, student: int) -> slice:
        """The slice of the pref_* arrays holding `student`'s list."""
        return slice(int(self.pref_ptr[student]), int(self.pref_ptr[student + 1]))

    def student_of(self, position: int | np.ndarray) -> int | np.ndarray:
        """Which student owns CSR `position` (vectorised)."""
        return np.searchsorted(self.pref_ptr, position, side="right") - 1

    def _check_structure(self) -> None:
        """Shape and bounds checks; the compiled kernels rely on these."""
        ptr, opp = self.pref_ptr, self.pref_opp
        if ptr.shape[0] < 1:
            raise ValueError("pref_ptr must have length N + 1 >= 1 (it is empty)")
        if ptr[0] != 0:
            raise ValueError(f"pref_ptr[0] must be 0, got {ptr[0]}")
        n_choices = opp.shape[0]
        for name in ("pref_rank", "priority"):
            length = getattr(self, name).shape[0]
            if length != n_choices:
                raise ValueError(
                    f"{name} has length {length} but pref_opp has length {n_choices}; "
                    "the three choice arrays must be parallel"
                )
        if ptr[-1] != n_choices:
            raise ValueError(
                f"pref_ptr[{ptr.shape[0] - 1}] = {ptr[-1]} must equal len(pref_opp) = {n_choices}"
            )
        dec = np.flatnonzero(ptr[1:] < ptr[:-1])
        if dec.size:
            i = int(dec[0])
            raise ValueError(
                f"pref_ptr must be non-decreasing: pref_ptr[{i + 1}] = {ptr[i + 1]} "
                f"< pref_ptr[{i}] = {ptr[i]}"
            )
        if n_choices > _INT32_MAX:
            raise ValueError(f"at most {_INT32_MAX} choices in total are supported")
        n_opp = self.capacity.shape[0]
        if n_choices:
            bad = np.flatnonzero((opp < 0) | (opp >= n_opp))
            if bad.size:
                p = int(bad[0])
                raise ValueError(
                    f"pref_opp[{p}] = {opp[p]} is not an opportunity index in [0, {n_opp}) "
                    f"(student {self.student_of(p)})"
                )
        neg = np.flatnonzero(self.capacity < 0)
        if neg.size:
            m = int(neg[0])
            raise ValueError(f"capacity[{m}] = {self.capacity[m]} must be >= 0")

    def _check_semantics(self) -> None:
        """Ranks, duplicates and priority strictness (O(total list length))."""
        from trellis.matching import _kernels

        ptr, opp, rank, pri = self.pref_ptr, self.pref_opp, self.pref_rank, self.priority
        n_choices = opp.shape[0]
        if n_choices == 0:
            return
        low = np.flatnonzero(rank < 1)
        if low.size:
            p = int(low[0])
            raise ValueError(
                f"pref_rank[{p}] = {rank[p]} must be >= 1 (student {self.student_of(p)})"
            )
        starts = np.zeros(n_choices, dtype=np.bool_)
        first = ptr[:-1]
        starts[first[first < n_choices]] = True
        bad = np.flatnonzero((rank[1:] <= rank[:-1]) & ~starts[1:])
        if bad.size:
            p = int(bad[0]) + 1
            raise ValueError(
                f"pref_rank[{p}] = {rank[p]} is not greater than pref_rank[{p - 1}] = "
                f"{rank[p - 1]}: student {self.student_of(p)}'s ranks must strictly increase"
            )
        del starts, bad
        p, q = _kernels.find_duplicate_choice(ptr, opp, self.capacity.shape[0])
        if p >= 0:
            raise ValueError(
                f"pref_opp[{p}] = pref_opp[{q}] = {opp[p]}: student {self.student_of(p)} "
                "lists the same opportunity twice"
            )
        p, q = _kernels.find_priority_tie(opp, pri, self.capacity.shape[0])
        if p >= 0:
            raise ValueError(
                f"priority[{p}] = priority[{q}] = {pri[p]} at opportunity {opp[p]}: students "
                f"{self.student_of(p)} and {self.student_of(q)} share a priority key; keys "
                "must be strict per opportunity (break ties with a seeded lottery)"
            )
