"""A scoring run over 5,000 agents survives a killed worker, a restarted broker and a database outage.

Each test compares the faulty run with the same run processed cleanly (in this process, rolled
back): the same scores, the same alerts with the same evidence, every chunk done exactly once.
Slow (about a minute each): `.ci/run` runs them; alone: `.venv/bin/pytest -m slow tests/faults`.
"""

from __future__ import annotations

import re
import time

import pytest
from django.db import connection, transaction

from accounts.models import Role, User
from reviews.models import AgentScore, Alert, AuditEvent, ScoringChunk
from reviews.services.audit import audit_chain_verify
from tests.conftest import wait_for
from tests.processes import DatabaseRelay

from .conftest import AGENTS, Outcome, database_url, run_state, send_start

pytestmark = [pytest.mark.slow, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def progress(run_id: int) -> tuple[int, int]:
    run = run_state(run_id)
    return run.processed_chunks, run.total_chunks


def assert_exactly_once(run_id: int, expected: Outcome) -> None:
    run = run_state(run_id)
    assert run.status == "succeeded", run.error
    agents = set(User.objects.filter(role=Role.AGENT, is_active=True).values_list("pk", flat=True))
    assert len(agents) >= AGENTS
    assert (run.total_agents, run.processed_agents) == (len(agents), len(agents))
    assert run.processed_chunks == run.total_chunks == ScoringChunk.objects.filter(run_id=run_id).count()
    # Each chunk's work was committed once: `attempts` only moves in the transaction that does the work.
    assert set(ScoringChunk.objects.filter(run_id=run_id).values_list("status", "attempts")) == {("done", 1)}
    assert sorted(AgentScore.objects.filter(run_id=run_id).values_list("agent_id", flat=True)) == sorted(agents)

    actual = Outcome.read(run_id)
    assert actual.scores == expected.scores
    assert actual.alerts == expected.alerts, (
        f"missing {len(expected.alerts - actual.alerts)}, unexpected {len(actual.alerts - expected.alerts)}"
    )
    assert len(expected.alerts) > 50, "the scenario should open a good number of alerts"
    assert run.alerts_opened == len(expected.alerts) == Alert.objects.filter(opened_by_run_id=run_id).count()
    opened_events = AuditEvent.objects.filter(action="reviews.alert.opened").values_list("object_id", flat=True)
    assert len(opened_events) == len(set(opened_events)) == len(expected.alerts)
    assert audit_chain_verify().ok


def consistent_so_far(run_id: int) -> None:
    """Read in one snapshot while workers commit: done chunks are complete, pending ones left no trace."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        done = list(ScoringChunk.objects.filter(run_id=run_id, status="done"))
        done_agents = sorted(a for chunk in done for a in chunk.agent_ids)
        run = run_state(run_id)
        assert run.processed_agents == len(done_agents)
        assert run.processed_chunks == len(done)
        assert sorted(AgentScore.objects.filter(run_id=run_id).values_list("agent_id", flat=True)) == done_agents
        assert run.alerts_opened == sum(chunk.alerts_opened for chunk in done)
        assert Alert.objects.filter(opened_by_run_id=run_id).count() == run.alerts_opened


def start_run(fault_world, redis_server, worker) -> tuple[int, int]:
    """Start the worker, queue the run and send its start task; returns the run's id and its chunk count."""
    worker.start()
    run_id = fault_world.queue_run().pk
    send_start(run_id, broker_url=redis_server.url, queue=worker.queue)
    wait_for(lambda: progress(run_id)[1], timeout=60, interval=0.05, what="the run to be planned")
    return run_id, progress(run_id)[1]


def run_ended(run_id: int, timeout: float, worker=None) -> None:  # type: ignore[no-untyped-def]
    try:
        wait_for(lambda: run_state(run_id).status in ("succeeded", "failed"), timeout=timeout, what="the run to end")
    except AssertionError as exc:  # say where the run stood and what the worker last did
        done, total = progress(run_id)
        logs = worker.logs()[-6000:] if worker is not None else ""
        raise AssertionError(f"{exc}: {done} of {total} chunks done\n{logs}") from None


def test_kill_9_of_the_worker_at_random_points_still_ends_the_run_exactly_once(
    fault_world, fault_rng, redis_server, worker_factory
):
    expected = fault_world.clean_outcome()
    worker = worker_factory(broker_url=redis_server.url)
    run_id, total = start_run(fault_world, redis_server, worker)
    kill_points = sorted(fault_rng.uniform(0.05, 0.85) for _ in range(3))
    killed_at: list[int] = []
    for point in kill_points:
        target = max(int(point * total), (killed_at[-1] + 1) if killed_at else 1)
        wait_for(lambda t=target: progress(run_id)[0] >= t, timeout=120, interval=0.02, what=f"{target} chunks done")
        consistent_so_far(run_id)  # while the worker is busy
        time.sleep(fault_rng.uniform(0, 0.3))  # somewhere inside the next chunks' transactions
        worker.kill9()
        killed_at.append(progress(run_id)[0])
        consistent_so_far(run_id)
        worker.start()
    print(f"killed the worker with SIGKILL after {killed_at} of {total} chunks")
    assert all(0 < k < total for k in killed_at), "every kill should land mid-run"

    run_ended(run_id, timeout=180)
    assert_exactly_once(run_id, expected)
    # Chunks prefetched by a killed worker stay unacknowledged in Redis; the reconciler sent them again.
    assert AuditEvent.objects.filter(action="reviews.scoring_run.reconciled", object_id=str(run_id)).exists()


def test_a_redis_restart_mid_run_loses_nothing(fault_world, fault_rng, redis_server, worker_factory):
    expected = fault_world.clean_outcome()
    worker = worker_factory(broker_url=redis_server.url)
    run_id, total = start_run(fault_world, redis_server, worker)
    target = int(fault_rng.uniform(0.1, 0.5) * total) + 1
    wait_for(lambda: progress(run_id)[0] >= target, timeout=120, interval=0.02, what=f"{target} chunks done")
    consistent_so_far(run_id)
    redis_server.stop()  # the queued chunk messages are gone with it
    lost_at = progress(run_id)[0]
    time.sleep(fault_rng.uniform(1, 3))
    redis_server.start()
    print(f"restarted Redis after {lost_at} of {total} chunks")
    assert lost_at < total

    run_ended(run_id, timeout=180, worker=worker)
    assert_exactly_once(run_id, expected)
    reconciled = AuditEvent.objects.filter(action="reviews.scoring_run.reconciled", object_id=str(run_id))
    assert reconciled.exists(), worker.logs()[-3000:]
    assert max(event.data["chunks"] for event in reconciled) > 0


def test_with_postgresql_gone_the_worker_retries_with_backoff_and_writes_nothing_half(
    fault_world, fault_rng, redis_server, worker_factory
):
    expected = fault_world.clean_outcome()
    relay = DatabaseRelay(("127.0.0.1", int(database_url().rsplit(":", 1)[1].split("/")[0])))
    try:
        worker = worker_factory(broker_url=redis_server.url, db_port=relay.port)
        run_id, total = start_run(fault_world, redis_server, worker)
        target = int(fault_rng.uniform(0.1, 0.4) * total) + 1
        wait_for(lambda: progress(run_id)[0] >= target, timeout=120, interval=0.02, what=f"{target} chunks done")
        consistent_so_far(run_id)  # while the worker is busy
        relay.cut()  # open connections dropped mid-transaction, new ones refused
        time.sleep(0.5)  # a COMMIT that reached PostgreSQL before the cut may still land
        cut_at = progress(run_id)[0]
        for _ in range(4):  # during the outage, read directly: nothing half-written
            time.sleep(2)
            consistent_so_far(run_id)
            assert progress(run_id)[0] == cut_at, "no chunk can finish without the database"
        relay.restore()
        print(f"cut the database link for 8.5 s after {cut_at} of {total} chunks; {relay.refused} connections refused")
        assert relay.refused > 0, "the worker should have tried to reconnect during the outage"

        run_ended(run_id, timeout=240)
        assert_exactly_once(run_id, expected)
        logs = worker.logs()
        delays = [float(s) for s in re.findall(r"Retry in (\d+(?:\.\d+)?)s", logs)]
        assert delays, logs[-3000:]
        print(f"retries logged: {len(delays)}; longest wait {max(delays):.0f} s")
        # Backoff with full jitter draws each wait at random from 0 up to min(2 * 2**n, 60) s: the bounds
        # are the policy's promise, the draws are not (an assertion on them failed on a loaded machine).
        assert all(0 <= delay <= 60 for delay in delays), delays
    finally:
        relay.close()
