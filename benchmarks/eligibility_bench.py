"""Benchmark the eligibility part of reading a match round (not a test: run it by hand).

    .venv/bin/python benchmarks/eligibility_bench.py                 # 20,000 students × 10
    .venv/bin/python benchmarks/eligibility_bench.py --students 100000

Times `placements/rounds/adapter.problem_from_rows` (the round's eligibility rules over every ranked
pair, priority keys and the lottery) on synthetic rows with STUDENT_FIELDS and
OPPORTUNITY_FIELDS, no database. The same script runs on any branch that has
`problem_from_rows`, so figures compare before and after a change to the rules.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def rows(n_students: int, seed: int):
    rng = random.Random(seed)
    n_opps = max(n_students // 10, 1)
    start = dt.date(2027, 2, 5)
    opps = [
        {
            "id": i,
            "title": f"Opportunity {i}",
            "status": "published" if rng.random() < 0.97 else "closed",
            "seats": rng.randint(1, 15),
            "min_grade": rng.choice([9, 10, 11]),
            "min_age": rng.choice([14, 14, 16]),
            "is_hazardous": rng.random() < 0.05,
            "hazardous_orders": "HO5",
            "weekdays": rng.choice([0b0010000, 0b0001010, 0b0011111]),
            "start_date": start,
            "kind": "virtual" if rng.random() < 0.1 else "internship",
            "cluster_id": rng.randint(1, 14),
            "cluster__name": "Cluster",
            "partner_id": i,
            "worksite__is_virtual": False,
            "worksite__latitude": 39.0 + rng.random() / 5,
            "worksite__longitude": -77.5 + rng.random() / 5,
        }
        for i in range(1, n_opps + 1)
    ]
    students = [
        {
            "id": i,
            "school_id": 1 + i % 5,
            "school__name": f"School {1 + i % 5}",
            "grade": rng.choice([9, 10, 11, 12]),
            "birth_date": dt.date(rng.randint(2008, 2012), rng.randint(1, 12), rng.randint(1, 28)),
            "availability": rng.choice([0b0011111, 0b0010000, 0b0001111]),
            "transportation": "none" if rng.random() < 0.2 else "own_vehicle",
            "max_travel_miles": 10,
            "home_latitude": 39.0 + rng.random() / 5,
            "home_longitude": -77.5 + rng.random() / 5,
            "is_cte_concentrator": rng.random() < 0.3,
            "cte_cluster_id": rng.randint(1, 14),
        }
        for i in range(1, n_students + 1)
    ]
    ids = [o["id"] for o in opps]
    choices = {s["id"]: rng.sample(ids, min(10, len(ids))) for s in students}
    capacity = {o["id"]: o["seats"] for o in opps}
    return students, opps, capacity, choices


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("TRELLIS_DEMO", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "trellis.settings"
    import django

    django.setup()
    from trellis.placements.models import MatchRound
    from trellis.placements.rounds.adapter import problem_from_rows

    students, opps, capacity, choices = rows(args.students, args.seed)
    pairs = sum(len(c) for c in choices.values())
    match_round = MatchRound(lottery_seed=7, priority_rules=["grade", "cte_concentrator"])
    best = None
    for _ in range(args.repeat):
        began = time.perf_counter()
        problem = problem_from_rows(match_round, students, opps, capacity, choices)
        elapsed = time.perf_counter() - began
        best = elapsed if best is None else min(best, elapsed)
    print(f"Python {platform.python_version()} on {platform.machine()}")
    print(
        f"problem_from_rows, {args.students:,} students, {len(opps):,} opportunities, "
        f"{pairs:,} ranked pairs ({len(problem.ineligible):,} ineligible): best of {args.repeat} "
        f"{best:.3f} s ({best / pairs * 1e6:.2f} µs/pair)"
    )


if __name__ == "__main__":
    main()
