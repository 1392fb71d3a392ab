"""The benchmark still runs (at a tiny size, in its own database): it must not rot between measurements.

It asserts that the run and the single-SQL floor agree; it never asserts timings.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def bench_env(name: str) -> dict[str, str]:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test").rsplit("/", 1)[0]
    env = {**os.environ, "BENCH_DATABASE_URL": f"{base}/{name}_{os.getpid()}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def bench(script: str, *args: str, env: dict[str, str]) -> str:
    completed = subprocess.run(
        [sys.executable, f"bench/{script}", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]
    return completed.stdout


@pytest.mark.worker
def test_the_scoring_and_api_latency_benchmarks_run_and_the_run_agrees_with_its_floor():
    env = bench_env("qa_review_bench_smoke")
    try:
        out = bench(
            "scoring_run.py",
            *("--agents", "40", "--evaluations", "800", "--errors", "400", "--rules", "3"),
            *("--chunk-size", "10", "--concurrency", "1"),
            env=env,
        )
        assert "agree" in out
        assert "opened 0 alerts: idempotent" in out
        # The latency benchmark serves that world with gunicorn and loads it with wrk, briefly.
        out = bench("api_latency.py", "--seconds", "1", "--connections", "1", env=env)
        labels = ["agent's evaluation list", "supervisor's queue", "QA lead's alerts", "council group breakdown"]
        labels += ["council pressure indicators", "fairness report, a month", "what-if preview, wide rule"]
        for label in labels:
            line = next(line for line in out.splitlines() if line.startswith(label))
            assert " 0 timed out  0 errors" in line and "req/s" in line, out
        # The mixed load test: a few people for two seconds, every request answered.
        out = bench("mixed_load.py", "--seconds", "2", "--users", "2", "--teams", "1", env=env)
        assert "0 failed (target 0: met)" in out, out
    finally:
        import psycopg

        name = env["BENCH_DATABASE_URL"].rsplit("/", 1)[1]
        with psycopg.connect(env["BENCH_DATABASE_URL"].rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_import_benchmark_runs_and_imports_every_good_row_once():
    env = bench_env("qa_review_bench_import_smoke")
    out = bench("import_calls.py", *("--rows", "3000", "--agents", "50", "--drop-after"), env=env)
    assert "import (copy)" in out and "import (bulk)" in out
    assert "created 0, already there 2,970" in out
    import psycopg

    with psycopg.connect(env["BENCH_DATABASE_URL"].rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        name = env["BENCH_DATABASE_URL"].rsplit("/", 1)[1]
        assert conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None


def test_the_transcript_search_benchmark_runs_and_its_searches_agree_with_the_floor():
    env = bench_env("qa_review_bench_search_smoke")
    out = bench(
        "transcript_search.py",
        *("--transcripts", "60", "--agents", "20", "--teams", "2", "--repeats", "2", "--drop-after"),
        env=env,
    )
    assert "selector and floor found the same first page: agree" in out
    assert "all searches, supervisor:" in out
    import psycopg

    with psycopg.connect(env["BENCH_DATABASE_URL"].rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        name = env["BENCH_DATABASE_URL"].rsplit("/", 1)[1]
        assert conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None


def test_the_screening_benchmark_runs_through_a_worker_and_agrees_with_its_check():
    env = bench_env("qa_review_bench_screening_smoke")
    out = bench(
        "screening.py",
        *("--transcripts", "60", "--agents", "20", "--teams", "2", "--drop-after"),
        env=env,
    )
    assert "through one worker process" in out
    assert "all among the selected: agree" in out
    assert "a second run selects 0 more" in out
