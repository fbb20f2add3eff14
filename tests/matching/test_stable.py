"""Deferred acceptance: equals the reference, stable, student-optimal, strategy-proof."""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.matching.helpers import (
    all_matchings,
    instances,
    is_stable,
    make_instance,
    preference_index,
)
from trellis.matching import Instance, reference, solve_stable, summarize
from trellis.matching.synthetic import synthetic_instance


@settings(max_examples=200, deadline=None)
@given(instances(max_students=30, max_opportunities=8, max_capacity=4))
def test_stable_matching_equals_reference_deferred_acceptance(inst):
    result = solve_stable(inst)
    np.testing.assert_array_equal(result.assignment, reference.deferred_acceptance(inst))


@settings(max_examples=200, deadline=None)
@given(instances(max_students=30, max_opportunities=8, max_capacity=4))
def test_stable_matching_has_no_blocking_pair(inst):
    result = solve_stable(inst)
    assert reference.blocking_pairs(inst, result.assignment) == []
    assert summarize(inst, result).blocking_pairs == 0


@settings(max_examples=200, deadline=None)
@given(instances(max_students=5, max_opportunities=3, max_capacity=2))
def test_stable_matching_is_student_optimal_among_all_stable_matchings(inst):
    got = solve_stable(inst).assignment.tolist()
    stable = [m for m in all_matchings(inst) if is_stable(inst, m)]
    assert tuple(got) in stable
    for i in range(inst.n_students):
        best = min(preference_index(inst, i, m[i]) for m in stable)
        assert preference_index(inst, i, got[i]) == best


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_no_student_gains_by_misreporting_their_list(data):
    n = data.draw(st.integers(1, 4))
    m = data.draw(st.integers(1, 3))
    capacity = data.draw(st.lists(st.integers(0, 2), min_size=m, max_size=m))
    key = [data.draw(st.permutations(range(n))) for _ in range(m)]  # key[o][i]
    lists = [
        list(data.draw(st.permutations(range(m)))[: data.draw(st.integers(0, m))]) for _ in range(n)
    ]

    def outcome(lists):
        ranks = [list(range(1, len(x) + 1)) for x in lists]
        keys = [[key[o][i] for o in lst] for i, lst in enumerate(lists)]
        return solve_stable(make_instance(lists, ranks, keys, capacity)).assignment[0]

    true = lists[0]
    honest = outcome(lists)
    worth = lambda o: true.index(o) if o in true else len(true)  # noqa: E731
    for k in range(m + 1):
        for lie in itertools.permutations(range(m), k):
            assert worth(outcome([list(lie), *lists[1:]])) >= worth(honest)


def test_stable_matching_equals_reference_on_synthetic_round():
    inst, _ = synthetic_instance(3000, seed=11)
    np.testing.assert_array_equal(
        solve_stable(inst).assignment, reference.deferred_acceptance(inst)
    )


def test_higher_priority_student_takes_contested_seat():
    # two students want the single seat at 0; student 1 has the better (lower) key
    inst = make_instance([[0, 1], [0]], [[1, 2], [1]], [[5, 0], [3]], [1, 1])
    result = solve_stable(inst)
    assert result.assignment.tolist() == [1, 0]
    assert result.rank.tolist() == [2, 1]


def test_bumped_student_moves_down_their_list():
    # 0 loses A to 1 (better key) and takes B, where 2's key is worse; 2 ends at C.
    lists = [[0, 1], [0], [1, 2]]
    ranks = [[1, 2], [1], [1, 2]]
    keys = [[2, 1], [1], [9, 0]]
    inst = make_instance(lists, ranks, keys, [1, 1, 1])
    assert solve_stable(inst).assignment.tolist() == [1, 0, 2]


def test_zero_capacity_opportunity_is_skipped():
    inst = make_instance([[0, 1]], [[1, 2]], [[0, 0]], [0, 1])
    assert solve_stable(inst).assignment.tolist() == [1]


def test_huge_capacity_costs_no_memory():
    inst = make_instance([[0], [0]], [[1], [1]], [[1], [2]], [np.iinfo(np.int64).max])
    assert solve_stable(inst).assignment.tolist() == [0, 0]
    # many "unlimited" opportunities and many students with short lists
    n, m = 200_000, 1_000
    ptr = np.arange(n + 1)
    inst = Instance(ptr, np.arange(n) % m, np.ones(n, dtype=int), np.arange(n), np.full(m, n))
    assert (solve_stable(inst).assignment == np.arange(n) % m).all()


def test_empty_instance_gives_empty_assignment():
    inst = make_instance([], [], [], [3])
    result = solve_stable(inst)
    assert result.assignment.shape == (0,)
    assert result.placed == 0


def test_result_arrays_are_read_only():
    inst = make_instance([[0]], [[1]], [[0]], [1])
    result = solve_stable(inst)
    assert not result.assignment.flags.writeable
    assert not result.rank.flags.writeable
