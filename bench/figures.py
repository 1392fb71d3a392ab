#!/usr/bin/env python
"""Benchmark: the per-month figures behind the pressure indicators and the fairness report.

    .venv/bin/python bench/scoring_run.py --agents 10000 --evaluations 2000000 --errors 600000 --rules 10
    .venv/bin/python bench/figures.py               # then this, on the world that run left behind

On the benchmark database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/qa_review_bench)
it prints: the time to build every agent-month's figures from scratch (what the first refresh after the
upgrade does), the time to refresh after a day's changes (--changes critical errors of different agents
withdrawn, written past the services as a bulk update, so only the triggers see them), and for the last
whole quarter, per period kind, the pressure indicators counted from the raw rows and from the figures
(best of --repeats), their ratio, and whether both give the same counts; then the same for a month's
fairness counts. The withdrawn errors are put back at the end (and refreshed).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def best(repeats: int, work):  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--changes", type=int, default=1500)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261201)
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
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from reviews.api.params import council_window_between, window_bounds
    from reviews.domain.periods import month_bounds, previous_month
    from reviews.models import CriticalError
    from reviews.selectors.council_pressure import _whole_months, counts_from_figures, counts_from_rows
    from reviews.selectors.sampling import evaluation_counts_from_figures, evaluation_counts_from_rows
    from reviews.services.figures import figures_refresh

    print(f"seed {args.seed}")
    figures_refresh()
    with connection.cursor() as cursor:  # every agent-month marked, as the upgrade's migration does
        cursor.execute(
            "INSERT INTO reviews_figurechange (agent_id, at) SELECT agent_id, min(started_at) FROM reviews_call "
            "GROUP BY agent_id, date_trunc('month', started_at AT TIME ZONE %s)",
            [settings.TIME_ZONE],
        )
    started = time.perf_counter()
    rebuilt = figures_refresh()
    print(f"figures from scratch:       {time.perf_counter() - started:7.2f} s ({rebuilt:,} agent-months)")

    rng = random.Random(args.seed)
    recent = timezone.now() - timezone.timedelta(days=30)
    candidates = list(
        CriticalError.objects.filter(status="active", observed_at__gte=recent).values_list("pk", "agent_id")
    )
    rng.shuffle(candidates)
    chosen, seen = [], set()
    for pk, agent_id in candidates:
        if agent_id not in seen:
            seen.add(agent_id)
            chosen.append(pk)
        if len(chosen) == args.changes:
            break
    CriticalError.objects.filter(pk__in=chosen).update(status="withdrawn")
    started = time.perf_counter()
    refreshed = figures_refresh()
    print(
        f"refresh after a day:        {time.perf_counter() - started:7.2f} s "
        f"({len(chosen):,} errors of as many agents withdrawn; {refreshed:,} agent-months recomputed)"
    )

    start, end = window_bounds(council_window_between(None, None))
    months = _whole_months(start, end)
    assert months is not None
    for period in ("month", "quarter"):
        raw_s, raw = best(args.repeats, lambda period=period: counts_from_rows(start, end, period))
        fig_s, fig = best(args.repeats, lambda period=period: counts_from_figures(months, period))
        same = (raw.bands, raw.causes, raw.agents_per_bucket) == (fig.bands, fig.causes, fig.agents_per_bucket)
        same = same and {k: dict(v) for k, v in raw.over_time.items()} == {k: dict(v) for k, v in fig.over_time.items()}
        print(
            f"pressure {start:%Y-%m}..{end:%Y-%m} by {period:7s}: rows {raw_s * 1000:7.0f} ms, "
            f"figures {fig_s * 1000:5.0f} ms ({raw_s / fig_s:.0f}x), {'same counts' if same else 'COUNTS DIFFER'}"
        )
    period = previous_month(timezone.localdate())
    first, after = month_bounds(period)
    raw_s, raw_counts = best(args.repeats, lambda: evaluation_counts_from_rows(first, after))
    fig_s, fig_counts = best(args.repeats, lambda: evaluation_counts_from_figures(first))
    print(
        f"fairness counts {period}:      rows {raw_s * 1000:7.0f} ms, figures {fig_s * 1000:5.0f} ms "
        f"({raw_s / fig_s:.0f}x), {'same counts' if raw_counts == fig_counts else 'COUNTS DIFFER'}"
    )
    CriticalError.objects.filter(pk__in=chosen).update(status="active")
    figures_refresh()


if __name__ == "__main__":
    main()
