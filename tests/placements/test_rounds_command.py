"""`manage.py run_match ROUND_ID --mode stable|max-placement [--publish]`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests import factories as f
from tests.placements.rounds_support import make_round, rank
from trellis.core.models import AuditEvent
from trellis.placements.models import MatchRound, MatchRun, Placement


@pytest.fixture
def closed_round(personas):
    p = personas
    a = f.OpportunityFactory(partner=p.partner_p, title="A", seats=1)
    b = f.OpportunityFactory(partner=p.partner_q, title="B", seats=1)
    senior = f.StudentFactory(school=p.school_a, grade=12)
    junior = f.StudentFactory(school=p.school_b, grade=11)
    r = make_round(p.district, opportunities=[a, b], students=[senior, junior], open_now=False)
    rank(r, senior, a, b)
    rank(r, junior, a)
    return r


def run(*args):
    out = StringIO()
    call_command("run_match", *map(str, args), stdout=out)
    return out.getvalue()


def test_run_match_prints_the_summary_and_keeps_the_run(closed_round):
    out = run(closed_round.pk, "--mode", "stable")
    assert "placed 1" in out and "blocking pairs 0" in out and "first choice 1" in out
    assert MatchRun.objects.get().status == MatchRun.Status.DONE
    assert not Placement.objects.filter(match_round=closed_round).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"match_run.requested", "match_run.finished"} <= actions
    assert (
        AuditEvent.objects.filter(action="match_run.requested").get().actor_label
        == "manage.py run_match"
    )


def test_run_match_max_placement_and_publish(closed_round):
    out = run(closed_round.pk, "--mode", "max-placement", "--publish")
    assert "placed 2" in out and "Published: 2 proposed placements." in out
    closed_round.refresh_from_db()
    assert closed_round.status == MatchRound.Status.PUBLISHED
    assert Placement.objects.filter(match_round=closed_round, status="proposed").count() == 2


def test_run_match_refuses_a_published_round(closed_round):
    run(closed_round.pk, "--publish")
    with pytest.raises(CommandError, match="cannot be run again"):
        run(closed_round.pk, "--mode", "stable")
    assert MatchRun.objects.count() == 1


def test_run_match_refuses_to_publish_while_ranking_is_open(personas):
    r = make_round(
        personas.district, opportunities=[personas.opportunity_q], students=[personas.student_b]
    )
    with pytest.raises(CommandError, match="Ranking is still open"):
        run(r.pk, "--publish")
    assert not MatchRun.objects.filter(match_round=r).exists()  # refused before running


def test_run_match_times_every_phase_saving_included(closed_round):
    out = run(closed_round.pk, "--mode", "stable")
    summary = MatchRun.objects.get().summary
    assert set(summary["phases_ms"]) == {"load_ms", "solve_and_explain_ms", "save_ms"}
    assert summary["elapsed_ms"] >= sum(summary["phases_ms"].values()) - 3  # each is rounded
    assert "Phases: load" in out and "save" in out


def test_run_match_unknown_round(db):
    with pytest.raises(CommandError, match="No match round with id 999"):
        run(999)
