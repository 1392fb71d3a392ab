#!/usr/bin/env python
"""Benchmark: API latency under load, served by gunicorn (2 workers), measured with wrk.

    .venv/bin/python bench/scoring_run.py --agents 10000 --evaluations 2000000 --errors 600000 --rules 10
    .venv/bin/python bench/api_latency.py            # then this, on the world that run left behind
    git worktree add /tmp/before <commit>            # before/after: serve an earlier checkout instead
    .venv/bin/python bench/api_latency.py --app-root /tmp/before

It uses the database of bench/scoring_run.py (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/qa_review_bench), adds a works-council member, a
draft rule to preview (two types, 365 days) and a sampling policy, starts gunicorn
with 2 sync workers on 127.0.0.1 and loads each endpoint in turn for --seconds: the
lists (agent's evaluations, supervisor's queue, QA lead's alerts, the council's group
breakdown) with --connections connections, the reports (pressure indicators,
reviewer consistency, rule usage, a month's fairness report, the what-if preview)
alone. It prints requests/s, how many answered and timed out (wrk waits up to
120 s, so every request sent is in the percentiles), p50/p95/p99 and the target
for each. wrk comes from Debian (`apt-get install wrk`).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LUA = """
wrk.method = os.getenv("BENCH_METHOD") or "GET"
if wrk.method == "POST" then
  wrk.body = "{}"
  wrk.headers["Content-Type"] = "application/json"
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d timeouts=%d errors=%d p50=%.2f p95=%.2f p99=%.2f\\n",
    summary.requests, summary.errors.timeout,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""
# A request is never dropped from the figures: wrk waits up to this long for each answer (its default
# of 2 s would leave the slowest requests out of the percentiles and count them only as errors).
WRK_TIMEOUT = "120s"


class Target(NamedTuple):
    label: str
    who: str
    path: str
    target_ms: int
    connections: int  # 0: the --connections given (the lists); 1: alone (the reports)
    method: str = "GET"


def targets(ids: dict[str, str]) -> list[Target]:
    return [
        Target("agent's evaluation list", "agent", "/api/v1/evaluations/", 100, 0),
        Target("supervisor's queue", "supervisor", "/api/v1/calls/", 100, 0),
        Target("QA lead's alerts", "qa_lead", "/api/v1/alerts/", 100, 0),
        Target("council group breakdown", "council", "/api/v1/works-council/group-breakdown/", 150, 0),
        Target("council pressure indicators", "council", "/api/v1/works-council/pressure-indicators/", 300, 1),
        Target("council reviewer consistency", "council", "/api/v1/works-council/reviewer-consistency/", 300, 1),
        Target("council rule usage", "council", "/api/v1/works-council/rule-usage/", 300, 1),
        Target(
            "fairness report, a month",
            "qa_lead",
            f"/api/v1/sampling-policies/{ids['policy']}/fairness/?period={ids['period']}",
            1000,
            1,
        ),
        Target(
            "what-if preview, wide rule", "qa_lead", f"/api/v1/threshold-rules/{ids['rule']}/preview/", 1000, 1, "POST"
        ),
    ]


def tokens() -> tuple[dict[str, str], dict[str, str]]:
    """API tokens for a busy agent, a supervisor of that agent's team, the QA lead and a council member;
    and the ids of a draft rule to preview (2 types, 365 days) and a sampling policy for fairness."""
    from django.db.models import Count
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accounts.models import Role, User
    from reviews.domain.periods import previous_month
    from reviews.models import CriticalErrorType, SamplingPolicy, ThresholdRule
    from reviews.services.rules import RuleTerms, threshold_rule_create
    from reviews.services.sampling import sampling_policy_create

    agent = User.objects.filter(role=Role.AGENT).annotate(n=Count("calls")).order_by("-n").only("pk", "team_id").first()
    if agent is None:
        raise SystemExit("No agents: run bench/scoring_run.py first (it leaves the world behind).")
    supervisor = User.objects.filter(role=Role.SUPERVISOR, team_id=agent.team_id).first()
    qa_lead = User.objects.filter(role=Role.QA_LEAD).first()
    council, _ = User.objects.get_or_create(username="bench_council", defaults={"role": Role.WORKS_COUNCIL})
    users = {"agent": agent, "supervisor": supervisor, "qa_lead": qa_lead, "council": council}
    keys = {name: Token.objects.get_or_create(user=user)[0].key for name, user in users.items()}
    rule = ThresholdRule.objects.filter(name="bench: wide preview").first()
    if rule is None:
        codes = list(
            CriticalErrorType.objects.filter(counts_toward_thresholds=True)
            .order_by("pk")
            .values_list("code", flat=True)
        )[:2]
        terms = RuleTerms(
            purpose="Benchmark: preview of a wide rule.",
            counted_type_codes=frozenset(codes),
            count_n=3,
            window_days=365,
            level="coaching",
            effective_from=timezone.localdate(),
            team_ids=frozenset(),
            employment_types=frozenset(),
            count_targeted_reviews=False,
            exclude_flagged_reviewers=False,
        )
        rule = threshold_rule_create(name="bench: wide preview", terms=terms, acting_user=qa_lead)
    policy = SamplingPolicy.objects.filter(name="bench: fairness").first() or sampling_policy_create(
        acting_user=qa_lead, name="bench: fairness", calls_per_agent=4, per_agent_cap=8, seed=1
    )
    return keys, {"rule": str(rule.pk), "policy": str(policy.pk), "period": previous_month(timezone.localdate())}


def server_env() -> dict[str, str]:
    """The environment gunicorn serves the benchmark world with (BENCH_DATABASE_URL)."""
    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qa_review_bench")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qa_review.settings.local",
        "DEBUG": "false",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "THROTTLE_EXPORT": "1000000/hour",  # the export throttle would answer 429 to a load test
    }


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers (401 without a token)
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--app-root",
        type=Path,
        default=ROOT,
        help="serve the code in this checkout (e.g. a git worktree of an earlier commit, for a before/after)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")

    env = server_env()
    os.environ.update(env)
    import django

    django.setup()
    keys, ids = tokens()
    from django.db import connection

    # What beat's refresh has done in a running deployment: the per-month figures are up to date
    # (built from scratch on a new world; a report leaves so large a backlog to beat, docs/operations.md).
    from reviews.services.figures import figures_refresh

    started = time.perf_counter()
    refreshed = figures_refresh()
    print(f"figures refreshed as beat would: {refreshed} agent-months in {time.perf_counter() - started:.1f} s")
    # Then what autovacuum would have done after the scoring runs' large writes (65,735 alerts, ~720,000
    # evidence rows, deleted again by --reuse) and the refresh (which empties the figures' change table):
    # fresh planner statistics (without them PostgreSQL plans the evidence of a page of alerts as if it
    # were a third of the table) and dead rows removed (the change table alone can hold millions after a
    # world is loaded). Some machines run PostgreSQL with autovacuum off; deployments keep it on.
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        print(f"VACUUM ANALYZE: {time.perf_counter() - started:.1f} s")

    connection.close()

    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "qa_review.wsgi",
            "--workers=2",
            f"--bind=127.0.0.1:{args.port}",
            "--log-level=warning",
        ],
        cwd=args.app_root,
        env=env,
    )
    try:
        wait_until_up(f"{base}/api/v1/me/")
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA)
        print(
            f"gunicorn 2 sync workers ({args.app_root}); wrk, {args.seconds} s per endpoint, timeout {WRK_TIMEOUT}: "
            f"lists with {args.connections} connections, reports alone (1 connection)"
        )
        failed = []
        for target in targets(ids):
            connections = target.connections or args.connections
            headers = {"Authorization": f"Token {keys[target.who]}", "Content-Type": "application/json"}
            request = urllib.request.Request(
                base + target.path,
                headers=headers,
                method=target.method,
                data=b"{}" if target.method == "POST" else None,
            )
            with urllib.request.urlopen(request, timeout=120) as response:
                rows = response.read().count(b'"id"')
            out = subprocess.run(
                [
                    "wrk",
                    f"-t{min(2, connections)}",
                    f"-c{connections}",
                    f"-d{args.seconds}s",
                    f"--timeout={WRK_TIMEOUT}",
                    "-s",
                    script.name,
                    "-H",
                    f"Authorization: Token {keys[target.who]}",
                    base + target.path,
                ],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "BENCH_METHOD": target.method},
            ).stdout
            match = re.search(
                r"RESULT requests=(\d+) timeouts=(\d+) errors=(\d+) p50=([\d.]+) p95=([\d.]+) p99=([\d.]+)", out
            )
            if match is None:
                raise SystemExit(out)
            requests, timeouts, errors = int(match[1]), int(match[2]), int(match[3])
            p50, p95, p99 = (float(match[i]) for i in (4, 5, 6))
            ok = p95 < target.target_ms and errors == 0 and timeouts == 0
            if not ok:
                failed.append(target.label)
            print(
                f"{target.label:30s} {requests / args.seconds:7.1f} req/s  {requests:5d} answered  "
                f"{timeouts} timed out  {errors} errors  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms  "
                f"c={connections}  (~{rows} ids; target p95 < {target.target_ms} ms: {'met' if ok else 'NOT met'})"
            )
        Path(script.name).unlink()
        print("all targets met" if not failed else f"targets not met: {', '.join(failed)}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
