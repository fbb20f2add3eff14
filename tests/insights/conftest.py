"""Small worlds whose gap and report figures were worked out by hand (see each docstring)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from tests import factories as f
from tests import worlds
from trellis.accounts.models import Role
from trellis.districts.models import Term
from trellis.hours.models import HourLog, ProgramBudget
from trellis.opportunities.models import Opportunity, OpportunityKind
from trellis.partners.models import Department, PartnerKind
from trellis.placements.models import (
    Application,
    Evaluation,
    MatchRound,
    Outcome,
    Placement,
    Reflection,
    RoundRanking,
    RubricCriterion,
)

FRI, MON, TUE, THU, WEEK = 16, 1, 2, 8, 31


def staff(role, district, *, school=None, username):
    user = f.UserFactory(username=username)
    f.MembershipFactory(user=user, district=district, role=role, school=school)
    return user


@dataclass
class GapWorld:
    district: object
    school_a: object
    school_b: object
    term: object
    other_term: object
    coordinator: object
    coordinator_a: object
    counselor: object
    students: dict
    opportunities: dict
    department_hr: object


def build_gap_world():
    """Students, interests and seats for the spring term; expected figures in test_gaps.py.

    | student | school | grade | grad | days      | interests (rank)           |
    | s1      | A      | 11    | 2028 | Fri       | digital 1, healthcare 2    |
    | s2      | A      | 11    | 2028 | Mon–Fri   | digital 1, agriculture 2   |
    | s3      | B      | 11    | 2028 | Tue, Thu  | digital 1, education 3     |
    | s4      | B      | 9     | 2030 | Fri       | healthcare 1               |
    | s5      | A      | 11    | 2028 | inactive  | digital 1                  |
    | s6      | A      | 12    | 2026 | graduated | digital 1                  |
    | s7      | B      | 12    | 2027 | Mon–Fri   | agriculture 1              |
    | s8–s10  | A      | 12    | 2027 | Mon–Fri   | financial 1                |
    """
    district = f.DistrictFactory(name="Gap Valley", slug="gap-valley")
    school_a = f.SchoolFactory(district=district, name="Aspen High", slug="aspen")
    school_b = f.SchoolFactory(district=district, name="Beech High", slug="beech")
    year = f.SchoolYearFactory(district=district)
    term = f.TermFactory(school_year=year)
    other_term = f.TermFactory(
        school_year=year,
        name="Fall",
        kind=Term.Kind.FALL,
        start_date=dt.date(2026, 8, 24),
        end_date=dt.date(2027, 1, 15),
    )

    def student(key, school, grade, grad, days, interests, **extra):
        s = f.StudentFactory(
            school=school,
            grade=grade,
            graduation_year=grad,
            availability=days,
            last_name=f"Student{key}",
            **extra,
        )
        for slug, rank in interests:
            f.StudentInterestFactory(student=s, cluster=f.cluster(slug), rank=rank)
        return s

    students = {
        "s1": student(
            1,
            school_a,
            11,
            2028,
            FRI,
            [("digital-technology", 1), ("healthcare-human-services", 2)],
        ),
        "s2": student(2, school_a, 11, 2028, WEEK, [("digital-technology", 1), ("agriculture", 2)]),
        "s3": student(
            3, school_b, 11, 2028, TUE | THU, [("digital-technology", 1), ("education", 3)]
        ),
        "s4": student(4, school_b, 9, 2030, FRI, [("healthcare-human-services", 1)]),
        "s5": student(5, school_a, 11, 2028, WEEK, [("digital-technology", 1)], is_active=False),
        "s6": student(6, school_a, 12, 2026, WEEK, [("digital-technology", 1)]),
        "s7": student(7, school_b, 12, 2027, WEEK, [("agriculture", 1)]),
    }
    for n in (8, 9, 10):
        students[f"s{n}"] = student(n, school_a, 12, 2027, WEEK, [("financial-services", 1)])

    business = f.PartnerFactory(district=district, name="Birchwood Labs")
    department_hr = f.PartnerFactory(
        district=district,
        name="Gap Valley HR",
        kind=PartnerKind.DISTRICT_DEPARTMENT,
        department=Department.HUMAN_RESOURCES,
    )

    def opportunity(
        key, cluster, days, seats, min_grade=9, status=Opportunity.Status.PUBLISHED, **extra
    ):
        extra.setdefault("term", term)
        extra.setdefault("partner", business)
        return f.OpportunityFactory(
            title=f"Opportunity {key}",
            cluster=f.cluster(cluster),
            weekdays=days,
            seats=seats,
            min_grade=min_grade,
            status=status,
            **extra,
        )

    opportunities = {
        "o1": opportunity("o1", "digital-technology", FRI, 1),
        "o2": opportunity("o2", "digital-technology", MON, 2),
        "o3": opportunity("o3", "healthcare-human-services", FRI, 3, min_grade=10),
        "o4": opportunity("o4", "digital-technology", FRI, 2, status=Opportunity.Status.DRAFT),
        "o5": opportunity(
            "o5",
            "education",
            FRI,
            5,
            term=other_term,
            start_date=dt.date(2026, 9, 1),
            end_date=dt.date(2026, 12, 18),
        ),
        "o6": opportunity(
            "o6",
            "digital-technology",
            TUE,
            1,
            min_grade=12,
            term=None,
            start_date=dt.date(2027, 2, 1),
            end_date=dt.date(2027, 5, 1),
        ),
        "o7": opportunity("o7", "financial-services", FRI, 1, partner=department_hr),
        "o8": opportunity("o8", "digital-technology", FRI, 3, status=Opportunity.Status.CLOSED),
    }
    return GapWorld(
        district=district,
        school_a=school_a,
        school_b=school_b,
        term=term,
        other_term=other_term,
        coordinator=staff(Role.COORDINATOR, district, username="gap_coordinator"),
        coordinator_a=staff(
            Role.COORDINATOR, district, school=school_a, username="gap_coordinator_a"
        ),
        counselor=staff(Role.COUNSELOR, district, username="gap_counselor"),
        students=students,
        opportunities=opportunities,
        department_hr=department_hr,
    )


shared_gap_world = worlds.module_world("shared_gap_world", build_gap_world)


@pytest.fixture
def gap_world(request, shared_gap_world, db):
    """The gap world, built once for the module; what a test changes is rolled back."""
    return shared_gap_world.for_test(request)


@pytest.fixture
def demand_signals(gap_world):
    """Applications, a match round and a placement on top of the gap world.

    o1 (1 seat): s1 and s3 applied (s2's application was declined); in a round s1 (who also
    applied) and s4 ranked it → requests 3, excess 2. o2 (2 seats): s2 accepted → not over.
    s2 holds an active placement at o2.
    """
    w = gap_world
    s, o = w.students, w.opportunities
    f.ApplicationFactory(student=s["s1"], opportunity=o["o1"])
    f.ApplicationFactory(student=s["s3"], opportunity=o["o1"])
    f.ApplicationFactory(student=s["s2"], opportunity=o["o1"], status=Application.Status.DECLINED)
    f.ApplicationFactory(student=s["s2"], opportunity=o["o2"], status=Application.Status.ACCEPTED)
    round_ = MatchRound.objects.create(
        district=w.district, name="Spring round", term=w.term, status="ranking"
    )
    RoundRanking.objects.create(match_round=round_, student=s["s1"], opportunity=o["o1"], rank=1)
    RoundRanking.objects.create(match_round=round_, student=s["s4"], opportunity=o["o1"], rank=2)
    f.PlacementFactory(student=s["s2"], opportunity=o["o2"], status=Placement.Status.ACTIVE)
    return w


@dataclass
class ReportWorld:
    district: object
    school_a: object
    school_b: object
    years: list
    coordinator: object
    coordinator_a: object
    students: dict
    placements: dict
    partners: dict


def build_report_world():
    """Two years of program history; the figures each report must show are in test_reports.py.

    School years 2024–25, 2025–26, 2026–27. Placements (start date, status):
      pA1 x1 O1 (internship, digital, P1 business)      2024-10-01 completed
      pA2 x2 O2 (job shadow, healthcare, P2 business)    2025-03-01 withdrawn after starting (schedule, student)
      pA3 x3 S  (summer 2025 internship, digital, Dept, $8.50)  2025-06-20 completed
      pA4 x4 O1                                           2024-11-01 proposed (not participation)
      pB1 x1 O1                                           2025-09-15 completed
      pB2 x5 O3 (internship, education, P3 business)     2026-02-01 active
      pB3 x6 S2 (summer 2026 internship, digital, Dept, $8.50) 2026-06-22 completed
      pB4 x2 O2                                           2025-10-01 withdrawn before starting (transportation, school)
    Students (school, graduation year, demographics):
      x1 A 2026 Hispanic female, CTE concentrator   x2 B 2027 White male, no transportation
      x3 A 2025 Asian female, concentrator          x4 A 2027 White female
      x5 B 2026 Black male, concentrator            x6 A 2027 Hispanic non-binary
      x7 B 2026 White female, concentrator (no placements)
    """
    district = f.DistrictFactory(name="Report Falls", slug="report-falls")
    school_a = f.SchoolFactory(district=district, name="Alpine High", slug="alpine")
    school_b = f.SchoolFactory(district=district, name="Bayside High", slug="bayside")
    y1 = f.SchoolYearFactory(
        district=district,
        name="2024–25",
        start_date=dt.date(2024, 8, 26),
        end_date=dt.date(2025, 6, 13),
    )
    y2 = f.SchoolYearFactory(
        district=district,
        name="2025–26",
        start_date=dt.date(2025, 8, 25),
        end_date=dt.date(2026, 6, 12),
    )
    y3 = f.SchoolYearFactory(
        district=district,
        name="2026–27",
        start_date=dt.date(2026, 8, 24),
        end_date=dt.date(2027, 6, 11),
    )
    summer1 = f.TermFactory(
        school_year=y1,
        name="Summer",
        kind=Term.Kind.SUMMER,
        start_date=dt.date(2025, 6, 16),
        end_date=dt.date(2025, 8, 8),
    )
    summer2 = f.TermFactory(
        school_year=y2,
        name="Summer",
        kind=Term.Kind.SUMMER,
        start_date=dt.date(2026, 6, 15),
        end_date=dt.date(2026, 8, 7),
    )

    def student(key, school, grad, race, gender, **extra):
        return f.StudentFactory(
            school=school,
            graduation_year=grad,
            grade=12,
            race_ethnicity=race,
            gender=gender,
            last_name=f"Learner{key}",
            **extra,
        )

    x = {
        "x1": student(
            1,
            school_a,
            2026,
            "hispanic",
            "female",
            is_cte_concentrator=True,
            cte_cluster=f.cluster("digital-technology"),
        ),
        "x2": student(2, school_b, 2027, "white", "male", transportation="none"),
        "x3": student(
            3, school_a, 2025, "asian", "female", is_cte_concentrator=True, is_active=False
        ),
        "x4": student(4, school_a, 2027, "white", "female"),
        "x5": student(
            5,
            school_b,
            2026,
            "black",
            "male",
            is_cte_concentrator=True,
            cte_cluster=f.cluster("education"),
        ),
        "x6": student(6, school_a, 2027, "hispanic", "nonbinary"),
        "x7": student(
            7,
            school_b,
            2026,
            "white",
            "female",
            is_cte_concentrator=True,
            cte_cluster=f.cluster("digital-technology"),
        ),
    }
    p1 = f.PartnerFactory(district=district, name="P1 Software")
    p2 = f.PartnerFactory(district=district, name="P2 Clinic")
    p3 = f.PartnerFactory(district=district, name="P3 Preschool")
    dept = f.PartnerFactory(
        district=district,
        name="Report Falls IT",
        kind=PartnerKind.DISTRICT_DEPARTMENT,
        department=Department.IT,
    )

    def opp(title, partner, kind, cluster, start, end, **extra):
        return f.OpportunityFactory(
            title=title,
            partner=partner,
            kind=kind,
            cluster=f.cluster(cluster),
            start_date=start,
            end_date=end,
            **extra,
        )

    o1 = opp(
        "O1",
        p1,
        OpportunityKind.INTERNSHIP,
        "digital-technology",
        dt.date(2024, 9, 1),
        dt.date(2026, 6, 1),
    )
    o2 = opp(
        "O2",
        p2,
        OpportunityKind.JOB_SHADOW,
        "healthcare-human-services",
        dt.date(2024, 9, 1),
        dt.date(2026, 6, 1),
    )
    o3 = opp(
        "O3",
        p3,
        OpportunityKind.INTERNSHIP,
        "education",
        dt.date(2025, 9, 1),
        dt.date(2026, 6, 1),
        target_hours=Decimal("60"),
    )
    s1 = opp(
        "S",
        dept,
        OpportunityKind.INTERNSHIP,
        "digital-technology",
        dt.date(2025, 6, 16),
        dt.date(2025, 8, 8),
        term=summer1,
        is_paid=True,
        hourly_rate=Decimal("8.50"),
        target_hours=Decimal("100"),
    )
    s2 = opp(
        "S2",
        dept,
        OpportunityKind.INTERNSHIP,
        "digital-technology",
        dt.date(2026, 6, 15),
        dt.date(2026, 8, 7),
        term=summer2,
        is_paid=True,
        hourly_rate=Decimal("8.50"),
    )

    def placement(student_key, opportunity, start, status, **extra):
        return f.PlacementFactory(
            student=x[student_key],
            opportunity=opportunity,
            start_date=start,
            end_date=start + dt.timedelta(days=30),
            status=status,
            **extra,
        )

    p = {
        "pA1": placement("x1", o1, dt.date(2024, 10, 1), Placement.Status.COMPLETED),
        "pA2": placement(
            "x2",
            o2,
            dt.date(2025, 3, 1),
            Placement.Status.WITHDRAWN,
            activated_at=dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC),
            withdrawal_reason="schedule",
            withdrawal_initiator="student",
        ),
        "pA3": placement("x3", s1, dt.date(2025, 6, 20), Placement.Status.COMPLETED),
        "pA4": placement("x4", o1, dt.date(2024, 11, 1), Placement.Status.PROPOSED),
        "pB1": placement("x1", o1, dt.date(2025, 9, 15), Placement.Status.COMPLETED),
        "pB2": placement("x5", o3, dt.date(2026, 2, 1), Placement.Status.ACTIVE),
        "pB3": placement("x6", s2, dt.date(2026, 6, 22), Placement.Status.COMPLETED),
        "pB4": placement(
            "x2",
            o2,
            dt.date(2025, 10, 1),
            Placement.Status.WITHDRAWN,
            withdrawal_reason="transportation",
            withdrawal_initiator="school",
        ),
    }

    def hours(key, day, amount, status=HourLog.Status.APPROVED):
        f.HourLogFactory(
            placement=p[key],
            date=day,
            hours=Decimal(amount),
            status=status,
            start_time=dt.time(8, 0),
            end_time=dt.time(17, 0),
        )

    hours("pA1", dt.date(2024, 10, 2), "4")
    hours("pA1", dt.date(2024, 10, 9), "3", status=HourLog.Status.SUBMITTED)
    hours("pA3", dt.date(2025, 6, 23), "6")
    hours("pA3", dt.date(2025, 6, 24), "6.5")
    hours("pB1", dt.date(2025, 9, 16), "5")
    hours("pB3", dt.date(2026, 6, 23), "8")

    b1 = ProgramBudget.objects.create(
        district=district, school_year=y1, name="Summer internship", amount=Decimal("1000")
    )
    b1.opportunities.add(s1)
    b2 = ProgramBudget.objects.create(
        district=district, school_year=y2, name="Summer internship", amount=Decimal("500")
    )
    b2.opportunities.add(s2)

    RubricCriterion.objects.create(
        district=district, key="attendance", label="Attendance", sort_order=1
    )
    RubricCriterion.objects.create(
        district=district, key="communication", label="Communication", sort_order=2
    )
    f.EvaluationFactory(
        placement=p["pA1"],
        kind=Evaluation.Kind.MIDPOINT,
        scores={"attendance": 4, "communication": 3},
    )
    f.EvaluationFactory(
        placement=p["pA1"],
        kind=Evaluation.Kind.FINAL,
        scores={"attendance": 4, "communication": 4},
        would_host_again=True,
    )
    f.EvaluationFactory(
        placement=p["pA2"],
        kind=Evaluation.Kind.MIDPOINT,
        scores={"attendance": 2, "communication": 3},
    )

    now = dt.datetime(2025, 7, 1, 12, tzinfo=dt.UTC)
    Reflection.objects.create(placement=p["pA1"], career_fit="for_me", text="Yes", created_at=now)
    Reflection.objects.create(placement=p["pA3"], career_fit="unsure", text="Hmm", created_at=now)
    Reflection.objects.create(
        placement=p["pA3"],
        career_fit="not_for_me",
        text="No",
        created_at=now + dt.timedelta(days=9),
    )
    Reflection.objects.create(
        placement=p["pB1"],
        career_fit="for_me",
        text="Still yes",
        created_at=now + dt.timedelta(days=90),
    )

    Outcome.objects.create(
        student=x["x1"],
        placement=p["pA1"],
        partner=p1,
        kind=Outcome.Kind.HIRED,
        date=dt.date(2025, 7, 1),
    )
    Outcome.objects.create(
        student=x["x3"],
        placement=p["pA3"],
        partner=dept,
        kind=Outcome.Kind.JOB_OFFER,
        date=dt.date(2025, 8, 1),
    )

    return ReportWorld(
        district=district,
        school_a=school_a,
        school_b=school_b,
        years=[y1, y2, y3],
        coordinator=staff(Role.COORDINATOR, district, username="report_coordinator"),
        coordinator_a=staff(
            Role.COORDINATOR, district, school=school_a, username="report_coordinator_a"
        ),
        students=x,
        placements=p,
        partners={"p1": p1, "p2": p2, "p3": p3, "dept": dept},
    )


shared_report_world = worlds.module_world("shared_report_world", build_report_world)


@pytest.fixture
def report_world(request, shared_report_world, db):
    """The report world, built once for the module; what a test changes is rolled back."""
    return shared_report_world.for_test(request)
