"""The benchmark still runs (at a tiny size, in its own database): it must not rot between measurements.

It asserts that the run and the single-SQL floor agree; it never asserts timings.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.worker
def test_the_scoring_benchmark_runs_and_agrees_with_its_floor():
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test").rsplit("/", 1)[0]
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": f"{base}/qa_review_bench_smoke_{os.getpid()}",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    completed = subprocess.run(
        [
            sys.executable,
            "bench/scoring_run.py",
            "--agents",
            "40",
            "--evaluations",
            "800",
            "--errors",
            "400",
            "--rules",
            "3",
            "--chunk-size",
            "10",
            "--concurrency",
            "1",
            "--drop-after",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]
    assert "agree" in completed.stdout
    assert "opened 0 alerts: idempotent" in completed.stdout
