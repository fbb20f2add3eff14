"""The gap analysis against figures worked out by hand for the gap world (conftest.py).

Digital technology: s1 (Fri), s2 (Mon–Fri), s3 (Tue/Thu) want it first → demand 3.
Published seats: o1 Fri ×1, o2 Mon ×2, o6 Tue ×1 but grade 12+ → 4 seats, 3 of which fit
someone. Best assignment: s1 → o1, s2 → o2; s3 fits nothing → served 2, unmet 1.
o4 (draft, 2 seats) is pending; o8 is closed and ignored.

Healthcare: s4 (rank 1, grade 9) → 1, s1 (rank 2) → ½; o3 Fri ×3 needs grade 10 → only s1's ½
is served; unmet 1. Education: s3 (rank 3) → ⅓, no seat this term (o5 is in the fall) → unmet ⅓.
Agriculture: s7 (1) + s2 (½) → 1½ unmet; no department hosts it → 2 seats from outside.
Financial services: s8–s10 → 3; o7 (HR department, Fri ×1) serves 1 → unmet 2; the payroll
role adds at most 2 in-district seats, 1 already used by o7 → 1 more, 1 from outside.
"""

from fractions import Fraction

import pytest

from trellis.insights import gaps
from trellis.insights.scope import get_insights_scope
from trellis.opportunities.models import CareerCluster, Opportunity


def analyse(world, user=None, **filters):
    scope = get_insights_scope(user or world.coordinator)
    clusters = list(CareerCluster.objects.all())
    return gaps.analyse_gaps(scope, clusters, term=world.term, **filters)


def row(analysis, slug):
    return next(r for r in analysis.rows if r.cluster.slug == slug)


def test_rank_weights_are_one_over_the_rank():
    assert [gaps.rank_weight(r) for r in (1, 2, 3)] == [1, Fraction(1, 2), Fraction(1, 3)]


def test_digital_technology_gap_counts_only_seats_that_fit_days_and_grades(gap_world):
    dt = row(analyse(gap_world), "digital-technology")
    assert (dt.students, dt.first_choice, dt.demand) == (3, 3, 3)
    assert (dt.seats, dt.fitting_seats, dt.served, dt.unmet) == (4, 3, 2, 1)
    assert dt.spare_seats == 2
    assert dt.pending_seats == 2
    # The 2 pending seats cover the 1 unmet: nothing more to grow or prospect.
    assert dt.unmet_seats == 0
    assert dt.outside_seats_needed == 0
    assert [(s.role.key, s.seats) for s in dt.suggestions] == [
        ("it-helpdesk", 0),
        ("it-device-repair", 0),
        ("it-network", 0),
    ]


def test_healthcare_second_choice_weighs_half_and_grade_minimum_blocks_ninth_grader(gap_world):
    hc = row(analyse(gap_world), "healthcare-human-services")
    assert (hc.students, hc.first_choice) == (2, 1)
    assert hc.demand == Fraction(3, 2)
    assert (hc.seats, hc.fitting_seats, hc.served) == (3, 3, Fraction(1, 2))
    assert hc.unmet == 1
    # Athletic training and the nurse's office are per-school roles: 2 schools.
    assert hc.in_district_capacity == 2 * 2 + 1 * 2
    assert [(s.role.key, s.seats) for s in hc.suggestions] == [
        ("athletics-training", 1),
        ("health-nurse-assistant", 0),
    ]
    assert hc.outside_seats_needed == 0


def test_seats_in_another_term_do_not_count(gap_world):
    ed = row(analyse(gap_world), "education")
    assert ed.demand == Fraction(1, 3)
    assert (ed.seats, ed.served, ed.unmet) == (0, 0, Fraction(1, 3))
    assert ed.suggestions[0].role.key == "classroom-teaching-assistant"
    assert ed.suggestions[0].seats == 1


def test_cluster_no_department_hosts_goes_to_the_prospecting_list(gap_world):
    analysis = analyse(gap_world)
    ag = row(analysis, "agriculture")
    assert ag.demand == Fraction(3, 2)
    assert ag.in_district_capacity == 0
    assert ag.outside_seats_needed == 2
    fin = row(analysis, "financial-services")
    assert (fin.demand, fin.served, fin.unmet) == (3, 1, 2)
    assert (
        fin.in_district_seats,
        fin.in_district_capacity,
        fin.remaining_in_district_capacity,
    ) == (1, 2, 1)
    assert [(s.role.key, s.seats) for s in fin.suggestions] == [("business-payroll", 1)]
    assert fin.outside_seats_needed == 1
    assert [(r.cluster.slug, r.outside_seats_needed) for r in analysis.prospecting] == [
        ("agriculture", 2),
        ("financial-services", 1),
    ]


def test_totals_add_up_over_clusters(gap_world):
    totals = analyse(gap_world).totals
    assert totals.demand == 3 + Fraction(3, 2) + Fraction(1, 3) + Fraction(3, 2) + 3
    assert totals.seats == 4 + 3 + 1
    assert totals.served == 2 + Fraction(1, 2) + 1


def test_school_filter_narrows_demand_but_not_the_shared_seats(gap_world):
    dt = row(analyse(gap_world, school=gap_world.school_a), "digital-technology")
    assert (dt.students, dt.demand, dt.seats, dt.served, dt.unmet) == (2, 2, 4, 2, 0)


def test_grade_filter(gap_world):
    analysis = analyse(gap_world, grade=9)
    hc = row(analysis, "healthcare-human-services")
    assert (hc.demand, hc.served, hc.unmet) == (1, 0, 1)
    assert row(analysis, "digital-technology").demand == 0


def test_school_coordinator_sees_only_their_schools_demand(gap_world):
    analysis = analyse(gap_world, user=gap_world.coordinator_a)
    assert row(analysis, "digital-technology").demand == 2
    assert row(analysis, "healthcare-human-services").demand == Fraction(1, 2)
    assert row(analysis, "agriculture").demand == Fraction(1, 2)


def test_publishing_a_draft_turns_pending_seats_into_supply(gap_world):
    gap_world.opportunities["o4"].status = Opportunity.Status.PUBLISHED
    gap_world.opportunities["o4"].save()
    dt = row(analyse(gap_world), "digital-technology")
    # Friday seats now 3: s1 → Fri, s2 → Mon or Fri; s3 still fits nothing.
    assert (dt.seats, dt.served, dt.unmet, dt.pending_seats) == (6, 2, 1, 0)


def test_analysis_runs_in_a_fixed_number_of_queries(gap_world, django_assert_max_num_queries):
    scope = get_insights_scope(gap_world.coordinator)
    clusters = list(CareerCluster.objects.all())
    with django_assert_max_num_queries(2):
        gaps.analyse_gaps(scope, clusters, term=gap_world.term)


def test_subclusters_split_the_cluster_figures(gap_world):
    from tests import factories as f

    s1 = gap_world.students["s1"]
    interest = s1.interests.get(cluster__slug="digital-technology")
    interest.subcluster = f.subcluster("digital-technology", "it-support-services")
    interest.save()
    o1 = gap_world.opportunities["o1"]
    o1.subcluster = interest.subcluster
    o1.save()
    scope = get_insights_scope(gap_world.coordinator)
    gap, rows = gaps.analyse_cluster(scope, f.cluster("digital-technology"), term=gap_world.term)
    whole = row(analyse(gap_world), "digital-technology")
    assert (gap.demand, gap.seats, gap.served, gap.pending_seats) == (
        whole.demand,
        whole.seats,
        whole.served,
        2,
    )
    assert [s.role.key for s in gap.suggestions] == [s.role.key for s in whole.suggestions]
    it = next(r for r in rows if r.key == interest.subcluster_id)
    assert (it.students, it.demand, it.seats, it.served) == (1, 1, 1, 1)
    general = next(r for r in rows if r.key is None)
    assert (general.demand, general.seats, general.served) == (2, 3, 1)


def test_unmet_interests_exclude_the_placed_and_say_whether_a_seat_fits(demand_signals):
    from tests import factories as f

    scope = get_insights_scope(demand_signals.coordinator)
    rows = list(
        gaps.unmet_interests(scope, f.cluster("digital-technology"), term=demand_signals.term)
    )
    assert [r.student.last_name for r in rows] == ["Student1", "Student3"]
    assert [r.has_fitting_seat for r in rows] == [True, False]
    assert [r.rank for r in rows] == [1, 1]


def test_unmet_interests_respect_school_scope(demand_signals):
    from tests import factories as f

    scope = get_insights_scope(demand_signals.coordinator_a)
    rows = list(
        gaps.unmet_interests(scope, f.cluster("digital-technology"), term=demand_signals.term)
    )
    assert [r.student.last_name for r in rows] == ["Student1"]


def test_oversubscribed_counts_applications_and_rankings_once_per_student(demand_signals):
    from tests import factories as f

    scope = get_insights_scope(demand_signals.coordinator)
    rows = gaps.oversubscribed_opportunities(
        scope, f.cluster("digital-technology"), term=demand_signals.term
    )
    assert [
        (
            o.title,
            o.applications_count,
            o.rankings_count,
            o.first_choice_count,
            o.requests,
            o.excess,
        )
        for o in rows
    ] == [("Opportunity o1", 2, 1, 1, 3, 2)]
    assert str(rows[0].per_seat) == "3.0"


def test_resolve_term_prefers_the_asked_then_current_then_next(gap_world):
    import datetime as dt

    terms = [gap_world.other_term, gap_world.term]
    assert gaps.resolve_term(terms, gap_world.term.pk) == gap_world.term
    assert gaps.resolve_term(terms, None, today=dt.date(2026, 10, 1)) == gap_world.other_term
    assert gaps.resolve_term(terms, None, today=dt.date(2027, 1, 17)) == gap_world.term
    assert gaps.resolve_term(terms, "nonsense", today=dt.date(2030, 1, 1)) == gap_world.term
    assert gaps.resolve_term([], None) is None


@pytest.mark.parametrize("rank", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
def test_weight_units_are_exact_for_ranks_up_to_twelve(rank):
    assert gaps.WEIGHT_UNITS % rank == 0
