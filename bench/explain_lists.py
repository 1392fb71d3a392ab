#!/usr/bin/env python
"""Benchmark check: the query plan of every list page, on the 10,000-agent world.

    .venv/bin/python bench/scoring_run.py --agents 10000 --evaluations 2000000 --errors 600000 --rules 10
    .venv/bin/python bench/explain_lists.py          # then this, on the world that run left behind

For each list endpoint it asks one page as the person who uses it (through Django's test client on
the benchmark database), captures every query the page ran, and runs ``EXPLAIN (ANALYZE, BUFFERS)``
on each. The plans are written to ``bench/plans/<list>.txt``; the script prints each query's time
and fails if any plan reads one of the large tables (calls, evaluations, critical errors, alerts,
evidence, audit events) with a sequential scan: a page must be found through an index.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LARGE = ("reviews_call", "reviews_evaluation", "reviews_criticalerror", "reviews_alert", "reviews_alertevidence")
LARGE += ("reviews_auditevent",)
LISTS = [
    ("agent-evaluations", "agent", "/api/v1/evaluations/"),
    ("supervisor-queue", "supervisor", "/api/v1/calls/"),
    ("supervisor-evaluations", "supervisor", "/api/v1/evaluations/"),
    ("supervisor-alerts", "supervisor", "/api/v1/alerts/"),
    ("qa-lead-alerts", "qa_lead", "/api/v1/alerts/"),
    ("qa-lead-queue", "qa_lead", "/api/v1/calls/"),
    ("agent-alerts", "agent", "/api/v1/alerts/"),
    ("council-audit-log", "council", "/api/v1/works-council/audit-log/"),
]


def main() -> None:
    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qa_review_bench")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "qa_review.settings.local",
            "DATABASE_URL": database_url,
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from accounts.models import Role, User

    agent = User.objects.filter(role=Role.AGENT).annotate(n=Count("calls")).order_by("-n").first()
    if agent is None:
        raise SystemExit("No agents: run bench/scoring_run.py first (it leaves the world behind).")
    people = {
        "agent": agent,
        "supervisor": User.objects.filter(role=Role.SUPERVISOR, team_id=agent.team_id).first(),
        "qa_lead": User.objects.filter(role=Role.QA_LEAD).first(),
        "council": User.objects.get_or_create(username="bench_council", defaults={"role": Role.WORKS_COUNCIL})[0],
    }
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    out_dir = ROOT / "bench" / "plans"
    out_dir.mkdir(exist_ok=True)
    scans = []
    for name, who, path in LISTS:
        client = APIClient()
        client.force_authenticate(people[who])
        client.get(path)  # warm
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} as {who}: {response.status_code}")
        report = [f"# {path} as {who}: {len(captured.captured_queries)} queries\n"]
        total = 0.0
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            took = float(re.search(r"Execution Time: ([\d.]+) ms", plan)[1])  # type: ignore[index]
            total += took
            seq = [t for t in LARGE if re.search(rf"Seq Scan on {t}\b", plan)]
            scans += [(name, t) for t in seq]
            report.append(f"{sql}\n\n{plan}\n\n")
        (out_dir / f"{name}.txt").write_text("".join(report))
        print(f"{name:24s} {path:36s} {len(captured.captured_queries):2d} queries  {total:7.1f} ms in the database")
    if scans:
        raise SystemExit(f"sequential scans of large tables: {scans}")
    print("no sequential scan of calls, evaluations, critical errors, alerts, evidence or audit events")


if __name__ == "__main__":
    main()
