"""Engine-wide guarantees: deterministic, clock-free, framework-free."""

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from trellis.matching import explain, solve_max_placement, solve_stable, summarize
from trellis.matching.synthetic import synthetic_instance

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import hashlib, sys
from trellis.matching import solve_stable
from trellis.matching.synthetic import synthetic_instance
inst, _ = synthetic_instance(4000, seed=21)
print(hashlib.sha256(solve_stable(inst).assignment.tobytes()).hexdigest())
bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')
             or (m.startswith('trellis.') and not m.startswith('trellis.matching')))
print(','.join(bad))
"""


def digest(inst):
    return hashlib.sha256(solve_stable(inst).assignment.tobytes()).hexdigest()


def test_stable_matching_is_deterministic_across_runs_and_processes():
    inst, _ = synthetic_instance(4000, seed=21)
    here = digest(inst)
    assert digest(inst) == here
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONHASHSEED": "12345"},
    )
    there, imported = proc.stdout.splitlines()
    assert there == here
    assert imported == "", f"engine imported framework modules: {imported}"


def test_synthetic_instances_are_reproducible_from_the_seed():
    a, _ = synthetic_instance(500, seed=3)
    b, _ = synthetic_instance(500, seed=3)
    for name in ("pref_ptr", "pref_opp", "pref_rank", "priority", "capacity"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_solvers_never_read_the_clock(monkeypatch):
    inst, ineligible = synthetic_instance(300, seed=4)
    solve_stable(inst)  # warm the compiled kernels first: numba may time its compiler

    def clock(*args, **kwargs):
        raise AssertionError("the matching engine read the clock")

    for name in ("time", "time_ns", "monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns"):
        monkeypatch.setattr(time, name, clock)
    result = solve_stable(inst)
    solve_max_placement(inst)
    summarize(inst, result)
    explain(inst, result, {(int(s), int(m)): (int(r), "rule") for s, m, r in ineligible})


@pytest.mark.parametrize("solver", [solve_stable, solve_max_placement])
def test_solvers_do_not_depend_on_array_memory_layout(solver):
    inst, _ = synthetic_instance(1000, seed=9)
    from trellis.matching import Instance

    # non-contiguous, differently typed inputs describe the same instance
    strided = Instance(
        np.repeat(inst.pref_ptr, 2)[::2],
        inst.pref_opp.astype(np.int64),
        inst.pref_rank.astype(np.int16),
        inst.priority,
        inst.capacity.astype(np.int32),
    )
    np.testing.assert_array_equal(solver(inst).assignment, solver(strided).assignment)
