#!/usr/bin/env python
"""Benchmark: a sampling run and the fairness report on the world bench/scoring_run.py leaves behind.

    .venv/bin/python bench/scoring_run.py --agents 10000 --evaluations 2000000 --errors 600000 --rules 10
    .venv/bin/python bench/sampling_run.py

Draws the last full month of the generated calls under a policy of 4 calls per agent
(in this process, the service the Celery task calls), then builds that month's
fairness report; prints calls drawn, time and peak memory. The database is
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/qa_review_bench).
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "qa_review.settings.local",
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qa_review_bench"),
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import Role, User
    from reviews.models import Call, ReviewAssignment
    from reviews.selectors.sampling import sampling_fairness
    from reviews.services.sampling import sampling_policy_create, sampling_run_create, sampling_run_execute

    call_command("migrate", verbosity=0)
    qa_lead = User.objects.filter(role=Role.QA_LEAD).first()
    newest = Call.objects.order_by("-started_at").values_list("started_at", flat=True).first()
    if qa_lead is None or newest is None:
        raise SystemExit("No world: run bench/scoring_run.py first (it leaves the world behind).")
    month = (timezone.localtime(newest).replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    # A new policy each time, so the month can be drawn again (each policy draws a month once).
    policy = sampling_policy_create(
        acting_user=qa_lead, name=f"bench {uuid.uuid4().hex[:8]}", calls_per_agent=4, per_agent_cap=6, seed=7
    )
    ReviewAssignment.objects.all().delete()  # earlier benchmark draws would make their calls ineligible
    run = sampling_run_create(policy=policy, period=month, trigger="command", acting_user=None, enqueue=False)
    started = time.perf_counter()
    run = sampling_run_execute(run_id=run.pk)
    seconds = time.perf_counter() - started
    loads = Counter(ReviewAssignment.objects.filter(run=run).values_list("reviewer_id", flat=True))
    print(
        f"sampling run {month}: {run.status}, {run.calls_sampled:,} calls of {run.total_agents:,} agents "
        f"to {len(loads)} reviewers (load {min(loads.values(), default=0)} to {max(loads.values(), default=0)}) "
        f"in {seconds:.2f} s; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    started = time.perf_counter()
    report = sampling_fairness(policy=policy, period=month, pseudonymous=False)
    print(
        f"fairness report: {len(report.rows):,} agents, {report.flagged} flagged, "
        f"in {time.perf_counter() - started:.2f} s"
    )


if __name__ == "__main__":
    main()
