"""Batch scoring through a real Celery worker and real Redis (no eager mode)."""

import datetime as dt

import pytest
from django.utils import timezone

from reviews.models import AgentScore, Alert, AlertEvidence, AuditEvent, ScoringChunk, ScoringRun
from reviews.tasks import scoring_chunk
from tests.conftest import client_for, wait_for
from tests.helpers import active_rule, scored_call

pytestmark = pytest.mark.worker


def finished(run_id: int) -> ScoringRun | None:
    run = ScoringRun.objects.get(pk=run_id)
    return run if run.status in ("succeeded", "failed") else None


def start_run(world, **payload) -> int:
    response = client_for(world.qa_lead).post("/api/v1/scoring-runs/", payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "queued"
    return response.json()["id"]


def snapshot():
    return (
        list(
            AgentScore.objects.order_by("agent_id").values_list(
                "agent_id", "evaluations", "mean_score", "critical_errors"
            )
        ),
        list(Alert.objects.order_by("pk").values_list("pk", "agent_id", "rule_id", "status")),
        list(AlertEvidence.objects.order_by("pk").values_list("alert_id", "critical_error_id")),
    )


@pytest.fixture
def scenario(world, published_version):
    start = timezone.now() - dt.timedelta(days=100)
    active_rule(qa_lead=world.qa_lead, council=world.council, at=start, n=3, window_days=90)
    now = timezone.now()
    for days in (40, 20, 5):
        scored_call(
            reviewer=world.supervisor,
            agent=world.agent,
            version=published_version,
            started_at=now - dt.timedelta(days=days),
        )
    scored_call(
        reviewer=world.supervisor,
        agent=world.colleague,
        version=published_version,
        started_at=now - dt.timedelta(days=3),
    )
    return world


def test_a_run_over_the_seeded_world_writes_scores_and_opens_the_expected_alert(celery_worker, scenario):
    world = scenario
    run_id = start_run(world, chunk_size=1)
    run = wait_for(lambda: finished(run_id), what="the scoring run to finish")
    assert run.status == "succeeded", run.error
    assert (run.total_agents, run.processed_agents, run.total_chunks, run.alerts_opened) == (3, 3, 3, 1)

    progress = client_for(world.qa_lead).get(f"/api/v1/scoring-runs/{run_id}/").json()
    assert progress["progress_percent"] == 100.0
    scores = {s.agent_id: s for s in AgentScore.objects.all()}
    assert set(scores) == {world.agent.pk, world.colleague.pk, world.other_agent.pk}
    alert = Alert.objects.get()
    assert (alert.agent_id, alert.status, alert.evidence.count()) == (world.agent.pk, "open", 3)


def test_a_second_run_and_a_redelivered_chunk_add_nothing(celery_worker, scenario):
    world = scenario
    first_id = start_run(world, chunk_size=1)
    assert wait_for(lambda: finished(first_id), what="the first run").status == "succeeded"
    before = snapshot()

    second_id = start_run(world, chunk_size=2)
    second = wait_for(lambda: finished(second_id), what="the second run")
    assert (second.status, second.alerts_opened) == ("succeeded", 0)
    assert snapshot()[1:] == before[1:]
    assert snapshot()[0] == before[0]

    # Deliver every chunk of the first run again, then a sentinel run behind them on the same queue.
    for chunk_id in ScoringChunk.objects.filter(run_id=first_id).values_list("pk", flat=True):
        scoring_chunk.delay(chunk_id, first_id)
    sentinel_id = start_run(world)
    assert wait_for(lambda: finished(sentinel_id), what="the sentinel run").status == "succeeded"
    first = ScoringRun.objects.get(pk=first_id)
    assert (first.processed_agents, first.processed_chunks, first.alerts_opened) == (3, 3, 1)
    assert set(ScoringChunk.objects.filter(run_id=first_id).values_list("attempts", flat=True)) == {1}
    assert snapshot()[1:] == before[1:]


def test_the_reconciler_resends_what_a_stale_run_still_needs_and_leaves_fresh_runs_alone(celery_worker, scenario):
    """Chunks lost with a worker or the broker: PostgreSQL knows they are pending, the reconciler sends them."""
    from reviews.services.scoring import scoring_run_create, scoring_run_plan, scoring_runs_reconcile

    never_started = scoring_run_create(trigger="command", acting_user=None, chunk_size=1, enqueue=False)
    lost_chunks = scoring_run_create(trigger="command", acting_user=None, chunk_size=1, enqueue=False)
    scoring_run_plan(run_id=lost_chunks.pk)  # planned, but its chunk messages never reached the broker
    fresh = scoring_run_create(trigger="command", acting_user=None, chunk_size=1, enqueue=False)
    scoring_run_plan(run_id=fresh.pk)

    assert scoring_runs_reconcile() == []  # nothing is stale yet
    long_ago = timezone.now() - dt.timedelta(minutes=30)
    ScoringRun.objects.filter(pk=never_started.pk).update(created_at=long_ago)
    ScoringRun.objects.filter(pk=lost_chunks.pk).update(heartbeat_at=long_ago)

    reconciled = {(r.run_id, r.chunks) for r in scoring_runs_reconcile()}
    assert reconciled == {(never_started.pk, 0), (lost_chunks.pk, 3)}
    assert scoring_runs_reconcile() == []  # claimed: a second reconciler right after sends nothing twice
    runs = [
        wait_for(lambda run_id=run_id: finished(run_id), what=f"run {run_id} to finish")
        for run_id in (never_started.pk, lost_chunks.pk)
    ]
    assert [(run.status, run.processed_agents) for run in runs] == [("succeeded", 3)] * 2
    assert sum(run.alerts_opened for run in runs) == 1  # whichever reached alice first opened her alert
    assert ScoringRun.objects.get(pk=fresh.pk).status == "running"  # not stale: left to its own chunks
    events = AuditEvent.objects.filter(action="reviews.scoring_run.reconciled").order_by("sequence")
    assert [(e.object_id, e.data) for e in events] == [
        (str(never_started.pk), {"restarted": True, "chunks": 0}),
        (str(lost_chunks.pk), {"restarted": False, "chunks": 3}),
    ]
