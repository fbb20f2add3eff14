"""Max placement: most students placed, then least total rank; checked by brute force."""

import numpy as np
from hypothesis import given, settings

from tests.matching.helpers import (
    all_matchings,
    instances,
    make_instance,
    preference_index,
    rank_total,
)
from trellis.matching import explain, solve_max_placement, solve_stable, summarize
from trellis.matching.explain import FREE_SEAT
from trellis.matching.summary import occupancy
from trellis.matching.synthetic import synthetic_instance


@settings(max_examples=250, deadline=None)
@given(instances(max_students=5, max_opportunities=3, max_capacity=2))
def test_max_placement_is_optimal_by_brute_force(inst):
    result = solve_max_placement(inst)
    best = min((-sum(m >= 0 for m in a), rank_total(inst, a)) for a in all_matchings(inst))
    got = result.assignment.tolist()
    assert (-sum(m >= 0 for m in got), rank_total(inst, got)) == best


@settings(max_examples=150, deadline=None)
@given(instances(max_students=5, max_opportunities=3, max_capacity=2))
def test_max_placement_is_pareto_efficient_for_students(inst):
    got = solve_max_placement(inst).assignment.tolist()
    mine = [preference_index(inst, i, m) for i, m in enumerate(got)]
    for other in all_matchings(inst):
        theirs = [preference_index(inst, i, m) for i, m in enumerate(other)]
        dominates = all(t <= g for t, g in zip(theirs, mine)) and theirs != mine
        assert not dominates, f"{other} Pareto-dominates {got}"


@settings(max_examples=100, deadline=None)
@given(instances(max_students=30, max_opportunities=8, max_capacity=4))
def test_max_placement_is_feasible_and_places_at_least_as_many_as_stable(inst):
    result = solve_max_placement(inst)
    occupancy(inst, result.assignment)  # raises if infeasible
    assert result.placed >= solve_stable(inst).placed
    ranks = [
        int(inst.pref_rank[inst.choices(i)][inst.pref_opp[inst.choices(i)] == m][0])
        if m >= 0
        else 0
        for i, m in enumerate(result.assignment.tolist())
    ]
    assert result.rank.tolist() == ranks


@settings(max_examples=100, deadline=None)
@given(instances(max_students=30, max_opportunities=8, max_capacity=4))
def test_max_placement_never_skips_a_higher_choice_with_a_free_seat(inst):
    result = solve_max_placement(inst)
    for e in explain(inst, result):
        assert all(w.reason != FREE_SEAT for w in e.why_not)


def test_max_placement_trades_priority_for_coverage():
    # one seat each at A and B; student 1 has the better key at A but also accepts B
    inst = make_instance([[0], [0, 1]], [[1], [1, 2]], [[2], [1, 0]], [1, 1])
    assert solve_stable(inst).assignment.tolist() == [-1, 0]
    result = solve_max_placement(inst)
    assert result.assignment.tolist() == [0, 1]
    assert summarize(inst, result).blocking_pairs == 1


def test_max_placement_places_more_than_stable_on_synthetic_round():
    inst, _ = synthetic_instance(2000, seed=5)
    stable, best = summarize(inst, solve_stable(inst)), summarize(inst, solve_max_placement(inst))
    assert best.placed > stable.placed
    assert best.blocking_pairs > 0


def test_max_placement_handles_students_without_choices():
    inst = make_instance([[], [0], []], [[], [1], []], [[], [0], []], [1])
    assert solve_max_placement(inst).assignment.tolist() == [-1, 0, -1]
    empty = make_instance([[], []], [[], []], [[], []], [2])
    assert solve_max_placement(empty).assignment.tolist() == [-1, -1]


def test_max_placement_is_deterministic():
    inst, _ = synthetic_instance(2000, seed=8)
    first = solve_max_placement(inst).assignment
    np.testing.assert_array_equal(first, solve_max_placement(inst).assignment)


def test_max_placement_is_not_strategy_proof_truncating_a_list_can_pay():
    # one seat each at X, Y, Z. Ana truly wants Y then Z; Ben wants Y, X, Z; Cy only X.
    X, Y, Z = 0, 1, 2

    def ana_gets(ana_list):
        lists = [ana_list, [Y, X, Z], [X]]
        ranks = [list(range(1, len(x) + 1)) for x in lists]
        keys = [[i] * len(x) for i, x in enumerate(lists)]
        return solve_max_placement(make_instance(lists, ranks, keys, [1, 1, 1])).assignment[0]

    assert ana_gets([Y, Z]) == Z  # honest: Ben takes Y, total rank 4 beats 5
    assert ana_gets([Y]) == Y  # listing only Y forces the solver to give her Y
