"""Instance validation: every bad input is a ValueError naming the array and index."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.matching.helpers import INT64_MAX, INT64_MIN, make_instance
from trellis.matching import Instance


def arrays(**overrides):
    """A valid 3-student, 2-opportunity instance, with some arrays replaced."""
    base = {
        "pref_ptr": [0, 2, 3, 3],
        "pref_opp": [0, 1, 1],
        "pref_rank": [1, 3, 1],
        "priority": [10, 20, 5],
        "capacity": [1, 2],
    }
    base.update(overrides)
    return base


def test_valid_arrays_are_converted_to_canonical_read_only_dtypes():
    inst = Instance(**arrays())
    assert inst.pref_ptr.dtype == np.int64 and inst.priority.dtype == np.int64
    assert inst.pref_opp.dtype == np.int32 and inst.pref_rank.dtype == np.int32
    assert inst.capacity.dtype == np.int64
    assert (inst.n_students, inst.n_opportunities, inst.n_choices) == (3, 2, 3)
    assert not inst.priority.flags.writeable


def test_instance_leaves_caller_arrays_writeable_and_unchanged():
    priority = np.array([10, 20, 5], dtype=np.int64)
    Instance(**arrays(priority=priority))
    assert priority.flags.writeable
    priority[0] = 11  # still the caller's to change


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"pref_ptr": []}, r"pref_ptr must have length N \+ 1"),
        ({"pref_ptr": [1, 2, 3, 3]}, r"pref_ptr\[0\] must be 0"),
        ({"pref_ptr": [0, 2, 3, 2]}, r"pref_ptr\[3\] = 2 must equal len\(pref_opp\) = 3"),
        ({"pref_ptr": [0, 3, 2, 3]}, r"pref_ptr must be non-decreasing: pref_ptr\[2\] = 2"),
        ({"pref_opp": [[0, 1, 1]]}, r"pref_opp must be 1-dimensional"),
        ({"pref_opp": [0.0, 1.0, 1.0]}, r"pref_opp must have an integer dtype, got float64"),
        ({"priority": [True, False, True]}, r"priority must have an integer dtype, got bool"),
        ({"pref_rank": [1, 3]}, r"pref_rank has length 2 but pref_opp has length 3"),
        ({"priority": [1, 2, 3, 4]}, r"priority has length 4 but pref_opp has length 3"),
        (
            {"pref_opp": [0, 2, 1]},
            r"pref_opp\[1\] = 2 is not an opportunity index in \[0, 2\) \(student 0\)",
        ),
        ({"pref_opp": [0, 1, -1]}, r"pref_opp\[2\] = -1 is not an opportunity index"),
        ({"pref_opp": [0, 1, 2**40]}, r"pref_opp\[2\] = 1099511627776 does not fit in int32"),
        ({"capacity": [1, -1]}, r"capacity\[1\] = -1 must be >= 0"),
        ({"pref_rank": [0, 3, 1]}, r"pref_rank\[0\] = 0 must be >= 1 \(student 0\)"),
        (
            {"pref_rank": [2, 2, 1]},
            r"pref_rank\[1\] = 2 is not greater than pref_rank\[0\] = 2: student 0",
        ),
        (
            {"pref_opp": [1, 1, 1]},
            r"pref_opp\[0\] = pref_opp\[1\] = 1: student 0 lists the same opportunity twice",
        ),
        (
            {"priority": [10, 5, 5]},
            r"priority\[1\] = priority\[2\] = 5 at opportunity 1: students 0 and 1 share",
        ),
        (
            {"priority": np.array([2**63 + 1, 20, 5], dtype=np.uint64)},
            r"priority\[0\] = 9223372036854775809 does not fit in int64",
        ),
    ],
)
def test_invalid_instance_raises_value_error_naming_array_and_index(overrides, message):
    with pytest.raises(ValueError, match=message):
        Instance(**arrays(**overrides))


def test_same_key_at_different_opportunities_is_allowed():
    Instance(**arrays(priority=[7, 7, 5]))


def test_rank_may_restart_at_each_student():
    Instance(pref_ptr=[0, 1, 2], pref_opp=[0, 0], pref_rank=[5, 1], priority=[0, 1], capacity=[1])


def test_validate_false_skips_semantic_checks_but_keeps_bounds_checks():
    Instance(**arrays(pref_rank=[2, 2, 1], pref_opp=[1, 1, 1]), validate=False)
    with pytest.raises(ValueError, match=r"pref_opp\[1\] = 5"):
        Instance(**arrays(pref_opp=[0, 5, 1]), validate=False)


def test_empty_lists_and_no_students_are_valid():
    inst = Instance(pref_ptr=[0], pref_opp=[], pref_rank=[], priority=[], capacity=[0])
    assert inst.n_students == 0
    inst = Instance(pref_ptr=[0, 0, 0], pref_opp=[], pref_rank=[], priority=[], capacity=[])
    assert inst.n_students == 2 and inst.n_opportunities == 0


def test_priority_tie_found_inside_a_large_bucket():
    n = 5000
    priority = np.arange(n, dtype=np.int64)[::-1].copy()
    priority[4321] = priority[17]
    with pytest.raises(ValueError, match=r"students 17 and 4321 share a priority key"):
        Instance(
            np.arange(n + 1), np.zeros(n, dtype=np.int32), np.ones(n, dtype=int), priority, [n]
        )


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_priority_tie_is_detected_exactly_when_two_keys_repeat_at_one_opportunity(data):
    m = data.draw(st.integers(1, 4))
    lists = data.draw(st.lists(st.lists(st.integers(0, m - 1), unique=True), max_size=8))
    pool = data.draw(st.lists(st.integers(INT64_MIN, INT64_MAX), min_size=1, max_size=4))
    keys = [[data.draw(st.sampled_from(pool)) for _ in row] for row in lists]
    seen = [(o, k) for row, ks in zip(lists, keys) for o, k in zip(row, ks)]
    ranks = [list(range(1, len(row) + 1)) for row in lists]
    if len(set(seen)) < len(seen):
        with pytest.raises(ValueError, match="share a priority key"):
            make_instance(lists, ranks, keys, [1] * m)
    else:
        make_instance(lists, ranks, keys, [1] * m)
