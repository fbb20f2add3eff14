"""Builders shared by the match round tests (plain rows for the pure rules, rounds for the rest)."""

import datetime as dt

from django.utils import timezone

from tests import factories as f
from trellis.placements.models import MatchRound, RoundRanking

START = dt.date(2027, 1, 22)


def srow(**overrides) -> dict:
    """A student row as `.values(*STUDENT_FIELDS)` gives it: grade 12, 17 on the start date."""
    row = {
        "id": 1,
        "school_id": 1,
        "school__name": "Alder High",
        "grade": 12,
        "birth_date": dt.date(2009, 3, 14),
        "availability": 0b0011111,
        "transportation": "family",
        "max_travel_miles": 10,
        "home_latitude": 38.80,
        "home_longitude": -77.10,
        "is_cte_concentrator": False,
        "cte_cluster_id": None,
    }
    row.update(overrides)
    return row


def orow(**overrides) -> dict:
    """An opportunity row as `.values(*OPPORTUNITY_FIELDS)` gives it: Fridays, grade 9+, age 14+."""
    row = {
        "id": 10,
        "title": "Helpdesk intern",
        "status": "published",
        "seats": 2,
        "min_grade": 9,
        "min_age": 14,
        "is_hazardous": False,
        "hazardous_orders": "",
        "weekdays": 0b10000,
        "start_date": START,
        "kind": "internship",
        "cluster_id": 5,
        "cluster__name": "Digital Technology",
        "partner_id": 1,
        "worksite__is_virtual": None,
        "worksite__latitude": None,
        "worksite__longitude": None,
    }
    row.update(overrides)
    return row


def make_round(
    district, *, opportunities, students, school=None, open_now=True, **fields
) -> MatchRound:
    now = timezone.now()
    defaults = {
        "name": "Spring internships",
        "status": MatchRound.Status.RANKING,
        "ranking_opens_at": now - dt.timedelta(days=1) if open_now else now - dt.timedelta(days=8),
        "ranking_closes_at": now + dt.timedelta(days=6) if open_now else now - dt.timedelta(days=1),
        "priority_rules": ["grade", "lottery"],
        "lottery_seed": 42,
    }
    defaults.update(fields)
    match_round = MatchRound.objects.create(district=district, school=school, **defaults)
    match_round.opportunities.set(opportunities)
    match_round.eligible_students.set(students)
    return match_round


def rank(match_round, student, *opportunities):
    RoundRanking.objects.filter(match_round=match_round, student=student).delete()
    for n, opp in enumerate(opportunities, start=1):
        RoundRanking.objects.create(
            match_round=match_round, student=student, opportunity=opp, rank=n
        )


def student(school, **kw):
    return f.StudentFactory(school=school, **kw)


def opportunity(partner, **kw):
    return f.OpportunityFactory(partner=partner, **kw)
