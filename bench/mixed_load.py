#!/usr/bin/env python
"""Benchmark: a mixed workload people would recognise, 16 concurrent users against gunicorn.

    .venv/bin/python bench/scoring_run.py --agents 10000 --evaluations 2000000 --errors 600000 --rules 10
    .venv/bin/python bench/mixed_load.py             # then this, on the world that run left behind

Supervisors page their queue and open calls, agents open their overview, the QA lead pages the
alerts, the works council reads its reports: each of --users threads (default 16) is one person
who, for --seconds (default 60), picks the next request by the weights below (seeded, the seed is
printed) and sends it as soon as the previous one is answered, over its own keep-alive
connection. Served by gunicorn with 2 sync workers on the database of bench/scoring_run.py. It
prints, per kind of request, how many were sent, how many failed (anything but 200, or no answer
within 120 s) and the p50/p95 latency of all of them; the target is 0 failures.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from api_latency import server_env, wait_until_up  # noqa: E402

# (kind, who, weight): who is "supervisor", "agent", "qa_lead" or "council"; paths below.
KINDS = [
    ("supervisor: queue page", "supervisor", 4),
    ("supervisor: open a call", "supervisor", 3),
    ("supervisor: evaluations page", "supervisor", 1),
    ("agent: overview", "agent", 4),
    ("QA lead: alerts page", "qa_lead", 2),
    ("council: rule usage", "council", 1),
    ("council: group breakdown", "council", 1),
    ("council: reviewer consistency", "council", 1),
]


def people(teams: int) -> dict[str, list[tuple[str, list[int]]]]:
    """Tokens of the supervisors and busiest agents of ``teams`` teams, the QA lead and a council member,
    with, for each supervisor, the ids of the calls on their queue's first page."""
    from django.db.models import Count
    from rest_framework.authtoken.models import Token

    from accounts.models import Role, User
    from reviews.selectors import calls_visible_to

    def token(user: User) -> str:
        return Token.objects.get_or_create(user=user)[0].key

    supervisors = list(User.objects.filter(role=Role.SUPERVISOR, team__isnull=False).order_by("pk")[:teams])
    if not supervisors:
        raise SystemExit("No supervisors: run bench/scoring_run.py first (it leaves the world behind).")
    agents = [
        User.objects.filter(role=Role.AGENT, team_id=s.team_id).annotate(n=Count("calls")).order_by("-n").first()
        for s in supervisors
    ]
    council, _ = User.objects.get_or_create(username="bench_council", defaults={"role": Role.WORKS_COUNCIL})
    qa_lead = User.objects.filter(role=Role.QA_LEAD).first()
    return {
        "supervisor": [(token(s), list(calls_visible_to(s).values_list("pk", flat=True)[:25])) for s in supervisors],
        "agent": [(token(a), []) for a in agents if a is not None],
        "qa_lead": [(token(qa_lead), [])],
        "council": [(token(council), [])],
    }


def path_of(kind: str, call_ids: list[int], draw: random.Random) -> str:
    return {
        "supervisor: queue page": "/api/v1/calls/",
        "supervisor: open a call": f"/api/v1/calls/{draw.choice(call_ids) if call_ids else 0}/",
        "supervisor: evaluations page": "/api/v1/evaluations/",
        "agent: overview": "/api/v1/me/overview/",
        "QA lead: alerts page": "/api/v1/alerts/",
        "council: rule usage": "/api/v1/works-council/rule-usage/",
        "council: group breakdown": "/api/v1/works-council/group-breakdown/",
        "council: reviewer consistency": "/api/v1/works-council/reviewer-consistency/",
    }[kind]


def user_loop(port: int, who: list, seed: int, until: float, results: dict, lock: threading.Lock) -> None:  # type: ignore[type-arg]
    draw = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    kinds = [k for k, _w, weight in KINDS for _ in range(weight)]
    while time.monotonic() < until:
        kind = draw.choice(kinds)
        role = next(w for k, w, _ in KINDS if k == kind)
        key, call_ids = draw.choice(who[role])
        started = time.perf_counter()
        try:
            connection.request("GET", path_of(kind, call_ids, draw), headers={"Authorization": f"Token {key}"})
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        took = (time.perf_counter() - started) * 1000
        with lock:
            results[kind].append((took, ok))
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--teams", type=int, default=8)
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    env = server_env()
    os.environ.update(env)
    import django

    django.setup()
    who = people(args.teams)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()
    command = [str(ROOT / ".venv/bin/gunicorn"), "qa_review.wsgi", "--workers=2", f"--bind=127.0.0.1:{args.port}"]
    server = subprocess.Popen(
        [*command, "--log-level=warning", "--timeout=120"],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{args.port}/api/v1/me/")
        print(f"seed {args.seed}; {args.users} users for {args.seconds} s against gunicorn with 2 sync workers")
        results: dict[str, list[tuple[float, bool]]] = defaultdict(list)
        lock = threading.Lock()
        until = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=user_loop, args=(args.port, who, args.seed + i, until, results, lock))
            for i in range(args.users)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        failures = 0
        for kind, _who, _weight in KINDS:
            rows = results.get(kind, [])
            if not rows:
                continue
            times = sorted(t for t, _ok in rows)
            failed = sum(1 for _t, ok in rows if not ok)
            failures += failed
            p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
            print(
                f"{kind:32s} {len(rows):6d} sent  {failed} failed  p50 {statistics.median(times):8.1f} ms  "
                f"p95 {p95:8.1f} ms"
            )
        total = sum(len(r) for r in results.values())
        print(
            f"all: {total} requests, {total / args.seconds:.1f} req/s, {failures} failed (target 0: "
            f"{'met' if failures == 0 else 'NOT met'})"
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
