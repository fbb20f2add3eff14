"""Round pages: status codes, who may see and do what, the ranking moves, and query counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.placements.rounds_support import make_round, rank
from trellis.placements.models import MatchRound, MatchRun, Placement, RoundRanking
from trellis.placements.rounds import services


@pytest.fixture
def world(personas):
    """District round: clinic (P, 1 seat) and lab (Q, 1 seat); both students want the clinic."""
    p = personas
    clinic = f.OpportunityFactory(
        partner=p.partner_p,
        title="Clinic shadow",
        seats=1,
        mentor=p.mentor_p_record,
        cluster=f.cluster("healthcare-human-services"),
    )
    lab = f.OpportunityFactory(
        partner=p.partner_q, title="Software lab", seats=1, mentor=p.mentor_q_record
    )
    seniors = f.OpportunityFactory(partner=p.partner_q, title="Senior seminar", min_grade=12)
    p.student_b.grade = 11
    p.student_b.save()
    r = make_round(
        p.district,
        opportunities=[clinic, lab, seniors],
        students=[p.student_a, p.student_b],
        max_choices=2,
    )
    rank(r, p.student_a, clinic)
    rank(r, p.student_b, clinic, lab)
    p.round, p.clinic, p.lab, p.seniors = r, clinic, lab, seniors
    return p


def url(name, *args):
    return reverse(f"rounds:{name}", args=args)


def login(client, user):
    client.force_login(user)
    return client


def publish(world, django_capture_on_commit_callbacks):
    services.close_ranking(world.round, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        runs = services.request_match_runs(world.round, actor=world.coordinator_district)
    run = MatchRun.objects.get(pk=runs[0].pk)
    services.publish_match_run(run, actor=world.coordinator_district)
    world.round.refresh_from_db()
    return run


# --- coordinator journey ---------------------------------------------------------------------


def test_coordinator_creates_a_round_in_the_browser(client, personas):
    login(client, personas.coordinator_district)
    assert client.get(url("create")).status_code == 200
    response = client.post(
        url("create"),
        {
            "name": "Spring",
            "max_choices": 5,
            "exclude_placed": "",
            "ranking_opens_at": "2026-01-01T08:00",
            "ranking_closes_at": "2030-01-01T08:00",
            "priority_1": "grade",
            "priority_2": "cte_concentrator",
            "priority_3": "",
            "lottery_seed": "11",
            "schools": [personas.school_a.pk],
        },
    )
    r = MatchRound.objects.get()
    assert response.status_code == 302 and response.url == url("detail", r.pk)
    assert r.priority_rules == ["grade", "cte_concentrator", "lottery"] and r.lottery_seed == 11
    assert list(r.eligible_students.all()) == [personas.student_a]


def test_create_form_refuses_repeated_priorities_and_a_backwards_window(client, personas):
    login(client, personas.coordinator_district)
    response = client.post(
        url("create"),
        {
            "name": "Bad",
            "max_choices": 5,
            "ranking_opens_at": "2030-01-01T08:00",
            "ranking_closes_at": "2029-01-01T08:00",
            "priority_1": "grade",
            "priority_2": "grade",
        },
    )
    assert response.status_code == 200
    assert "Use each priority rule once." in response.content.decode()
    assert "Ranking must close after it opens." in response.content.decode()
    assert not MatchRound.objects.exists()


def test_school_coordinator_form_has_no_school_choice_and_makes_a_school_round(client, personas):
    login(client, personas.coordinator_a)
    page = client.get(url("create")).content.decode()
    assert "Birch High" not in page
    client.post(
        url("create"),
        {
            "name": "Alder only",
            "max_choices": 3,
            "ranking_opens_at": "2026-01-01T08:00",
            "ranking_closes_at": "2030-01-01T08:00",
        },
    )
    r = MatchRound.objects.get()
    assert r.school == personas.school_a
    assert set(r.eligible_students.values_list("school", flat=True)) == {personas.school_a.pk}


def test_coordinator_runs_compares_and_publishes(
    client, world, django_capture_on_commit_callbacks, mailoutbox
):
    login(client, world.coordinator_district)
    detail = client.get(url("detail", world.round.pk))
    assert detail.status_code == 200 and "Run the round" in detail.content.decode()
    assert client.post(url("close", world.round.pk)).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("run", world.round.pk), {"mode": "both"})
    assert response.status_code == 302 and response.url == url("compare", world.round.pk)
    compare = client.get(url("compare", world.round.pk)).content.decode()
    assert "Stable (deferred acceptance)" in compare and "Most students placed" in compare
    assert "Blocking pairs" in compare and "Alder High" in compare and "hx-trigger" not in compare
    run = world.round.runs.get(mode="stable")
    assert client.get(url("publish", world.round.pk, run.pk)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("publish", world.round.pk, run.pk))
    assert response.status_code == 302
    world.round.refresh_from_db()
    assert world.round.is_published
    assert Placement.objects.filter(match_round=world.round, status="proposed").count() == 2
    assert mailoutbox


def test_compare_polls_while_a_run_is_in_progress(client, world):
    MatchRun.objects.create(match_round=world.round, mode="stable", status="running", progress=40)
    login(client, world.coordinator_district)
    page = client.get(url("compare", world.round.pk)).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'value="40"' in page
    fragment = client.get(url("compare", world.round.pk), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="comparison"') and "<html" not in fragment


def test_running_a_published_round_again_is_refused_with_a_message(
    client, world, django_capture_on_commit_callbacks
):
    publish(world, django_capture_on_commit_callbacks)
    login(client, world.coordinator_district)
    response = client.post(url("run", world.round.pk), {"mode": "both"}, follow=True)
    assert "cannot be run again" in response.content.decode()
    assert world.round.runs.count() == 2


def test_follow_up_page_creates_a_round_for_the_unplaced(
    client, world, django_capture_on_commit_callbacks
):
    world.round.opportunities.add(
        spare := f.OpportunityFactory(partner=world.partner_q, title="Spare")
    )
    # Grade 10 ranks below both seniors and juniors under the "grade" rule, so the outcome does
    # not depend on the lottery (which follows database ids, different on each backend).
    late = f.StudentFactory(school=world.school_a, grade=10, graduation_year=2029)
    world.round.eligible_students.add(late)
    rank(world.round, late, world.clinic)
    publish(world, django_capture_on_commit_callbacks)
    login(client, world.coordinator_district)
    assert client.get(url("follow_up", world.round.pk)).status_code == 200
    response = client.post(
        url("follow_up", world.round.pk),
        {
            "name": "Again",
            "max_choices": 3,
            "ranking_opens_at": "2026-01-01T08:00",
            "ranking_closes_at": "2030-01-01T08:00",
            "priority_1": "grade",
        },
    )
    follow = MatchRound.objects.get(follows=world.round)
    assert response.url == url("detail", follow.pk)
    assert spare in follow.opportunities.all() and world.clinic not in follow.opportunities.all()
    assert list(follow.eligible_students.all()) == [late]


# --- permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["detail", "compare", "rank", "my_result", "placements", "open_seats", "follow_up"]
)
def test_coordinator_of_another_district_gets_404(client, world, name):
    login(client, world.other_coordinator)
    assert client.get(url(name, world.round.pk)).status_code == 404
    assert client.post(url("run", world.round.pk), {"mode": "both"}).status_code == 404


def test_guardian_and_unrelated_partner_get_404(client, world):
    for user in (world.guardian_a, world.mentor_q):
        login(client, user)
        assert client.get(url("detail", world.round.pk)).status_code == 404
        assert client.get(url("placements", world.round.pk)).status_code == 404


@pytest.mark.parametrize("persona", ["counselor_a", "coordinator_a", "student_a_user"])
def test_only_managers_run_or_publish(client, world, persona):
    login(client, getattr(world, persona))
    assert client.post(url("run", world.round.pk), {"mode": "both"}).status_code == 403
    assert client.post(url("close", world.round.pk)).status_code == 403
    assert not world.round.runs.exists()


def test_students_cannot_open_the_coordinator_pages(client, world):
    login(client, world.student_a_user)
    assert client.get(url("compare", world.round.pk)).status_code == 403
    assert client.get(url("student_result", world.round.pk, world.student_b.pk)).status_code == 403
    assert client.get(url("detail", world.round.pk)).url == url("rank", world.round.pk)


def test_school_coordinator_sees_district_rounds_and_their_own_school_round_only(client, world):
    school_b_round = make_round(
        world.district, school=world.school_b, opportunities=[world.lab], students=[world.student_b]
    )
    login(client, world.coordinator_a)
    assert client.get(url("detail", world.round.pk)).status_code == 200
    assert client.get(url("detail", school_b_round.pk)).status_code == 404
    # Their own school's student's explanation, not another school's.
    assert client.get(url("student_result", world.round.pk, world.student_a.pk)).status_code == 200
    assert client.get(url("student_result", world.round.pk, world.student_b.pk)).status_code == 404
    login(client, world.coordinator_b)
    assert client.get(url("detail", school_b_round.pk)).status_code == 200
    assert client.post(url("close", school_b_round.pk)).status_code == 302


def test_student_sees_only_their_own_result(client, world, django_capture_on_commit_callbacks):
    publish(world, django_capture_on_commit_callbacks)
    login(client, world.student_b_user)
    page = client.get(url("my_result", world.round.pk)).content.decode()
    assert world.student_a.first_name not in page
    placements = client.get(url("placements", world.round.pk)).content.decode()
    assert world.student_b.last_name in placements and world.student_a.last_name not in placements


def test_student_outside_the_round_gets_404(client, world):
    outsider_user = f.UserFactory(username="outsider")
    f.StudentFactory(school=world.school_a, user=outsider_user)
    f.MembershipFactory(user=outsider_user, district=world.district, role="student")
    login(client, outsider_user)
    for name in ("rank", "my_result", "placements"):
        assert client.get(url(name, world.round.pk)).status_code == 404


def test_partner_admin_sees_only_their_partners_placements_from_the_round(
    client, world, django_capture_on_commit_callbacks
):
    login(client, world.partner_admin_p)
    assert client.get(url("placements", world.round.pk)).status_code == 404  # not published yet
    publish(world, django_capture_on_commit_callbacks)
    page = client.get(url("placements", world.round.pk)).content.decode()
    assert "Clinic shadow" in page and "Software lab" not in page
    assert client.get(url("compare", world.round.pk)).status_code == 403
    assert client.get(url("detail", world.round.pk)).url == url("placements", world.round.pk)


# --- student ranking -------------------------------------------------------------------------


def test_rank_page_shows_why_an_opportunity_is_not_eligible(client, world):
    login(client, world.student_b_user)
    page = client.get(url("rank", world.round.pk)).content.decode()
    assert "Senior seminar" in page
    assert "Open to grade 12 and up; you are in grade 11." in page
    assert "Choice 1" in page and "Move down" in page


def test_student_adds_moves_and_removes_choices_without_javascript(client, world):
    login(client, world.student_a_user)
    response = client.post(
        url("rank", world.round.pk), {"action": "add", "opportunity": world.lab.pk}
    )
    assert response.status_code == 302 and response.url.endswith(f"#choice-{world.lab.pk}")

    def order():
        return list(
            RoundRanking.objects.filter(student=world.student_a).values_list(
                "opportunity_id", flat=True
            )
        )

    assert order() == [world.clinic.pk, world.lab.pk]
    client.post(url("rank", world.round.pk), {"action": "up", "opportunity": world.lab.pk})
    assert order() == [world.lab.pk, world.clinic.pk]
    client.post(url("rank", world.round.pk), {"action": "down", "opportunity": world.lab.pk})
    assert order() == [world.clinic.pk, world.lab.pk]
    client.post(url("rank", world.round.pk), {"action": "remove", "opportunity": world.clinic.pk})
    assert order() == [world.lab.pk]


def test_student_cannot_add_an_ineligible_or_a_third_choice(client, world):
    login(client, world.student_b_user)
    client.post(url("rank", world.round.pk), {"action": "remove", "opportunity": world.lab.pk})
    response = client.post(
        url("rank", world.round.pk), {"action": "add", "opportunity": world.seniors.pk}, follow=True
    )
    assert "not eligible for Senior seminar" in response.content.decode()
    client.post(url("rank", world.round.pk), {"action": "add", "opportunity": world.lab.pk})
    extra = f.OpportunityFactory(partner=world.partner_q, title="Extra")
    world.round.opportunities.add(extra)
    response = client.post(
        url("rank", world.round.pk), {"action": "add", "opportunity": extra.pk}, follow=True
    )
    assert "at most 2" in response.content.decode()
    assert RoundRanking.objects.filter(student=world.student_b).count() == 2


def test_student_cannot_rank_after_the_window(client, world):
    world.round.ranking_opens_at = timezone.now() - dt.timedelta(days=3)
    world.round.ranking_closes_at = timezone.now() - dt.timedelta(days=1)
    world.round.save()
    login(client, world.student_a_user)
    page = client.get(url("rank", world.round.pk)).content.decode()
    assert "Add to my list" not in page and "Move" not in page
    response = client.post(
        url("rank", world.round.pk),
        {"action": "remove", "opportunity": world.clinic.pk},
        follow=True,
    )
    assert "closed" in response.content.decode()
    assert RoundRanking.objects.filter(student=world.student_a).count() == 1


# --- explanations ----------------------------------------------------------------------------


def test_student_result_explains_a_full_higher_choice_in_plain_words(
    client, world, django_capture_on_commit_callbacks
):
    world.student_b.grade = 12
    world.student_b.save()
    world.student_a.grade = 11
    world.student_a.save()
    publish(world, django_capture_on_commit_callbacks)
    login(client, world.student_a_user)
    page = client.get(url("my_result", world.round.pk)).content.decode()
    assert "not placed" in page
    assert "Choice 1: Clinic shadow" in page
    assert "The only seat went to students with higher priority" in page
    assert "grade 12, and you are in grade 11" in page
    assert url("open_seats", world.round.pk) in page
    login(client, world.student_b_user)
    page = client.get(url("my_result", world.round.pk)).content.decode()
    assert "matched to" in page and "Clinic shadow" in page and "first choice" in page


def test_result_before_publishing_says_so(client, world):
    login(client, world.student_a_user)
    page = client.get(url("my_result", world.round.pk)).content.decode()
    assert "not published yet" in page


def test_open_seats_lists_remaining_seats_with_the_students_eligibility(
    client, world, django_capture_on_commit_callbacks
):
    publish(world, django_capture_on_commit_callbacks)
    login(client, world.student_b_user)
    page = client.get(url("open_seats", world.round.pk)).content.decode()
    assert "Senior seminar" in page and "Open to grade 12 and up" in page
    assert "Clinic shadow" not in page  # its only seat is taken


def test_pages_tolerate_a_seeded_run_with_a_sparse_summary(client, world):
    """The demo seeder may store fewer keys; the pages must still render."""
    run = MatchRun.objects.create(
        match_round=world.round,
        mode="stable",
        status="done",
        progress=100,
        summary={"placed": 1},
        assignment={},
    )
    world.round.status = MatchRound.Status.PUBLISHED
    world.round.published_run = run
    world.round.save()
    login(client, world.coordinator_district)
    for name in ("detail", "compare", "placements", "open_seats"):
        assert client.get(url(name, world.round.pk)).status_code == 200
    assert client.get(url("student_result", world.round.pk, world.student_a.pk)).status_code == 200
    login(client, world.student_a_user)
    assert client.get(url("my_result", world.round.pk)).status_code == 200


# --- query counts ----------------------------------------------------------------------------


def grow(world, n):
    for i in range(n):
        o = f.OpportunityFactory(partner=world.partner_q, title=f"Extra {i}")
        s = f.StudentFactory(school=world.school_a)
        world.round.opportunities.add(o)
        world.round.eligible_students.add(s)
        make_round(world.district, opportunities=[o], students=[s], name=f"Round {i}")
        Placement.objects.create(
            district=world.district,
            student=s,
            opportunity=o,
            match_round=world.round,
            status="proposed",
            start_date=o.start_date,
            end_date=o.end_date,
        )


@pytest.mark.parametrize("name", ["list", "detail", "compare", "placements", "rank", "open_seats"])
def test_list_pages_do_not_grow_queries_with_rows(
    client, world, django_assert_max_num_queries, name, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.request_match_runs(world.round, actor=world.coordinator_district)
    user = world.student_a_user if name == "rank" else world.coordinator_district
    login(client, user)
    target = url(name) if name == "list" else url(name, world.round.pk)
    grow(world, 1)
    client.get(target)
    with django_assert_max_num_queries(16) as small:
        assert client.get(target).status_code == 200
    grow(world, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(target).status_code == 200


def test_publish_buttons_are_not_offered_while_ranking_is_open(
    client, world, django_capture_on_commit_callbacks
):
    login(client, world.coordinator_district)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("run", world.round.pk), {"mode": "stable"})  # a trial run, ranking open
    run = world.round.runs.get(mode="stable")
    assert world.round.ranking_is_open()
    compare = client.get(url("compare", world.round.pk)).content.decode()
    assert "Close ranking first" in compare
    assert url("publish", world.round.pk, run.pk) not in compare
    publish = client.get(url("publish", world.round.pk, run.pk)).content.decode()
    assert "disabled" in publish and "Ranking is still open" in publish
