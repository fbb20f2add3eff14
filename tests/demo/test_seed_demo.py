"""`manage.py seed_demo`: the Maple Valley demo district, through call_command at a small size."""

import datetime as dt
import hashlib
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, Sum
from django.test import RequestFactory

from tests import worlds
from trellis.accounts.models import Membership, Role, User
from trellis.districts.models import CalendarDay, District, School, SchoolYear
from trellis.hours.models import ApprovedHoursByYear, HourLog, ProgramBudget, Session
from trellis.opportunities.models import Opportunity
from trellis.partners.models import Department, Mentor, Partner, PartnerKind
from trellis.placements.models import (
    Agreement,
    Application,
    Concern,
    Evaluation,
    MatchRound,
    MatchRun,
    Outcome,
    Placement,
    Reflection,
    RubricCriterion,
    Signature,
)
from trellis.students.models import GuardianLink, Student, StudentInterest

pytestmark = pytest.mark.django_db

N = 150
SEED = 7
PASSWORD = "trellis-demo"
LOGINS = [
    "admin",
    "coordinator",
    "coordinator.alder",
    "counselor",
    "mentor",
    "dept.mentor",
    "partner",
    "student",
    "guardian",
]


def seed(**options) -> str:
    out = StringIO()
    call_command(
        "seed_demo",
        students=options.pop("students", N),
        seed=options.pop("seed", SEED),
        stdout=out,
        **options,
    )
    return out.getvalue()


def build_demo():
    output = seed()
    return District.objects.get(slug="maple-valley"), output


demo_world = worlds.module_world("demo_world", build_demo)


@pytest.fixture
def demo(request, demo_world, db):
    """The demo district seeded once for this module; what a test changes is rolled back."""
    return demo_world.for_test(request)


def snapshot():
    """What a seed decides, keyed by natural values (ids differ between runs)."""
    district = District.objects.get(slug="maple-valley")
    return {
        "counts": {
            "students": Student.objects.filter(district=district).count(),
            "opportunities": Opportunity.objects.filter(district=district).count(),
            "placements": Placement.objects.filter(district=district).count(),
            "hour_logs": HourLog.objects.filter(placement__district=district).count(),
            "applications": Application.objects.filter(student__district=district).count(),
            "users": User.objects.count(),
        },
        "students": list(
            Student.objects.filter(district=district)
            .order_by("student_number")
            .values_list("student_number", "first_name", "last_name", "grade", "birth_date")
        ),
        "partners": sorted(
            Partner.objects.filter(district=district).values_list("name", flat=True)
        ),
        "opportunities": sorted(
            Opportunity.objects.filter(district=district).values_list(
                "title", "partner__name", "start_date", "seats", "status"
            )
        ),
        "placements": sorted(
            Placement.objects.filter(district=district).values_list(
                "student__student_number", "opportunity__title", "status"
            )
        ),
        "agreements": sorted(
            (number, kind, tuple(signers))
            for number, kind, signers in Agreement.objects.filter(
                placement__district=district
            ).values_list("placement__student__student_number", "kind", "required_signers")
        ),
        "sessions": Session.objects.filter(placement__district=district).count(),
        "labour_flags": sorted(
            (number, day.isoformat(), str(flags))
            for number, day, flags in HourLog.objects.filter(placement__district=district)
            .exclude(labour_flags=[])
            .values_list("placement__student__student_number", "date", "labour_flags")
        ),
        "round_summaries": list(MatchRun.objects.values_list("summary", flat=True)),
    }


def test_builds_a_district_sized_by_the_student_count(demo):
    district, output = demo
    assert district.name == "Maple Valley Public Schools"
    assert Student.objects.filter(district=district, is_active=True).count() == N
    levels = Counter(School.objects.filter(district=district).values_list("level", flat=True))
    assert levels == {"high": 3, "middle": 1}
    outside = Partner.objects.filter(district=district).outside()
    assert outside.count() == 40
    assert set(outside.values_list("kind", flat=True)) == {"business", "nonprofit", "government"}
    departments = Partner.objects.filter(district=district).district_departments()
    assert sorted(departments.values_list("department", flat=True)) == sorted(Department.values)
    current = Opportunity.objects.filter(district=district, term__school_year__name="2026–27")
    assert current.count() == 120 + N // 100
    assert Counter(current.values_list("status", flat=True)).keys() >= {
        "published",
        "draft",
        "pending",
    }
    assert "Built Maple Valley Public Schools" in output


def test_same_seed_gives_the_same_district_and_another_seed_does_not():
    seed()
    first = snapshot()
    seed(reset=True)
    assert snapshot() == first
    seed(seed=SEED + 1, reset=True)
    other = snapshot()
    assert other["students"] != first["students"]
    assert other["opportunities"] != first["opportunities"]


def test_running_twice_adds_nothing_and_says_so(demo):
    before = snapshot()
    output = seed()
    assert "Demo district already loaded" in output
    assert "coordinator.alder" in output
    assert snapshot() == before
    assert District.objects.filter(slug="maple-valley").count() == 1


def test_reset_replaces_the_district_and_its_accounts_without_leftovers(demo):
    users_before = User.objects.count()
    seed(reset=True)
    assert District.objects.filter(slug="maple-valley").count() == 1
    assert User.objects.count() == users_before
    assert not User.objects.filter(memberships__isnull=True, mentor_roles__isnull=True).exists()


def test_refuses_when_a_demo_username_belongs_to_someone_else():
    User.objects.create_user("coordinator", password="x")
    with pytest.raises(CommandError, match="coordinator"):
        seed()
    assert not District.objects.filter(slug="maple-valley").exists()


def test_refuses_a_district_too_small_to_demo():
    with pytest.raises(CommandError, match="at least"):
        seed(students=10)


def test_every_placement_status_occurs_and_withdrawals_say_who_why_and_how_the_partner_stands(demo):
    district, _ = demo
    statuses = set(Placement.objects.filter(district=district).values_list("status", flat=True))
    assert statuses == set(Placement.Status.values)
    for p in Placement.objects.filter(district=district, status="withdrawn"):
        assert p.withdrawal_initiator and p.withdrawal_reason and p.partner_relationship_note
        assert p.withdrawn_at and p.withdrawn_by_id
    hours = set(
        HourLog.objects.filter(placement__district=district).values_list("status", flat=True)
    )
    assert hours == set(HourLog.Status.values)
    assert set(
        Application.objects.filter(student__district=district).values_list("status", flat=True)
    ) == set(Application.Status.values)
    fits = set(
        Reflection.objects.filter(placement__district=district).values_list("career_fit", flat=True)
    )
    assert fits == {"for_me", "unsure", "not_for_me"}
    assert set(
        Outcome.objects.filter(student__district=district).values_list("kind", flat=True)
    ) == {"job_offer", "hired"}
    assert set(
        Evaluation.objects.filter(placement__district=district).values_list("kind", flat=True)
    ) == {"midpoint", "final"}


def test_open_placements_have_hours_and_signed_agreements(demo):
    district, _ = demo
    for p in Placement.objects.filter(district=district, status="active").prefetch_related(
        "agreements__signatures"
    ):
        assert p.hour_logs.exists()
        agreements = list(p.agreements.all())
        assert {a.kind for a in agreements} >= {
            "training_agreement",
            "training_plan",
            "parental_consent",
        }
        for a in agreements:
            assert {s.role for s in a.signatures.all()} == set(a.required_signers)
    assert Agreement.objects.filter(
        placement__district=district, placement__status="confirmed"
    ).exists()
    assert Session.objects.filter(
        placement__district=district, placement__status="confirmed"
    ).exists()


def test_summer_paid_internship_grows_from_13_to_72_students_with_about_100_approved_hours(demo):
    district, _ = demo
    years = SchoolYear.objects.filter(district=district).order_by("start_date")
    assert [y.name for y in years] == [
        "2021–22",
        "2022–23",
        "2023–24",
        "2024–25",
        "2025–26",
        "2026–27",
    ]
    grown = []
    for year in years[:5]:
        summer = Placement.objects.filter(
            opportunity__term__school_year=year, opportunity__term__kind="summer"
        )
        completed = summer.filter(status="completed")
        grown.append(completed.count())
        totals = completed.annotate(h=Sum("hour_logs__hours", default=0)).values_list(
            "h", flat=True
        )
        assert all(Decimal(95) <= h <= Decimal(105) for h in totals)
        assert not HourLog.objects.filter(placement__in=summer).exclude(status="approved").exists()
    assert grown == [13, 22, 35, 51, 72]
    now = Opportunity.objects.filter(
        district=district, term__school_year=years[5], term__kind="summer"
    )
    assert now.exists()
    for opp in now:
        assert opp.is_paid and opp.hourly_rate == Decimal("8.50") and opp.target_hours == 100
        assert opp.schedule_kind == "block" and opp.weekdays == 0b1111
        assert (opp.start_date, opp.end_date) == (dt.date(2027, 6, 14), dt.date(2027, 8, 1))
    assert ProgramBudget.objects.filter(district=district).count() == 6


def test_the_reports_roll_up_of_approved_hours_matches_the_logs(demo):
    """The logs go in by COPY, past the hours services; the seed counts the roll-up itself."""
    district, _ = demo
    years = list(SchoolYear.objects.filter(district=district).order_by("-start_date"))
    expected = Counter()
    for placement_id, day, hours in HourLog.objects.filter(
        placement__district=district, status="approved"
    ).values_list("placement_id", "date", "hours"):
        year = next((y for y in years if y.start_date <= day), None)
        if year is not None:
            expected[(placement_id, year.pk)] += hours
    rolled_up = {
        (row.placement_id, row.school_year_id): row.hours
        for row in ApprovedHoursByYear.objects.filter(placement__district=district)
    }
    assert len(rolled_up) > 100
    assert rolled_up == dict(expected)


def test_mentors_raised_concerns_some_resolved_and_the_demo_mentor_can_read_one(demo):
    district, _ = demo
    concerns = Concern.objects.filter(placement__district=district).select_related(
        "placement__mentor__user", "resolved_by"
    )
    assert concerns.filter(resolved_at__isnull=True).exists()
    for concern in concerns:
        assert concern.placement.status == "active"
        assert concern.raised_by == concern.placement.mentor.user
        assert concern.created_at.date() >= concern.placement.start_date
        if concern.resolved_at:
            assert concern.resolved_at > concern.created_at and concern.resolution_note
            assert concern.resolved_by.username == "coordinator"
    demo_mentor = concerns.filter(raised_by__username="mentor")
    assert demo_mentor.filter(resolved_at__isnull=False).exists()


def test_friday_internships_and_hazardous_roles(demo):
    district, _ = demo
    friday = Opportunity.objects.filter(
        district=district, title__contains="senior Friday", term__school_year__name="2026–27"
    )
    assert friday.exists()
    assert all(
        o.weekdays == 0b10000
        and o.start_time == dt.time(8, 0)
        and o.end_time == dt.time(14, 30)
        and o.min_grade == 12
        for o in friday
    )
    grounds = Opportunity.objects.filter(
        district=district,
        partner__department="buildings_grounds",
        title__startswith="Grounds maintenance assistant",
    )
    assert grounds.exists()
    assert all(o.is_hazardous and o.hazardous_orders == "HO14" and o.min_age >= 16 for o in grounds)
    for p in Placement.objects.filter(district=district, opportunity__is_hazardous=True).exclude(
        status="proposed"
    ):
        if p.student.age_on(p.start_date) < 18:
            assert p.student_learner_agreement_on_file


def test_calendar_marks_holidays_and_early_releases_for_the_current_year(demo):
    district, _ = demo
    days = {d.date: d for d in CalendarDay.objects.filter(district=district)}
    for holiday in [
        dt.date(2026, 9, 7),
        dt.date(2026, 11, 26),
        dt.date(2026, 12, 22),
        dt.date(2027, 1, 1),
        dt.date(2027, 1, 18),
        dt.date(2027, 2, 15),
        dt.date(2027, 3, 31),
        dt.date(2027, 5, 31),
    ]:
        assert days[holiday].day_type == "no_school", holiday
    early = [d for d in days.values() if d.day_type == "early_release"]
    assert len(early) >= 3 and all(d.early_release_time for d in early)
    assert not Session.objects.filter(
        placement__district=district,
        date__in=[d for d, row in days.items() if row.day_type == "no_school"],
    ).exists()


def test_students_look_like_a_real_enrolment(demo):
    district, _ = demo
    students = Student.objects.filter(district=district, is_active=True)
    assert set(students.values_list("grade", flat=True)) == {8, 9, 10, 11, 12}
    anchor = dt.date(2026, 9, 1)
    for s in students:
        assert s.age_on(anchor) - s.grade in (5, 6)  # Sept 1 cutoff; a few held back a year
        assert s.graduation_year == 2027 + 12 - s.grade
        assert s.home_zip and s.home_latitude and s.home_longitude
    ages = {s.age_on(dt.date(2026, 11, 22)) for s in students}
    assert {14, 15} <= ages
    ranks = students.annotate(n=Count("interests")).values_list("n", flat=True)
    assert set(ranks) <= {1, 2, 3} and min(ranks) == 1
    upper = students.filter(grade__gte=11)
    share = upper.filter(is_cte_concentrator=True).count() / upper.count()
    assert 0.15 < share < 0.5
    assert not upper.filter(is_cte_concentrator=True, cte_cluster__isnull=True).exists()
    assert students.filter(transportation="none").exists()
    assert not students.annotate(g=Count("guardian_links")).filter(g=0).exists()
    top = Counter(
        StudentInterest.objects.filter(student__district=district, rank=1).values_list(
            "cluster__slug", flat=True
        )
    )
    assert top.most_common(1)[0][0] in {
        "healthcare-human-services",
        "digital-technology",
        "education",
    }


def test_match_rounds_one_ranking_now_and_one_published_with_its_run(demo):
    district, _ = demo
    open_round = MatchRound.objects.get(district=district, status="ranking")
    assert open_round.rankings.exists() and open_round.eligible_students.exists()
    published = MatchRound.objects.get(district=district, status="published")
    run = MatchRun.objects.get(match_round=published)
    assert published.published_run == run and run.status == "done"
    proposals = Placement.objects.filter(match_round=published)
    assert run.summary["placed"] == proposals.count() > 0
    assert run.summary["placed"] + run.summary["unplaced"] == run.summary["students"]
    assert run.summary["blocking_pairs"] == 0
    assigned = {int(s): o for s, o in run.assignment.items() if o is not None}
    assert assigned == dict(proposals.values_list("student_id", "opportunity_id"))
    assert set(proposals.values_list("status", flat=True)) <= {"proposed", "confirmed"}


def test_each_demo_login_exists_with_its_role_and_can_sign_in(demo, client):
    district, output = demo
    for username in LOGINS:
        assert username in output
        request = RequestFactory().post("/accounts/login/")
        assert client.login(request=request, username=username, password=PASSWORD), username
        client.logout()
    roles = {
        u: set(Membership.objects.filter(user__username=u).values_list("role", flat=True))
        for u in LOGINS
    }
    assert (
        roles["admin"] == {Role.DISTRICT_ADMIN} and not User.objects.get(username="admin").is_superuser
    )
    assert Membership.objects.get(user__username="coordinator").school is None
    assert Membership.objects.get(user__username="coordinator.alder").school.slug == "alder"
    assert roles["counselor"] == {Role.COUNSELOR}
    assert roles["student"] == {Role.STUDENT} and roles["guardian"] == {Role.GUARDIAN}

    mentor = Mentor.objects.get(user__username="mentor")
    assert mentor.partner.kind != PartnerKind.DISTRICT_DEPARTMENT
    assert Placement.objects.filter(mentor=mentor, status="active").count() >= 2
    assert HourLog.objects.filter(placement__mentor=mentor, status="submitted").exists()
    dept = Mentor.objects.get(user__username="dept.mentor")
    assert dept.partner.department == Department.IT
    assert Placement.objects.filter(mentor=dept, status="active").exists()
    admin_of = Membership.objects.get(user__username="partner", role=Role.PARTNER_ADMIN).partner
    assert admin_of == mentor.partner
    assert Application.objects.filter(
        opportunity__partner=admin_of, status__in=["submitted", "interview"]
    ).exists()

    student = Student.objects.get(user__username="student")
    assert student.grade == 12
    assert student.placements.filter(status="active", hour_logs__isnull=False).exists()
    assert student.applications.count() >= 3
    assert MatchRound.objects.filter(status="ranking", eligible_students=student).exists()
    assert GuardianLink.objects.filter(student=student, guardian_user__username="guardian").exists()


def test_generated_users_cannot_sign_in_only_the_demo_logins_can(demo):
    others = User.objects.exclude(username__in=LOGINS)
    assert others.exists()
    assert not any(u.has_usable_password() for u in others)
    assert all(u.check_password(PASSWORD) for u in User.objects.filter(username__in=LOGINS))


def test_rows_satisfy_every_database_and_model_invariant(demo):
    district, _ = demo
    connection.check_constraints()  # deferred foreign keys, checked now instead of at commit
    for a in Agreement.objects.filter(placement__district=district)[:200]:
        assert a.body_sha256 == hashlib.sha256(a.body.encode()).hexdigest()
    for s in Signature.objects.filter(agreement__placement__district=district)[:200]:
        assert s.signed_text == s.agreement.body
        assert s.signed_text_sha256 == s.agreement.body_sha256
    for e in Evaluation.objects.filter(placement__district=district)[:200]:
        assert e.mean_score == round(Decimal(sum(e.scores.values())) / len(e.scores), 2)
        assert set(e.scores) == set(
            RubricCriterion.objects.filter(district=district).values_list("key", flat=True)
        )
    for p in Placement.objects.filter(district=district).exclude(status="proposed")[:300]:
        assert p.confirmed_at is not None
        if p.status in ("active", "completed"):
            assert p.activated_at is not None
    assert not HourLog.objects.filter(
        placement__district=district, status="submitted", decided_at__isnull=False
    ).exists()


def test_nothing_is_dated_after_the_demo_today_whatever_the_clock_says(demo):
    district, _ = demo
    now = dt.datetime(2026, 11, 22, 8, 0, tzinfo=dt.UTC) + dt.timedelta(
        hours=5
    )  # 08:00 in Virginia
    stamps = [
        (
            Placement.objects.filter(district=district),
            ["created_at", "confirmed_at", "activated_at", "completed_at", "withdrawn_at"],
        ),
        (Application.objects.filter(student__district=district), ["created_at", "decided_at"]),
        (HourLog.objects.filter(placement__district=district), ["created_at", "decided_at"]),
        (Signature.objects.filter(agreement__placement__district=district), ["signed_at"]),
        (Evaluation.objects.filter(placement__district=district), ["submitted_at"]),
        (Reflection.objects.filter(placement__district=district), ["created_at"]),
        (Concern.objects.filter(placement__district=district), ["created_at", "resolved_at"]),
        (Opportunity.objects.filter(district=district), ["created_at", "updated_at"]),
        (
            MatchRound.objects.filter(district=district),
            ["created_at", "published_at", "ranking_opens_at"],
        ),
    ]
    for queryset, fields in stamps:
        for field in fields:
            assert not queryset.filter(**{f"{field}__gt": now}).exists(), (
                queryset.model.__name__,
                field,
            )
    assert not HourLog.objects.filter(
        placement__district=district, date__gte=dt.date(2026, 11, 22)
    ).exists()


def test_a_failure_midway_leaves_no_district_and_stops_the_writer_thread(monkeypatch):
    import threading

    from trellis.demo import rounds

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(rounds, "build_rounds", broken)
    with pytest.raises(RuntimeError, match="boom"):
        seed()
    assert not District.objects.filter(slug="maple-valley").exists()
    assert not Student.objects.exists()
    assert not any(t.name == "seed-demo-writer" for t in threading.enumerate())


def test_the_writer_reports_a_constraint_violation_from_its_worker_thread():
    from django.db import IntegrityError, transaction

    from trellis.demo.context import NOW
    from trellis.demo.writer import Writer

    with pytest.raises(IntegrityError), transaction.atomic(), Writer(now=NOW) as writer:
        table = writer.table(District, ["name", "slug", "state"])
        table.add("One", "same-slug", "VA")
        table.add("Two", "same-slug", "VA")
        writer.finish()
    assert not District.objects.filter(slug="same-slug").exists()
