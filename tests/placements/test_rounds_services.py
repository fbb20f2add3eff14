"""Round services: create, rank, run, publish, follow up — each refusal and the audit trail."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests import factories as f
from tests.placements.rounds_support import make_round, rank
from trellis.core.models import AuditEvent
from trellis.opportunities.models import Opportunity
from trellis.placements.models import MatchRound, MatchRun, Placement, RoundRanking
from trellis.placements.rounds import services

NOW = timezone.now()
WINDOW = {
    "ranking_opens_at": NOW - dt.timedelta(hours=1),
    "ranking_closes_at": NOW + dt.timedelta(days=7),
}


def actions(target=None):
    qs = AuditEvent.objects.all()
    if target is not None:
        qs = qs.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
    return list(qs.order_by("id").values_list("action", flat=True))


# --- create ----------------------------------------------------------------------------------


def test_create_round_selects_published_opportunities_and_students_by_filters(personas):
    p = personas
    health = f.cluster("healthcare-human-services")
    draft = f.OpportunityFactory(
        partner=p.partner_p, cluster=health, status=Opportunity.Status.DRAFT
    )
    junior_a = f.StudentFactory(school=p.school_a, grade=11)
    r = services.create_match_round(
        actor=p.coordinator_district,
        district=p.district,
        name="Health",
        opportunity_filters={"clusters": [health.pk]},
        student_filters={"schools": [p.school_a.pk], "grades": [11]},
        priority_rules=["grade"],
        **WINDOW,
    )
    assert set(r.opportunities.all()) == {p.opportunity_p}
    assert draft not in r.opportunities.all()
    assert list(r.eligible_students.all()) == [junior_a]
    assert r.status == MatchRound.Status.RANKING
    assert r.priority_rules == ["grade", "lottery"]
    assert r.filters["students"]["grades"] == [11]
    assert 0 <= r.lottery_seed < 2**31
    assert actions(r) == ["match_round.created"]


def test_create_round_leaves_out_placed_students_when_asked(personas):
    p = personas
    free = f.StudentFactory(school=p.school_b)
    r = services.create_match_round(
        actor=p.coordinator_district,
        district=p.district,
        name="R",
        student_filters={"exclude_placed": True},
        lottery_seed=5,
        **WINDOW,
    )
    assert list(r.eligible_students.all()) == [
        free
    ]  # the personas' students hold active placements
    assert r.lottery_seed == 5


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"opportunity_filters": {"partners": [0]}}, "No published opportunities"),
        ({"student_filters": {"grades": [6]}}, "No students"),
        ({"priority_rules": ["grade", "grade"]}, "once"),
        ({"priority_rules": ["shoe_size"]}, "Unknown priority rule"),
        ({"ranking_closes_at": NOW - dt.timedelta(days=1)}, "close after it opens"),
    ],
)
def test_create_round_refusals(personas, kwargs, message):
    args = {
        "actor": personas.coordinator_district,
        "district": personas.district,
        "name": "R",
        **WINDOW,
        **kwargs,
    }
    with pytest.raises(services.RoundError, match=message):
        services.create_match_round(**args)
    assert MatchRound.objects.count() == 0


def test_school_coordinator_creates_rounds_for_their_school_only(personas):
    p = personas
    r = services.create_match_round(
        actor=p.coordinator_a, district=p.district, school=p.school_a, name="A", **WINDOW
    )
    assert set(r.eligible_students.values_list("school", flat=True)) == {p.school_a.pk}
    with pytest.raises(PermissionDenied):
        services.create_match_round(
            actor=p.coordinator_a, district=p.district, name="All", **WINDOW
        )
    with pytest.raises(PermissionDenied):
        services.create_match_round(
            actor=p.counselor_a, district=p.district, school=p.school_a, name="C", **WINDOW
        )
    with pytest.raises(PermissionDenied):
        services.create_match_round(
            actor=p.other_coordinator, district=p.district, name="X", **WINDOW
        )


# --- rankings --------------------------------------------------------------------------------


@pytest.fixture
def open_round(personas):
    p = personas
    return make_round(
        p.district,
        opportunities=[p.opportunity_p, p.opportunity_q],
        students=[p.student_a, p.student_b],
        max_choices=2,
    )


def test_student_sets_their_ranked_list(personas, open_round):
    p = personas
    services.set_rankings(
        open_round,
        student=p.student_a,
        opportunity_ids=[p.opportunity_q.pk, p.opportunity_p.pk],
        actor=p.student_a_user,
    )
    assert list(
        RoundRanking.objects.filter(student=p.student_a).values_list("opportunity", "rank")
    ) == [
        (p.opportunity_q.pk, 1),
        (p.opportunity_p.pk, 2),
    ]
    services.set_rankings(
        open_round,
        student=p.student_a,
        opportunity_ids=[p.opportunity_p.pk],
        actor=p.student_a_user,
    )
    assert RoundRanking.objects.filter(student=p.student_a).count() == 1
    assert actions(open_round) == ["match_round.ranked", "match_round.ranked"]


def test_ranking_refused_outside_the_window(personas, open_round):
    p = personas
    open_round.ranking_closes_at = timezone.now() - dt.timedelta(minutes=1)
    open_round.ranking_opens_at = timezone.now() - dt.timedelta(days=2)
    open_round.save()
    with pytest.raises(services.RoundError, match="closed"):
        services.set_rankings(
            open_round,
            student=p.student_a,
            opportunity_ids=[p.opportunity_p.pk],
            actor=p.student_a_user,
        )
    open_round.ranking_opens_at = timezone.now() + dt.timedelta(days=1)
    open_round.ranking_closes_at = timezone.now() + dt.timedelta(days=2)
    open_round.save()
    with pytest.raises(services.RoundError, match="Ranking opens"):
        services.set_rankings(
            open_round,
            student=p.student_a,
            opportunity_ids=[p.opportunity_p.pk],
            actor=p.student_a_user,
        )


def test_ranking_refused_beyond_max_choices(personas, open_round):
    p = personas
    extra = f.OpportunityFactory(partner=p.partner_q)
    open_round.opportunities.add(extra)
    with pytest.raises(services.RoundError, match="at most 2"):
        services.set_rankings(
            open_round,
            student=p.student_a,
            actor=p.student_a_user,
            opportunity_ids=[p.opportunity_p.pk, p.opportunity_q.pk, extra.pk],
        )


def test_ranking_refused_for_an_ineligible_opportunity(personas, open_round):
    p = personas
    seniors = f.OpportunityFactory(partner=p.partner_q, title="Senior seminar", min_grade=12)
    open_round.opportunities.add(seniors)
    p.student_a.grade = 11
    p.student_a.save()
    with pytest.raises(
        services.RoundError, match="not eligible for Senior seminar: Open to grade 12"
    ):
        services.set_rankings(
            open_round, student=p.student_a, opportunity_ids=[seniors.pk], actor=p.student_a_user
        )


def test_ranking_refused_for_opportunities_outside_the_round_duplicates_and_other_students(
    personas, open_round
):
    p = personas
    outside = f.OpportunityFactory(partner=p.partner_q)
    with pytest.raises(services.RoundError, match="not part of this round"):
        services.set_rankings(
            open_round, student=p.student_a, opportunity_ids=[outside.pk], actor=p.student_a_user
        )
    with pytest.raises(services.RoundError, match="once"):
        services.set_rankings(
            open_round,
            student=p.student_a,
            opportunity_ids=[p.opportunity_p.pk] * 2,
            actor=p.student_a_user,
        )
    with pytest.raises(PermissionDenied):
        services.set_rankings(
            open_round,
            student=p.student_a,
            opportunity_ids=[p.opportunity_p.pk],
            actor=p.student_b_user,
        )
    stranger = f.StudentFactory(school=p.school_a)
    with pytest.raises(services.RoundError, match="not taking part"):
        services.set_rankings(
            open_round, student=stranger, opportunity_ids=[p.opportunity_p.pk], actor=None
        )


# --- run -------------------------------------------------------------------------------------


@pytest.fixture
def contested(personas):
    """Two clinic seats, three students want it first; seniors before juniors, then lottery."""
    p = personas
    clinic = f.OpportunityFactory(
        partner=p.partner_p, title="Clinic", seats=2, mentor=p.mentor_p_record
    )
    lab = f.OpportunityFactory(partner=p.partner_q, title="Lab", seats=1, mentor=p.mentor_q_record)
    s1 = f.StudentFactory(school=p.school_a, grade=12, email="s1@example.org")
    s2 = f.StudentFactory(school=p.school_a, grade=12, email="s2@example.org")
    s3 = f.StudentFactory(school=p.school_b, grade=11, email="s3@example.org")
    s4 = f.StudentFactory(school=p.school_b, grade=11, email="s4@example.org")
    r = make_round(p.district, opportunities=[clinic, lab], students=[s1, s2, s3, s4])
    rank(r, s1, clinic, lab)
    rank(r, s2, clinic)
    rank(r, s3, clinic, lab)
    p.partner_p.contact_email = "clinic@example.org"
    p.partner_p.save()
    return p, r, clinic, lab, (s1, s2, s3, s4)


def run_both(r, actor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        runs = services.request_match_runs(r, actor=actor)
    return {run.mode: MatchRun.objects.get(pk=run.pk) for run in runs}


def test_request_runs_queues_a_task_per_mode_that_stores_results(
    contested, django_capture_on_commit_callbacks
):
    p, r, clinic, lab, (s1, s2, s3, s4) = contested
    runs = run_both(r, p.coordinator_district, django_capture_on_commit_callbacks)
    stable = runs[MatchRound.Mode.STABLE]
    assert stable.status == MatchRun.Status.DONE and stable.progress == 100
    assert stable.task_result_id and stable.started_at and stable.finished_at
    assert stable.assignment == {
        str(s1.pk): clinic.pk,
        str(s2.pk): clinic.pk,
        str(s3.pk): lab.pk,
        str(s4.pk): None,
    }
    s = stable.summary
    assert (
        s["placed"],
        s["first_choice"],
        s["unplaced"],
        s["blocking_pairs"],
        s["not_ranked"],
    ) == (3, 2, 1, 0, 1)
    assert s["mean_rank"] == pytest.approx(4 / 3, abs=0.01)
    assert {row["name"]: row["unplaced"] for row in s["by_school"]} == {
        "Alder High": 0,
        "Birch High": 1,
    }
    assert runs[MatchRound.Mode.MAX_PLACEMENT].summary["placed"] == 3
    why = stable.results.get(student=s3).why_not
    assert [(w["opportunity"], w["reason"]) for w in why] == [(clinic.pk, "full")]
    assert actions(r).count("match_run.requested") == 2
    assert actions(r).count("match_run.finished") == 2


def test_max_placement_places_more_than_stable_when_priority_blocks_it(
    personas, django_capture_on_commit_callbacks
):
    p = personas
    a = f.OpportunityFactory(partner=p.partner_p, seats=1)
    b = f.OpportunityFactory(partner=p.partner_q, seats=1)
    senior = f.StudentFactory(school=p.school_a, grade=12)
    junior = f.StudentFactory(school=p.school_a, grade=11)
    r = make_round(p.district, opportunities=[a, b], students=[senior, junior])
    rank(r, senior, a, b)
    rank(r, junior, a)
    runs = run_both(r, p.coordinator_district, django_capture_on_commit_callbacks)
    assert runs["stable"].summary["placed"] == 1
    assert runs["stable"].assignment[str(senior.pk)] == a.pk
    assert runs["max-placement"].summary["placed"] == 2
    assert runs["max-placement"].assignment == {str(senior.pk): b.pk, str(junior.pk): a.pk}
    assert runs["max-placement"].summary["blocking_pairs"] == 1


def test_run_failure_is_recorded_and_audited(
    contested, monkeypatch, django_capture_on_commit_callbacks
):
    p, r, *_ = contested

    def boom(match_round):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services.adapter, "build_problem", boom)
    runs = run_both(r, p.coordinator_district, django_capture_on_commit_callbacks)
    assert {run.status for run in runs.values()} == {MatchRun.Status.FAILED}
    assert "disk on fire" in runs["stable"].error
    assert "match_run.failed" in actions(r)


def test_second_run_while_one_is_in_progress_is_refused(contested):
    p, r, *_ = contested
    services.request_match_runs(
        r, actor=p.coordinator_district, modes=["stable"]
    )  # on_commit never fires
    with pytest.raises(services.RoundError, match="already in progress"):
        services.request_match_runs(r, actor=p.coordinator_district, modes=["stable"])


def test_only_managers_run_rounds(contested):
    p, r, *_ = contested
    for user in (p.counselor_a, p.coordinator_a, p.student_a_user, p.other_coordinator):
        with pytest.raises(PermissionDenied):
            services.request_match_runs(r, actor=user)


# --- publish ---------------------------------------------------------------------------------


def closed(r):
    services.close_ranking(r, actor=None)
    r.refresh_from_db()
    return r


def test_publish_creates_proposed_placements_and_notifies(
    contested, django_capture_on_commit_callbacks
):
    p, r, clinic, lab, (s1, s2, s3, s4) = contested
    closed(r)
    run = run_both(r, p.coordinator_district, django_capture_on_commit_callbacks)["stable"]
    with django_capture_on_commit_callbacks(execute=True):
        placements = services.publish_match_run(run, actor=p.coordinator_district)
    assert len(placements) == 3
    made = Placement.objects.filter(match_round=r).order_by("student_id")
    assert {(pl.student_id, pl.opportunity_id) for pl in made} == {
        (s1.pk, clinic.pk),
        (s2.pk, clinic.pk),
        (s3.pk, lab.pk),
    }
    for pl in made:
        assert pl.status == Placement.Status.PROPOSED
        # The one shape of a new placement: from the first day (or today, once it has passed).
        assert pl.start_date == max(pl.opportunity.start_date, timezone.localdate())
        assert pl.end_date == pl.opportunity.end_date
        assert pl.mentor_id == pl.opportunity.mentor_id
    r.refresh_from_db()
    assert r.status == MatchRound.Status.PUBLISHED and r.published_run == run and r.published_at
    assert actions(r)[-1] == "match_round.published"
    event = AuditEvent.objects.filter(action="match_round.published").get()
    assert (
        event.data["placements"] == 3
        and event.data["unplaced"] == 1
        and event.actor == p.coordinator_district
    )
    recipients = {addr for m in mail.outbox for addr in m.to}
    assert {
        "s1@example.org",
        "s2@example.org",
        "s3@example.org",
        "s4@example.org",
        "clinic@example.org",
    } <= recipients
    partner_mail = next(m for m in mail.outbox if "clinic@example.org" in m.to)
    assert s1.full_name in partner_mail.body and s3.full_name not in partner_mail.body
    s4_mail = next(m for m in mail.outbox if "s4@example.org" in m.to)
    assert "not placed" in s4_mail.body


def test_publishing_while_ranking_is_open_is_refused(contested, django_capture_on_commit_callbacks):
    p, r, *_ = contested
    run = run_both(r, p.coordinator_district, django_capture_on_commit_callbacks)["stable"]
    with pytest.raises(services.RoundError, match="Ranking is still open"):
        services.publish_match_run(run, actor=p.coordinator_district)
    assert not Placement.objects.filter(match_round=r).exists()


def test_publishing_a_run_made_before_rankings_changed_is_refused(
    contested, django_capture_on_commit_callbacks
):
    p, r, clinic, lab, (s1, *_rest) = contested
    run = run_both(r, p.coordinator_district, django_capture_on_commit_callbacks)["stable"]
    rank(r, s1, lab)
    closed(r)
    with pytest.raises(services.RoundError, match="changed after this run"):
        services.publish_match_run(run, actor=p.coordinator_district)


def test_publishing_an_unfinished_run_is_refused(contested):
    p, r, *_ = contested
    closed(r)
    run = MatchRun.objects.create(match_round=r, mode="stable")
    with pytest.raises(services.RoundError, match="finished run"):
        services.publish_match_run(run, actor=p.coordinator_district)


def test_published_round_cannot_be_published_or_run_again(
    contested, django_capture_on_commit_callbacks
):
    p, r, *_ = contested
    closed(r)
    runs = run_both(r, p.coordinator_district, django_capture_on_commit_callbacks)
    services.publish_match_run(runs["stable"], actor=p.coordinator_district)
    with pytest.raises(services.RoundError, match="cannot be run again"):
        services.publish_match_run(runs["max-placement"], actor=p.coordinator_district)
    with pytest.raises(services.RoundError, match="cannot be run again"):
        services.request_match_runs(r, actor=p.coordinator_district)
    with pytest.raises(services.RoundError, match="cannot be run again"):
        services.run_match_now(r, actor=None, mode="stable")
    assert Placement.objects.filter(match_round=r).count() == 3
    assert MatchRun.objects.filter(match_round=r).count() == 2  # the runs are kept


def test_publishing_when_seats_were_taken_since_the_run_is_refused(
    contested, django_capture_on_commit_callbacks
):
    p, r, clinic, *_ = contested
    closed(r)
    run = run_both(r, p.coordinator_district, django_capture_on_commit_callbacks)["stable"]
    f.PlacementFactory(opportunity=clinic, status=Placement.Status.CONFIRMED)
    with pytest.raises(services.RoundError, match="changed after this run"):
        services.publish_match_run(run, actor=p.coordinator_district)
    run.input_fingerprint = ""  # e.g. a run the demo seeder stored without one
    run.save()
    with pytest.raises(services.RoundError, match="Not enough seats left at Clinic"):
        services.publish_match_run(run, actor=p.coordinator_district)


def test_close_ranking_refusals_and_audit(contested):
    p, r, *_ = contested
    services.close_ranking(r, actor=p.coordinator_district)
    r.refresh_from_db()
    assert r.status == MatchRound.Status.CLOSED and r.ranking_closes_at <= timezone.now()
    with pytest.raises(services.RoundError, match="already closed"):
        services.close_ranking(r, actor=p.coordinator_district)
    assert "match_round.ranking_closed" in actions(r)


# --- follow-up -------------------------------------------------------------------------------


def test_follow_up_round_takes_the_unplaced_and_the_seats_left(
    contested, django_capture_on_commit_callbacks
):
    p, r, clinic, lab, (s1, s2, s3, s4) = contested
    spare = f.OpportunityFactory(partner=p.partner_q, title="Spare", seats=3)
    r.opportunities.add(spare)
    closed(r)
    run = run_both(r, p.coordinator_district, django_capture_on_commit_callbacks)["stable"]
    services.publish_match_run(run, actor=p.coordinator_district)
    follow = services.create_follow_up_round(
        r, actor=p.coordinator_district, name="Second chance", **WINDOW
    )
    assert follow.follows == r
    assert set(follow.eligible_students.all()) == {s4}
    assert set(follow.opportunities.all()) == {spare}
    assert follow.priority_rules == r.priority_rules
    assert "match_round.created" in actions(follow)


def test_follow_up_before_publishing_is_refused(contested):
    p, r, *_ = contested
    with pytest.raises(services.RoundError, match="Publish this round"):
        services.create_follow_up_round(r, actor=p.coordinator_district, name="Too soon", **WINDOW)
