"""Explanations (why not each higher choice) and summary figures on hand-built rounds."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.matching.helpers import instances, make_instance
from trellis.matching import (
    FULL,
    INELIGIBLE,
    REALLOCATED,
    Explanation,
    WhyNot,
    explain,
    reference,
    solve_max_placement,
    solve_stable,
    summarize,
)
from trellis.matching.explain import FREE_SEAT

A, B, C = 0, 1, 2


def clinic_round():
    """A: 1 seat, B: 2 seats (but B is ineligible for student 2), C: 1 seat.

    Student 0 (key 1 at A) and student 1 (key 5) both want A; student 2 (key 7 at A)
    ranked A, then B (dropped: needs a driving licence), then C.
    """
    lists = [[A, B], [A, C], [A, C]]
    ranks = [[1, 2], [1, 2], [1, 3]]
    keys = [[1, 4], [5, 2], [7, 1]]
    inst = make_instance(lists, ranks, keys, [1, 2, 1])
    ineligible = {(2, B): (2, "driving_licence")}
    return inst, ineligible


def test_explanation_reports_full_first_choice_with_cutoff_and_named_ineligible_rule():
    inst, ineligible = clinic_round()
    result = solve_stable(inst)
    assert result.assignment.tolist() == [A, -1, C]
    explained = explain(inst, result, ineligible=ineligible)
    assert explained[0] == Explanation(student=0, opportunity=A, rank=1, why_not=())
    assert explained[2] == Explanation(
        student=2,
        opportunity=C,
        rank=3,
        why_not=(
            WhyNot(opportunity=A, rank=1, reason=FULL, cutoff=1, priority=7),
            WhyNot(opportunity=B, rank=2, reason=INELIGIBLE, rule="driving_licence"),
        ),
    )
    # student 1 lost A to student 0 (key 1 < 5) and C to student 2 (key 1 < 2)
    assert explained[1] == Explanation(
        student=1,
        opportunity=None,
        rank=None,
        why_not=(
            WhyNot(opportunity=A, rank=1, reason=FULL, cutoff=1, priority=5),
            WhyNot(opportunity=C, rank=2, reason=FULL, cutoff=1, priority=2),
        ),
    )


def test_explanation_of_student_placed_below_a_full_first_choice():
    inst = make_instance([[A], [A, B]], [[1], [1, 2]], [[3], [8, 0]], [1, 1])
    (_, second) = explain(inst, solve_stable(inst))
    assert second == Explanation(
        student=1,
        opportunity=B,
        rank=2,
        why_not=(WhyNot(opportunity=A, rank=1, reason=FULL, cutoff=3, priority=8),),
    )


def test_ineligible_choice_ranked_below_the_outcome_is_not_reported():
    inst = make_instance([[A]], [[1]], [[0]], [1, 1])
    (only,) = explain(inst, solve_stable(inst), ineligible={(0, B): (2, "age")})
    assert only.why_not == ()


def test_max_placement_explains_seat_given_to_worse_priority_as_reallocated():
    # student 1 has the better key at A, but A went to student 0 so both get placed
    inst = make_instance([[A], [A, B]], [[1], [1, 2]], [[2], [1, 0]], [1, 1])
    result = solve_max_placement(inst)
    (_, second) = explain(inst, result)
    assert second.why_not == (
        WhyNot(opportunity=A, rank=1, reason=REALLOCATED, cutoff=2, priority=1),
    )


def test_zero_capacity_choice_is_full_without_cutoff():
    inst = make_instance([[A, B]], [[1, 2]], [[0, 0]], [0, 1])
    (only,) = explain(inst, solve_stable(inst))
    assert only.why_not == (WhyNot(opportunity=A, rank=1, reason=FULL, priority=0),)


def test_hand_made_matching_with_a_free_higher_choice_is_reported_as_free_seat():
    inst = make_instance([[A, B]], [[1, 2]], [[0, 0]], [1, 1])
    (only,) = explain(inst, np.array([B]))
    assert only.why_not == (WhyNot(opportunity=A, rank=1, reason=FREE_SEAT, priority=0),)


@settings(max_examples=150, deadline=None)
@given(instances(max_students=20, max_opportunities=6, max_capacity=3))
def test_stable_explanations_only_say_full_with_cutoff_better_than_student(inst):
    for e in explain(inst, solve_stable(inst)):
        for w in e.why_not:
            assert w.reason == FULL
            assert w.cutoff is None or w.cutoff < w.priority


def test_explain_rejects_inconsistent_ineligible_mapping():
    inst, _ = clinic_round()
    result = solve_stable(inst)
    with pytest.raises(ValueError, match=r"opportunity 0 is still on student 2's list"):
        explain(inst, result, ineligible={(2, A): (2, "x")})
    with pytest.raises(ValueError, match=r"rank 3 is already used on student 2's list"):
        explain(inst, result, ineligible={(2, B): (3, "x")})
    with pytest.raises(ValueError, match=r"no such student or opportunity"):
        explain(inst, result, ineligible={(9, B): (2, "x")})
    with pytest.raises(ValueError, match=r"students: -1 is not a student index in \[0, 3\)"):
        explain(inst, result, students=[-1])


def test_explain_subset_of_students_in_given_order():
    inst, ineligible = clinic_round()
    got = explain(inst, solve_stable(inst), ineligible=ineligible, students=[2, 0])
    assert [e.student for e in got] == [2, 0]


def test_summary_figures_on_hand_computed_round():
    inst, _ = clinic_round()
    # stable: 0 -> A (rank 1), 1 unplaced, 2 -> C (rank 3)
    s = summarize(inst, solve_stable(inst))
    assert (s.students, s.placed, s.unplaced, s.first_choice) == (3, 2, 1, 1)
    assert (s.total_rank, s.mean_rank, s.blocking_pairs) == (4, 2.0, 0)
    # a hand-made matching: 2 -> A, 0 -> B, 1 unplaced. Blocking: (0, A) since 0's key 1
    # beats 2's 7; (1, A) since 5 < 7; (1, C) since C is empty.
    s = summarize(inst, np.array([B, -1, A]))
    assert (s.placed, s.unplaced, s.first_choice, s.total_rank) == (2, 1, 1, 3)
    assert s.blocking_pairs == 3


def test_summary_of_nobody_placed_has_no_mean_rank():
    inst = make_instance([[A]], [[1]], [[0]], [0])
    s = summarize(inst, solve_stable(inst))
    assert (s.placed, s.mean_rank, s.blocking_pairs) == (0, None, 0)


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ([A, C, 7], r"assignment\[2\] = 7 is not an opportunity index or -1"),
        ([C, -1, -1], r"assignment\[0\] = 2 is not on student 0's list"),
        ([A, A, -1], r"opportunity 0 holds 2 students but capacity\[0\] = 1"),
        ([A, C], r"assignment must be an integer array of shape \(3,\)"),
    ],
)
def test_summary_rejects_infeasible_assignment(assignment, message):
    inst, _ = clinic_round()
    with pytest.raises(ValueError, match=message):
        summarize(inst, np.array(assignment))


@settings(max_examples=150, deadline=None)
@given(instances(max_students=20, max_opportunities=6, max_capacity=3), st.randoms())
def test_summary_blocking_pairs_match_reference_on_random_feasible_matchings(inst, rnd):
    load = [0] * inst.n_opportunities
    assignment = []
    for i in range(inst.n_students):
        options = [-1, *inst.pref_opp[inst.choices(i)].tolist()]
        m = rnd.choice(options)
        if m >= 0 and load[m] < inst.capacity[m]:
            load[m] += 1
        else:
            m = -1
        assignment.append(m)
    assignment = np.array(assignment, dtype=np.int64)
    s = summarize(inst, assignment)
    assert s.blocking_pairs == len(reference.blocking_pairs(inst, assignment))
    assert s.total_rank == reference.total_rank(inst, assignment)
    assert s.placed == int((assignment >= 0).sum())
