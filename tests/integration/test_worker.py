"""Batch scoring through a real Celery worker and real Redis (no eager mode)."""

import datetime as dt

import pytest
from django.utils import timezone

from reviews.models import AgentScore, Alert, AlertEvidence, ScoringChunk, ScoringRun
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
