"""The served-demand core on its own: hand-worked transport problems, no database."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trellis.insights.flow import fits, served_units

FRI, MON, TUE, THU = 16, 1, 2, 8
WEEK = 31


def test_a_seat_fits_when_its_days_are_within_the_students_availability():
    assert fits(FRI, 9, WEEK, 11)
    assert fits(MON | FRI, 9, MON | FRI | TUE, 11)
    assert not fits(MON | FRI, 9, FRI, 11)


def test_a_seat_does_not_fit_a_student_below_its_minimum_grade():
    assert not fits(FRI, 10, FRI, 9)
    assert fits(FRI, 10, FRI, 10)


def test_a_pattern_with_no_weekdays_fits_everyone():
    assert fits(0, 9, 0, 9)


def test_seats_on_the_wrong_day_serve_nobody():
    assert served_units({(FRI, 11): 3}, {(MON, 9): 5}) == 0


def test_served_is_capped_by_seats_and_by_demand():
    assert served_units({(WEEK, 11): 3}, {(FRI, 9): 2}) == 2
    assert served_units({(WEEK, 11): 1}, {(FRI, 9): 2}) == 1


def test_flexible_students_leave_the_scarce_day_to_students_who_need_it():
    # One Friday seat and one Monday seat; A can only do Friday, B can do either.
    # A greedy pass that gives Friday to B would serve 1; the maximum is 2.
    demand = {(FRI, 11): 1, (WEEK, 11): 1}
    assert served_units(demand, {(FRI, 9): 1, (MON, 9): 1}) == 2


def test_groups_reaching_the_same_seats_are_merged_without_changing_the_answer():
    demand = {(WEEK, 11): 2, (WEEK, 12): 2, (FRI | TUE, 11): 1}
    assert served_units(demand, {(FRI, 9): 4, (TUE, 12): 3}) == 5


masks = st.integers(min_value=0, max_value=127)
grades = st.integers(min_value=6, max_value=12)


# A loaded CI machine must not fail these on timing: they check answers, not speed.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=150)
@given(
    demand=st.dictionaries(st.tuples(masks, grades), st.integers(0, 20), max_size=8),
    supply=st.dictionaries(st.tuples(masks, grades), st.integers(0, 20), max_size=6),
)
def test_served_never_exceeds_demand_seats_or_what_fits(demand, supply):
    served = served_units(demand, supply)
    assert 0 <= served <= sum(demand.values())
    assert served <= sum(supply.values())
    reachable = sum(
        u
        for (m, g), u in demand.items()
        if any(fits(w, mg, m, g) for (w, mg) in supply if supply[(w, mg)])
    )
    assert served <= reachable


# A loaded CI machine must not fail these on timing: they check answers, not speed.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=150)
@given(
    demand=st.dictionaries(st.tuples(masks, grades), st.integers(0, 30), max_size=10),
    supply=st.dictionaries(st.tuples(masks, grades), st.integers(0, 30), max_size=8),
)
def test_served_matches_an_independent_max_flow_solver(demand, supply):
    from ortools.graph.python import max_flow

    solver = max_flow.SimpleMaxFlow()
    groups, patterns = list(demand), list(supply)
    sink = len(groups) + len(patterns) + 1
    for i, group in enumerate(groups, start=1):
        solver.add_arc_with_capacity(0, i, demand[group])
        for j, pattern in enumerate(patterns):
            if fits(pattern[0], pattern[1], group[0], group[1]):
                solver.add_arc_with_capacity(i, len(groups) + 1 + j, 10_000)
    for j, pattern in enumerate(patterns):
        solver.add_arc_with_capacity(len(groups) + 1 + j, sink, supply[pattern])
    expected = solver.optimal_flow() if solver.solve(0, sink) == solver.OPTIMAL else 0
    assert served_units(demand, supply) == expected
