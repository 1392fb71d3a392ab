#!/usr/bin/env python
"""Benchmark: what each index buys, on the world bench/scoring_run.py leaves behind.

    .venv/bin/python bench/scoring_run.py --agents 10000 --evaluations 2000000 --errors 600000 --rules 10
    .venv/bin/python bench/indexes.py

For each index it times the queries that rely on it (best of --repeat), then drops the
index inside a transaction, times them again and rolls back, and prints both with
their ratio. The database is BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/qa_review_bench).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def best_of(repeat: int, query: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        query()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "qa_review.settings.local",
            "DEBUG": "false",
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qa_review_bench"),
        }
    )
    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.models import Count
    from django.utils import timezone

    from accounts.models import Role, User
    from reviews.models import Call, CriticalErrorType
    from reviews.selectors import calls_visible_to
    from reviews.selectors.thresholds import candidate_errors

    agents = list(User.objects.filter(role=Role.AGENT).order_by("pk").values_list("pk", flat=True))
    if not agents:
        raise SystemExit("No agents: run bench/scoring_run.py first (it leaves the world behind).")
    newest = Call.objects.order_by("-started_at").values_list("started_at", flat=True).first()
    assert newest is not None
    month_end = timezone.localtime(newest).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    month_start = (month_end - dt.timedelta(days=1)).replace(day=1)
    codes = list(CriticalErrorType.objects.values_list("code", flat=True))
    chunk = agents[:250]
    busy_agent = agents[len(agents) // 2]
    supervisor = User.objects.filter(role=Role.SUPERVISOR).order_by("pk").first()

    cases: list[tuple[str, str, Callable[[], Any]]] = [
        (
            "reviews_call_started",
            "calls per agent in one month (sampling draw, fairness report)",
            lambda: list(
                Call.objects.filter(started_at__gte=month_start, started_at__lt=month_end)
                .values("agent_id")
                .annotate(n=Count("pk"))
            ),
        ),
        (
            "reviews_call_started",
            "a supervisor's calls, newest first, a page of 25 (the queue)",
            lambda: list(calls_visible_to(supervisor).order_by("-started_at", "-pk")[:25]),
        ),
        (
            "reviews_call_agent_started_id",
            "one agent's calls, newest first, a page of 25",
            lambda: list(Call.objects.filter(agent_id=busy_agent).order_by("-started_at", "-pk")[:25]),
        ),
        (
            "reviews_ce_agent_observed",
            "candidate critical errors of a chunk of 250 agents over 365 days (scoring)",
            lambda: candidate_errors(
                agent_ids=chunk,
                type_codes=codes,
                after=newest - dt.timedelta(days=365),
                until=newest,
            ),
        ),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reviews_call")
        calls = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM reviews_criticalerror")
        errors = cursor.fetchone()[0]
    print(f"world: {len(agents):,} agents, {calls:,} calls, {errors:,} critical errors; best of {args.repeat}")
    for index, what, query in cases:
        with_index = best_of(args.repeat, query)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f'DROP INDEX "{index}"')
            without = best_of(args.repeat, query)
            transaction.set_rollback(True)
        print(
            f"{index:28s} {what:76s} with {with_index:8.1f} ms  without {without:8.1f} ms  "
            f"({without / with_index:,.0f}x)"
        )


if __name__ == "__main__":
    main()
