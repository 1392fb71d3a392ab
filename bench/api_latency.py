#!/usr/bin/env python
"""Benchmark: API latency under load, served by gunicorn (2 workers), measured with wrk.

    .venv/bin/python bench/scoring_run.py --agents 10000 --evaluations 2000000 --errors 600000 --rules 10
    .venv/bin/python bench/api_latency.py            # then this, on the world that run left behind

It uses the database of bench/scoring_run.py (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/qa_review_bench), adds a works-council member,
starts gunicorn with 2 sync workers on 127.0.0.1 and loads, one after another for
--seconds each with --connections connections:

- an agent's evaluation list        GET /api/v1/evaluations/
- a supervisor's queue              GET /api/v1/calls/
- the works-council breakdown       GET /api/v1/works-council/group-breakdown/

printing requests/s and p50/p95/p99 latency as wrk measured them, and the targets
(p95 under 100 ms for the lists, under 300 ms for the breakdown). wrk comes from
Debian (`apt-get install wrk`).
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d p50=%.2f p95=%.2f p99=%.2f\\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""

TARGETS = [
    ("agent's evaluation list", "agent", "/api/v1/evaluations/", 100),
    ("supervisor's queue", "supervisor", "/api/v1/calls/", 100),
    ("works-council breakdown", "council", "/api/v1/works-council/group-breakdown/", 300),
]


def tokens() -> dict[str, str]:
    """API tokens for a busy agent, a supervisor of that agent's team, and a council member."""
    from django.db.models import Count
    from rest_framework.authtoken.models import Token

    from accounts.models import Role, User

    agent = User.objects.filter(role=Role.AGENT).annotate(n=Count("calls")).order_by("-n").only("pk", "team_id").first()
    if agent is None:
        raise SystemExit("No agents: run bench/scoring_run.py first (it leaves the world behind).")
    supervisor = User.objects.filter(role=Role.SUPERVISOR, team_id=agent.team_id).first()
    council, _ = User.objects.get_or_create(username="bench_council", defaults={"role": Role.WORKS_COUNCIL})
    users = {"agent": agent, "supervisor": supervisor, "council": council}
    return {name: Token.objects.get_or_create(user=user)[0].key for name, user in users.items()}


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
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")

    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qa_review_bench")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qa_review.settings.local",
        "DEBUG": "false",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    os.environ.update(env)
    import django

    django.setup()
    keys = tokens()
    from django.db import connection

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
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(f"{base}/api/v1/me/")
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA)
        threads = min(2, args.connections)
        print(
            f"gunicorn 2 sync workers; wrk {threads} threads, {args.connections} connections, "
            f"{args.seconds} s per endpoint"
        )
        failed = []
        for label, who, path, target_ms in TARGETS:
            request = urllib.request.Request(base + path, headers={"Authorization": f"Token {keys[who]}"})
            with urllib.request.urlopen(request, timeout=30) as response:
                rows = response.read().count(b'"id"')
            out = subprocess.run(
                [
                    "wrk",
                    f"-t{min(2, args.connections)}",
                    f"-c{args.connections}",
                    f"-d{args.seconds}s",
                    "-s",
                    script.name,
                    "-H",
                    f"Authorization: Token {keys[who]}",
                    base + path,
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            match = re.search(r"RESULT requests=(\d+) errors=(\d+) p50=([\d.]+) p95=([\d.]+) p99=([\d.]+)", out)
            if match is None:
                raise SystemExit(out)
            requests, errors = int(match[1]), int(match[2])
            p50, p95, p99 = (float(match[i]) for i in (3, 4, 5))
            ok = p95 < target_ms and errors == 0
            if not ok:
                failed.append(label)
            print(
                f"{label:26s} {path:42s} {requests / args.seconds:7.1f} req/s  p50 {p50:6.1f} ms  "
                f"p95 {p95:6.1f} ms  p99 {p99:6.1f} ms  errors {errors}  (~{rows} objects per page; "
                f"target p95 < {target_ms} ms: {'met' if ok else 'NOT met'})"
            )
        Path(script.name).unlink()
        print("all targets met" if not failed else f"targets not met: {', '.join(failed)}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
