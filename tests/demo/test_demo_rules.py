"""The demo district obeys the domain's own rules: each test asks the domain function the
generator calls (or the ORM service it stands in for) and compares with what was written.

The district is built once for the module (tests/worlds.py), inside a transaction rolled back
at the end; each test runs in a savepoint within it, so nothing leaks into other modules.
"""

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from tests import worlds
from trellis.accounts.permissions import can
from trellis.districts.calendar import DistrictCalendar
from trellis.districts.models import District
from trellis.hours.links import approver_label
from trellis.hours.models import HourLog, ProgramBudget
from trellis.hours.pay import money
from trellis.hours.schedule import calendar_for, plan_sessions
from trellis.hours.services import hours_between, refresh_labour_flags
from trellis.opportunities.models import Opportunity
from trellis.placements.agreements import (
    acceptable_names,
    is_minor_on_start,
    kinds_for,
    normalise_name,
    required_signers,
)
from trellis.placements.evaluation_services import evaluation_refusal
from trellis.placements.models import (
    Application,
    Concern,
    Evaluation,
    MatchRound,
    Placement,
    Signature,
)
from trellis.placements.rounds import adapter
from trellis.placements.rounds.services import select_opportunities, select_students
from trellis.placements.services import eligibility_problems
from trellis.rules.ages import is_minor
from trellis.rules.agreements import agreement_kinds, fully_signed, signers_for
from trellis.rules.eligibility import for_round
from trellis.rules.labour import check_schedule, eligible_for_opportunity

STUDENTS = 300
SEED = 11
DEMO_TODAY = dt.date(2026, 11, 22)


def build_district():
    call_command("seed_demo", students=STUDENTS, seed=SEED, stdout=StringIO())
    return District.objects.get(slug="maple-valley")


demo_rules_world = worlds.module_world("demo_rules_world", build_district)


@pytest.fixture
def district(request, demo_rules_world, db):
    """The demo district seeded once for this module; what a test changes is rolled back."""
    return demo_rules_world.for_test(request)


@pytest.fixture
def placements(district, db):
    return Placement.objects.filter(district=district).select_related(
        "student__school", "opportunity__worksite", "opportunity__partner", "mentor__user"
    )


def test_every_placement_has_the_documents_and_signers_the_domain_asks_for(placements):
    with_documents = (
        placements.filter(agreements__isnull=False)
        .distinct()
        .prefetch_related("agreements__signatures")
    )
    assert with_documents.count() > 50
    minors = adults = 0
    for p in with_documents:
        minor = is_minor(p.student.birth_date, p.start_date)
        assert minor == is_minor_on_start(p)
        minors, adults = minors + minor, adults + (not minor)
        agreements = list(p.agreements.all())
        assert sorted(a.kind for a in agreements) == sorted(kinds_for(p))
        assert sorted(kinds_for(p)) == sorted(
            agreement_kinds(hazardous=p.opportunity.is_hazardous, minor=minor)
        )
        for a in agreements:
            assert a.required_signers == required_signers(a.kind, p)
            assert a.required_signers == signers_for(a.kind, minor=minor)
            assert a.created_at == p.confirmed_at  # issued by confirm_placement
    assert minors and adults  # both sides of the rule are exercised


def test_minors_are_exactly_the_students_under_18_on_their_start_date(placements):
    consent = {
        p.pk: signers
        for p, signers in (
            (p, a.required_signers)
            for p in placements.prefetch_related("agreements")
            for a in p.agreements.all()
            if a.kind == "parental_consent"
        )
    }
    for p in placements.filter(pk__in=consent):
        age = p.student.age_on(p.start_date)
        assert (consent[p.pk] == ["guardian"]) == (age < 18), (p.pk, age)


def test_signatures_are_by_the_right_people_while_the_placement_awaited_them(placements):
    signatures = Signature.objects.filter(agreement__placement__in=placements).select_related(
        "agreement__placement__student__school",
        "agreement__placement__mentor__user",
        "signer",
        "guardian_link",
    )
    assert signatures.count() > 100
    for s in signatures:
        p = s.agreement.placement
        assert s.role in s.agreement.required_signers
        names = acceptable_names(p, s.role, actor=s.signer, guardian_link=s.guardian_link)
        assert normalise_name(s.typed_name) in names, (s.role, s.typed_name, names)
        if s.role == "guardian":
            assert s.guardian_link.student_id == p.student_id and s.guardian_link.can_sign_consent
        assert p.confirmed_at < s.signed_at  # signed only while confirmed
        for ended in (p.activated_at, p.withdrawn_at):
            assert ended is None or s.signed_at < ended


def test_activated_placements_were_fully_signed_and_the_student_learner_flag_follows(placements):
    for p in placements.prefetch_related("agreements__signatures"):
        agreements = list(p.agreements.all())
        learner = [a for a in agreements if a.kind == "student_learner"]
        if agreements:
            if p.activated_at:  # activate_placement refuses any missing signature
                for a in agreements:
                    assert fully_signed(a.required_signers, [s.role for s in a.signatures.all()])
            expected = bool(learner) and fully_signed(
                learner[0].required_signers, [s.role for s in learner[0].signatures.all()]
            )
        else:  # past years keep no documents: a started placement had them all signed
            needs = "student_learner" in agreement_kinds(
                hazardous=p.opportunity.is_hazardous, minor=is_minor_on_start(p)
            )
            expected = needs and p.activated_at is not None
        assert p.student_learner_agreement_on_file == expected, p.pk
    assert placements.filter(student_learner_agreement_on_file=True).exists()


def test_sessions_are_what_the_hours_app_plans_on_the_calendar_written(placements):
    scheduled = placements.filter(sessions__isnull=False).distinct().prefetch_related("sessions")
    assert scheduled.count() > 30
    for p in scheduled:
        planned = plan_sessions(p, calendar_for(p))
        last = p.withdrawn_at.date() if p.withdrawn_at else p.end_date
        expected = [
            (s.date, s.start, s.end, s.hours, s.is_early_release, s.note)
            for s in planned
            if s.date <= last
        ]
        written = [
            (s.date, s.start_time, s.end_time, s.planned_hours, s.is_early_release, s.note)
            for s in sorted(p.sessions.all(), key=lambda s: s.date)
        ]
        assert written == expected, p.pk
        shifts = [(s.as_shift()) for s in planned if s.date <= last]
        assert not check_schedule(
            p.student,
            shifts,
            calendar_for(p),
            hazardous=p.opportunity.is_hazardous,
            student_learner_agreement=p.student_learner_agreement_on_file,
        )


def test_applicants_met_the_browse_rules_and_direct_placements_the_coordinators(
    district, placements, db
):
    applications = Application.objects.filter(student__district=district).select_related(
        "student__school", "opportunity__worksite"
    )
    assert applications.count() > 50
    for a in applications:
        opp = a.opportunity
        facts = dataclasses.replace(opp.eligibility_facts(), status="published")  # when they applied
        assert for_round(a.student.eligibility_facts(), facts) == [], a.pk
        calendar = calendar_for_student(a.student)
        assert eligible_for_opportunity(a.student, opp, calendar) == (True, None), a.pk
    direct = placements.filter(application__isnull=True, match_round__isnull=True)
    assert direct.filter(opportunity__is_hazardous=True).exists()
    for p in direct:
        p.student.is_active = True  # alumni now; active when they were placed
        p.opportunity.status = Opportunity.Status.PUBLISHED  # closed now; open then
        assert eligibility_problems(p.student, p.opportunity, today=p.created_at.date()) == []
        assert eligible_for_opportunity(
            p.student, p.opportunity, calendar_for(p), student_learner_agreement=True
        ) == (True, None)


def calendar_for_student(student):
    return DistrictCalendar(student.district, student.school)


def test_no_opportunity_has_more_placements_than_seats(district, db):
    counted = Opportunity.objects.filter(district=district).annotate(n=Count("placements"))
    assert counted.filter(n__gt=0).count() > 50
    assert not [o.title for o in counted if o.n > o.seats]
    assert not (
        Opportunity.objects.filter(district=district)
        .with_seats_left()
        .filter(seats_taken__gt=F("seats"))
    )


def test_no_student_logged_overlapping_hours(district, db):
    logs = defaultdict(list)
    for sid, day, start, end in HourLog.objects.filter(placement__district=district).values_list(
        "placement__student_id", "date", "start_time", "end_time"
    ):
        logs[sid, day].append((start, end))
    for spans in logs.values():
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert end <= start


def test_hour_logs_count_and_sign_as_the_hours_services_do(district, db):
    logs = HourLog.objects.filter(placement__district=district).select_related(
        "approver", "placement__mentor__user"
    )
    for log in logs:
        assert log.hours == hours_between(log.start_time, log.end_time)
        assert log.placement.start_date <= log.date <= log.placement.end_date
        if log.status == "submitted":
            continue
        if log.approver is None:
            assert log.approver_label == approver_label(log.placement.mentor)
        else:
            assert log.approver_label == str(log.approver)


def test_labour_flags_are_what_refresh_labour_flags_finds(district, db):
    """Re-run the hours service over every week a flag could fall in; nothing changes."""
    logs = HourLog.objects.filter(placement__district=district)
    flagged = dict(logs.exclude(labour_flags=[]).values_list("pk", "labour_flags"))
    assert flagged, "the seed should include a 14- or 15-year-old who stayed late"
    young = logs.filter(
        Q(placement__student__birth_date__gt=dt.date(2010, 1, 1))
        | Q(placement__opportunity__is_hazardous=True)
    ).select_related("placement__student__school", "placement__student__district")
    weeks = {
        (log.placement.student, log.date - dt.timedelta(days=log.date.weekday())) for log in young
    }
    assert len(weeks) > 20
    for student, monday in weeks:
        refresh_labour_flags(student, monday)
    assert dict(logs.exclude(labour_flags=[]).values_list("pk", "labour_flags")) == flagged


def test_the_published_run_is_the_engines_result_on_the_rounds_problem(district, db):
    published = MatchRound.objects.get(district=district, status="published")
    run = published.published_run
    now = adapter.build_problem(published)
    # The run saw the seats its own proposals took since: give them back.
    taken = Counter(
        Placement.objects.filter(
            match_round=published, status__in=Placement.OPEN_STATUSES
        ).values_list("opportunity_id", flat=True)
    )
    before = adapter.problem_from_rows(
        published,
        now.students,
        now.opportunities,
        {oid: left + taken[oid] for oid, left in now.capacity.items()},
        now.choices,
    )
    assert before.fingerprint == run.input_fingerprint  # publishing it was allowed
    again = adapter.solve_problem(before, run.mode)
    assert again["assignment"] == run.assignment
    stored = run.results.values_list("student_id", "opportunity_id", "rank", "why_not")
    assert sorted(again["results"]) == sorted(stored)
    summary = dict(run.summary)
    summary.pop("elapsed_ms")
    assert again["summary"] == summary


def test_round_members_are_what_the_round_services_select_and_rankings_are_allowed(district, db):
    for match_round in MatchRound.objects.filter(district=district):
        filters = match_round.filters
        assert set(match_round.opportunities.values_list("id", flat=True)) == set(
            select_opportunities(district, filters["opportunities"]).values_list("id", flat=True)
        )
        assert set(match_round.eligible_students.values_list("id", flat=True)) == set(
            select_students(district, filters["students"]).values_list("id", flat=True)
        )
        rows = adapter.opportunity_rows(match_round)
        ranked = match_round.rankings.values("student").annotate(n=Count("id"))
        assert ranked.exists()
        for entry in ranked:
            assert entry["n"] <= match_round.max_choices
        for ranking in match_round.rankings.select_related("student")[:300]:
            failed = adapter.eligibility_for_student(match_round, ranking.student, rows)
            assert failed[ranking.opportunity_id] == []


def test_evaluation_means_and_budgets_come_from_the_domain(district, db):
    for e in Evaluation.objects.filter(placement__district=district):
        assert e.mean_score == Decimal(str(Evaluation.mean_of(e.scores)))
    for budget in ProgramBudget.objects.filter(district=district).prefetch_related("opportunities"):
        opps = list(budget.opportunities.all())
        assert budget.amount == money(
            sum((o.target_hours * o.hourly_rate * o.seats for o in opps), Decimal(0))
        )


def test_nothing_was_written_after_a_withdrawal_or_outside_the_lifecycle(placements):
    for p in placements.prefetch_related("reflections", "hour_logs", "sessions"):
        if p.withdrawn_at:
            day = p.withdrawn_at.date()
            assert not [s for s in p.sessions.all() if s.date > day]
            assert not [log for log in p.hour_logs.all() if log.date > day]
            assert not [r for r in p.reflections.all() if r.created_at >= p.withdrawn_at]
        for r in p.reflections.all():  # written while active or once completed
            assert p.activated_at and r.created_at > p.activated_at
        stamps = [p.created_at, p.confirmed_at, p.activated_at, p.completed_at]
        present = [s for s in stamps if s is not None]
        assert present == sorted(present)
        if p.withdrawn_at and p.confirmed_at:
            assert p.confirmed_at < p.withdrawn_at


def test_evaluations_and_concerns_are_ones_the_services_would_accept(district, db):
    evaluations = Evaluation.objects.filter(placement__district=district).select_related(
        "placement"
    )
    assert evaluations.exists()
    for e in evaluations:
        assert evaluation_refusal(e.placement, e.kind) is None
        assert e.mentor_id == e.placement.mentor_id
    concerns = Concern.objects.filter(placement__district=district, resolved_by__isnull=False)
    assert concerns.exists()
    for c in concerns.select_related("placement__student__school", "resolved_by"):
        assert can(c.resolved_by, "concern.resolve", c)
