"""Benchmark a whole match round in the app (not a test: run it by hand).

    .venv/bin/python benchmarks/round_bench.py                  # 10,000 students
    .venv/bin/python benchmarks/round_bench.py --students 50000

Builds a throw-away SQLite database with one district, N students, N/10 opportunities with
0.9 N seats, and lists of 10 picked with Zipf-skewed popularity, then times what the
coordinator's "Run" does: reading the round (adapter: eligibility, keys, lottery), solving
and explaining in each mode, storing the MatchRun, and publishing the stable result.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="Print a cProfile of the adapter.")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="round-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("TRELLIS_DEMO", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "trellis.settings"
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import numpy as np
    from django.utils import timezone

    from trellis.districts.models import District, School
    from trellis.opportunities.models import CareerCluster, Opportunity
    from trellis.partners.models import Partner
    from trellis.placements.models import MatchRound, MatchRun, RoundRanking
    from trellis.placements.rounds import adapter, services
    from trellis.students.models import Student

    rng = np.random.default_rng(args.seed)
    n = args.students
    m = max(n // 10, 1)
    district = District.objects.create(name="Bench", slug="bench", state="VA")
    schools = [
        School.objects.create(district=district, name=f"School {i}", slug=f"s{i}") for i in range(4)
    ]
    partner = Partner.objects.create(district=district, name="Bench partner", kind="business")
    clusters = list(CareerCluster.objects.all())
    seats = np.maximum(1, rng.multinomial(int(0.9 * n) - m, np.ones(m) / m) + 1)
    Opportunity.objects.bulk_create(
        Opportunity(
            district=district,
            partner=partner,
            title=f"Opportunity {j}",
            kind="internship",
            cluster=clusters[j % len(clusters)],
            seats=int(seats[j]),
            start_date=dt.date(2027, 1, 22),
            end_date=dt.date(2027, 5, 28),
            weekdays=1 << int(rng.integers(0, 5)),
            min_grade=int(rng.choice([9, 10, 11, 12], p=[0.7, 0.1, 0.1, 0.1])),
            status=Opportunity.Status.PUBLISHED,
        )
        for j in range(m)
    )
    Student.objects.bulk_create(
        Student(
            district=district,
            school=schools[i % 4],
            student_number=f"B{i:07d}",
            first_name="S",
            last_name=str(i),
            grade=int(rng.integers(9, 13)),
            graduation_year=2027,
            birth_date=dt.date(2009, 1, 1),
            availability=int(rng.choice([31, 31, 31, 21, 10])),
        )
        for i in range(n)
    )
    opp_ids = np.array(Opportunity.objects.order_by("id").values_list("id", flat=True))
    stu_ids = list(Student.objects.order_by("id").values_list("id", flat=True))
    now = timezone.now()
    t0 = time.perf_counter()
    match_round = services.create_match_round(
        actor=None,
        district=district,
        name="Bench round",
        ranking_opens_at=now - dt.timedelta(days=2),
        ranking_closes_at=now - dt.timedelta(days=1),
        priority_rules=["grade"],
        lottery_seed=args.seed,
    )
    t_create = time.perf_counter() - t0
    weights = 1.0 / np.arange(1, m + 1) ** 0.8
    weights /= weights.sum()
    rankings = []
    for sid in stu_ids:
        picks = rng.choice(opp_ids, size=min(10, m), replace=False, p=weights)
        rankings += [
            RoundRanking(match_round=match_round, student_id=sid, opportunity_id=int(o), rank=r)
            for r, o in enumerate(picks, start=1)
        ]
    RoundRanking.objects.bulk_create(rankings, batch_size=10_000)

    if args.profile:
        import cProfile
        import pstats

        cProfile.runctx("adapter.build_problem(match_round)", globals(), locals(), f"{tmp}/prof")
        pstats.Stats(f"{tmp}/prof").sort_stats("cumulative").print_stats(15)
    t0 = time.perf_counter()
    problem = adapter.build_problem(match_round)
    t_build = time.perf_counter() - t0
    adapter.solve_problem(problem, MatchRound.Mode.STABLE)  # warm the compiled kernels
    solve = {}
    for mode in MatchRound.Mode:
        t0 = time.perf_counter()
        adapter.solve_problem(problem, mode)
        solve[mode] = time.perf_counter() - t0
    t0 = time.perf_counter()
    run = services.run_match_now(match_round, actor=None, mode=MatchRound.Mode.STABLE)
    t_run = time.perf_counter() - t0
    assert run.status == MatchRun.Status.DONE, run.error
    from django.db import transaction

    t0 = time.perf_counter()
    with transaction.atomic():  # so the e-mails (on_commit) are timed apart
        if args.profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            placements = prof.runcall(services.publish_match_run, run, actor=None)
            pstats.Stats(prof).sort_stats("cumulative").print_stats(12)
        else:
            placements = services.publish_match_run(run, actor=None)
        t_publish = time.perf_counter() - t0
    t_notify = time.perf_counter() - t0 - t_publish

    s = run.summary
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, SQLite"
    )
    print(
        f"round: {n:,} students, {m:,} opportunities, {int(seats.sum()):,} seats, {len(rankings):,} rankings "
        f"({s['ineligible_choices']:,} ineligible)"
    )
    print(f"create round (filters + links):     {t_create:8.3f} s")
    print(f"build problem (adapter):            {t_build:8.3f} s")
    for mode, seconds in solve.items():
        print(f"solve + explain + summary, {mode:<14}{seconds:8.3f} s")
    print(f"whole stable run (read, solve, store): {t_run:6.3f} s")
    print(f"publish ({len(placements):,} placements):        {t_publish:8.3f} s")
    print(f"notify (e-mails built and sent, locmem): {t_notify:5.3f} s")
    print(
        f"result: placed {s['placed']:,}, first choice {s['first_choice']:,}, mean rank {s['mean_rank']}, "
        f"blocking pairs {s['blocking_pairs']}"
    )


if __name__ == "__main__":
    main()
