"""The adapter: each eligibility rule and priority criterion, the lottery, the round problem."""

import datetime as dt

import pytest

from tests import factories as f
from tests.placements.rounds_support import make_round, orow, rank, srow
from trellis.placements.models import Placement
from trellis.placements.rounds import adapter
from trellis.rules.eligibility import haversine_miles


def codes(student, opp):
    return [code for code, _ in adapter.ineligibility(student, opp)]


# --- eligibility rules -----------------------------------------------------------------------


def test_eligible_student_passes_every_rule():
    assert adapter.ineligibility(srow(), orow()) == []


def test_student_below_minimum_grade_is_ineligible_and_told_the_grade():
    rules = adapter.ineligibility(srow(grade=10), orow(min_grade=11))
    assert [c for c, _ in rules] == ["grade"]
    assert "grade 11 and up; you are in grade 10" in rules[0][1]


def test_student_too_young_on_the_start_date_is_ineligible():
    # Born 2011-03-14: 15 on 2027-01-22.
    rules = adapter.ineligibility(srow(birth_date=dt.date(2011, 3, 14)), orow(min_age=16))
    assert [c for c, _ in rules] == ["age"]
    assert "at least 16 on the start date" in rules[0][1] and "you will be 15" in rules[0][1]


def test_age_counts_on_the_start_date_not_today():
    # Turns 16 the day before the start date: eligible.
    assert codes(srow(birth_date=dt.date(2011, 1, 21)), orow(min_age=16)) == []
    assert codes(srow(birth_date=dt.date(2011, 1, 23)), orow(min_age=16)) == ["age"]


def test_minor_cannot_take_a_hazardous_opportunity():
    rules = adapter.ineligibility(srow(), orow(is_hazardous=True, hazardous_orders="HO5"))
    assert [c for c, _ in rules] == ["hazardous"]
    assert "HO5" in rules[0][1] and "under 18" in rules[0][1]


def test_adult_may_take_a_hazardous_opportunity():
    assert codes(srow(birth_date=dt.date(2008, 1, 1)), orow(is_hazardous=True)) == []


def test_schedule_on_a_day_the_student_is_unavailable_is_ineligible():
    # Opportunity meets Tue + Thu; student free Mon, Wed, Fri only.
    rules = adapter.ineligibility(srow(availability=0b10101), orow(weekdays=0b01010))
    assert [c for c, _ in rules] == ["weekdays"]
    assert "not available on Tue, Thu" in rules[0][1]


def test_student_without_transport_cannot_reach_a_far_worksite():
    far = orow(worksite__latitude=39.30, worksite__longitude=-76.60)  # ~44 miles away
    rules = adapter.ineligibility(srow(transportation="none"), far)
    assert [c for c, _ in rules] == ["distance"]
    assert "limit is 10 miles" in rules[0][1]


def test_student_without_transport_can_reach_a_near_worksite():
    near = orow(worksite__latitude=38.82, worksite__longitude=-77.12)
    assert codes(srow(transportation="none"), near) == []


def test_student_with_transport_may_travel_any_distance():
    far = orow(worksite__latitude=39.30, worksite__longitude=-76.60)
    assert codes(srow(transportation="own_vehicle"), far) == []


def test_virtual_opportunity_needs_no_transport():
    far_virtual = orow(kind="virtual", worksite__latitude=45.0, worksite__longitude=-100.0)
    assert codes(srow(transportation="none"), far_virtual) == []
    site_virtual = orow(
        worksite__is_virtual=True, worksite__latitude=45.0, worksite__longitude=-100.0
    )
    assert codes(srow(transportation="none"), site_virtual) == []


def test_unknown_coordinates_do_not_exclude_a_student():
    assert (
        codes(
            srow(transportation="none", home_latitude=None),
            orow(worksite__latitude=45.0, worksite__longitude=-90.0),
        )
        == []
    )


def test_closed_opportunity_is_ineligible():
    assert codes(srow(), orow(status="closed")) == ["closed"]


def test_haversine_miles_matches_a_known_distance():
    # Washington, DC to Baltimore, MD: about 35 miles.
    assert haversine_miles(38.9072, -77.0369, 39.2904, -76.6122) == pytest.approx(
        35.3, abs=0.5
    )


# --- priority criteria -----------------------------------------------------------------------


def key(student, opp, criteria, lottery=1, interview=None):
    values = [adapter.criterion_value(c, student, opp, interview) for c in criteria]
    return adapter.compose_key(values, criteria, lottery)


def test_grade_criterion_puts_higher_grades_first():
    senior, junior = srow(grade=12), srow(grade=11)
    assert key(senior, orow(), ["grade"], lottery=900) < key(junior, orow(), ["grade"], lottery=1)


def test_cte_criterion_favours_concentrators_in_the_opportunitys_cluster_only():
    opp = orow(cluster_id=5)
    in_cluster = srow(is_cte_concentrator=True, cte_cluster_id=5)
    other_cluster = srow(is_cte_concentrator=True, cte_cluster_id=7)
    assert key(in_cluster, opp, ["cte_concentrator"], lottery=900) < key(
        other_cluster, opp, ["cte_concentrator"], lottery=1
    )
    assert adapter.criterion_value(
        "cte_concentrator", other_cluster, opp, None
    ) == adapter.criterion_value("cte_concentrator", srow(), opp, None)


def test_interview_rank_orders_by_the_partners_rank_and_puts_unranked_last():
    s, o = srow(), orow()
    first = key(s, o, ["interview_rank"], lottery=900, interview=1)
    third = key(s, o, ["interview_rank"], lottery=1, interview=3)
    unranked = key(s, o, ["interview_rank"], lottery=1, interview=None)
    assert first < third < unranked


def test_criteria_apply_in_the_order_the_coordinator_chose():
    opp = orow(cluster_id=5)
    junior_cte = srow(grade=11, is_cte_concentrator=True, cte_cluster_id=5)
    senior = srow(grade=12)
    assert key(senior, opp, ["grade", "cte_concentrator"]) < key(
        junior_cte, opp, ["grade", "cte_concentrator"]
    )
    assert key(junior_cte, opp, ["cte_concentrator", "grade"]) < key(
        senior, opp, ["cte_concentrator", "grade"]
    )


def test_lottery_breaks_ties_last():
    s = srow(grade=12)
    assert key(s, orow(), ["grade"], lottery=3) < key(s, orow(), ["grade"], lottery=4)


def test_keys_decode_back_to_their_criteria():
    criteria = ["cte_concentrator", "grade", "interview_rank"]
    k = adapter.compose_key([1, 2, 7], criteria, 12345)
    assert adapter.decode_key(k, criteria) == {
        "cte_concentrator": 1,
        "grade": 2,
        "interview_rank": 7,
        "lottery": 12345,
    }


# --- lottery ---------------------------------------------------------------------------------


def test_lottery_is_a_permutation_and_the_same_for_the_same_seed():
    ids = list(range(100, 400))
    a = adapter.lottery_numbers(ids, 7)
    assert sorted(a.values()) == list(range(1, 301))
    assert adapter.lottery_numbers(list(reversed(ids)), 7) == a
    assert adapter.lottery_numbers(ids, 8) != a


def test_adding_a_student_keeps_everyone_elses_relative_order():
    ids = list(range(1, 200))
    before = adapter.lottery_numbers(ids, 99)
    after = adapter.lottery_numbers([*ids, 5000], 99)
    assert sorted(ids, key=before.get) == sorted(ids, key=after.get)


# --- the problem for a round -----------------------------------------------------------------


@pytest.fixture
def world(personas):
    p = personas
    busy = f.OpportunityFactory(partner=p.partner_p, title="Busy clinic", seats=3)
    f.PlacementFactory(
        opportunity=busy, status=Placement.Status.CONFIRMED
    )  # one seat already taken
    f.PlacementFactory(
        opportunity=busy,
        status=Placement.Status.WITHDRAWN,
        withdrawal_initiator="student",
        withdrawal_reason="other",
    )  # a withdrawn one frees its seat
    senior_only = f.OpportunityFactory(partner=p.partner_q, title="Senior seminar", min_grade=12)
    junior = f.StudentFactory(school=p.school_a, grade=11)
    senior = f.StudentFactory(school=p.school_b, grade=12)
    r = make_round(
        p.district,
        opportunities=[busy, senior_only],
        students=[junior, senior],
        priority_rules=["interview_rank", "grade", "lottery"],
    )
    rank(r, junior, senior_only, busy)
    rank(r, senior, busy)
    f.ApplicationFactory(student=senior, opportunity=busy, interview_rank=2)
    return p, r, busy, senior_only, junior, senior


def test_build_problem_counts_only_seats_left(world):
    _, r, busy, senior_only, *_ = world
    problem = adapter.build_problem(r)
    assert problem.capacity[busy.pk] == 2
    assert problem.capacity[senior_only.pk] == 2


def test_build_problem_drops_ineligible_choices_with_their_rule(world):
    _, r, busy, senior_only, junior, senior = world
    problem = adapter.build_problem(r)
    assert [c for c, _ in problem.ineligible[junior.pk, senior_only.pk]] == ["grade"]
    assert (junior.pk, senior_only.pk) not in problem.priority
    assert problem.choices[junior.pk] == [senior_only.pk, busy.pk]


def test_build_problem_uses_interview_ranks_when_the_round_does(world):
    _, r, busy, _, junior, senior = world
    problem = adapter.build_problem(r)
    theirs = adapter.decode_key(problem.priority[senior.pk, busy.pk], problem.criteria)
    mine = adapter.decode_key(problem.priority[junior.pk, busy.pk], problem.criteria)
    assert theirs["interview_rank"] == 2 and mine["interview_rank"] == adapter.NOT_INTERVIEWED
    assert problem.priority[senior.pk, busy.pk] < problem.priority[junior.pk, busy.pk]


def test_fingerprint_changes_when_a_list_changes(world):
    _, r, busy, _, junior, _ = world
    before = adapter.current_fingerprint(r)
    assert before == adapter.build_problem(r).fingerprint
    rank(r, junior, busy)
    assert adapter.current_fingerprint(r) != before


# --- plain words -----------------------------------------------------------------------------


CRITERIA = ["grade"]


def entry(reason, cutoff=None, priority=None, seats=4, rules=()):
    return {
        "reason": reason,
        "cutoff": cutoff,
        "priority": priority,
        "seats": seats,
        "rules": [list(r) for r in rules],
    }


def test_full_by_grade_names_both_grades():
    cut = adapter.compose_key([0], CRITERIA, 50)  # grade 12
    mine = adapter.compose_key([1], CRITERIA, 3)  # grade 11
    text = adapter.describe_why_not(entry("full", cut, mine), CRITERIA)
    assert text.startswith("All 4 seats went to students with higher priority")
    assert "grade 12" in text and "you are in grade 11" in text


def test_full_by_lottery_names_both_numbers():
    cut = adapter.compose_key([0], CRITERIA, 50)
    mine = adapter.compose_key([0], CRITERIA, 80)
    text = adapter.describe_why_not(entry("full", cut, mine, seats=1), CRITERIA)
    assert text.startswith("The only seat went")
    assert "lottery" in text and "(50, yours was 80)" in text


def test_full_by_cte_and_interview_rank_say_so():
    crit = ["cte_concentrator", "interview_rank"]
    cte = adapter.describe_why_not(
        entry("full", adapter.compose_key([0, 5], crit, 1), adapter.compose_key([1, 1], crit, 1)),
        crit,
        cluster_name="Health Science",
    )
    assert "CTE concentrators in Health Science" in cte
    interview = adapter.describe_why_not(
        entry(
            "full",
            adapter.compose_key([1, 2], crit, 1),
            adapter.compose_key([1, adapter.NOT_INTERVIEWED], crit, 1),
        ),
        crit,
    )
    assert "ranked the last student admitted 2 and did not rank you" in interview


def test_ineligible_and_other_reasons_read_plainly():
    assert (
        adapter.describe_why_not(
            entry("ineligible", rules=[("grade", "Open to grade 12 and up.")]), CRITERIA
        )
        == "Open to grade 12 and up."
    )
    assert "places as many students as possible" in adapter.describe_why_not(
        entry("reallocated", 9, 3), CRITERIA
    )
    assert (
        adapter.describe_why_not(entry("full", None, 3, seats=0), CRITERIA)
        == "It had no seats left in this round."
    )


def test_under_the_federal_minimum_working_age_is_ineligible_whatever_the_opportunity_allows():
    rules = adapter.ineligibility(srow(birth_date=dt.date(2013, 6, 1), grade=9), orow(min_age=12))
    assert [c for c, _ in rules] == ["age"]
    assert "Federal law" in rules[0][1] and "age 14" in rules[0][1]


def test_build_problem_is_the_rows_problem_of_what_it_reads(world):
    _, r, *_ = world
    read = adapter.build_problem(r)
    again = adapter.problem_from_rows(
        r,
        read.students,
        read.opportunities,
        read.capacity,
        read.choices,
        {(s, o): 2 for s, o in [(world[5].pk, world[2].pk)]},
    )
    assert again.priority == read.priority
    assert again.ineligible == read.ineligible
    assert again.lottery == read.lottery and again.fingerprint == read.fingerprint


def test_a_problem_from_plain_rows_needs_no_database():
    from trellis.placements.models import MatchRound

    r = MatchRound(lottery_seed=7, priority_rules=["grade", "lottery"])
    students = [srow(id=1, grade=12), srow(id=2, grade=10)]
    problem = adapter.problem_from_rows(
        r, students, [orow(id=10, min_grade=11)], {10: 1}, {1: [10], 2: [10]}
    )
    assert (1, 10) in problem.priority
    assert [c for c, _ in problem.ineligible[2, 10]] == ["grade"]
    solved = adapter.solve_problem(problem, "stable")
    assert solved["assignment"] == {"1": 10, "2": None}
