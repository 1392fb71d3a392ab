"""Beat's heartbeat: fresh while beat hands tasks to the broker, unhealthy once it stops."""

from __future__ import annotations

from pathlib import Path

from qa_review.beat import heartbeat_problem, write_heartbeat


def test_a_fresh_heartbeat_is_healthy(tmp_path: Path) -> None:
    path = tmp_path / "heartbeat"
    write_heartbeat(path, max_age_seconds=210, task="reviews.tasks.scoring_runs_reconcile", now=1000.0)
    assert heartbeat_problem(path, now=1000.0 + 210) is None


def test_a_heartbeat_older_than_its_age_is_unhealthy(tmp_path: Path) -> None:
    path = tmp_path / "heartbeat"
    write_heartbeat(path, max_age_seconds=210, task="started", now=1000.0)
    assert heartbeat_problem(path, now=1000.0 + 211) == "beat last sent a task 211 s ago (more than 210 s)"


def test_no_heartbeat_and_a_damaged_one_are_unhealthy(tmp_path: Path) -> None:
    assert "beat has not started" in (heartbeat_problem(tmp_path / "missing") or "")
    damaged = tmp_path / "damaged"
    damaged.write_text("{not json")
    assert "unreadable heartbeat" in (heartbeat_problem(damaged) or "")
