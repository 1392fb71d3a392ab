"""Mass assignment: fields a client must never set are ignored wherever a client writes.

Each request carries, besides its legitimate content, status, reviewer, decided_by, rule
version, scores, pseudonyms and other server-owned fields; the database must not take them.
"""

import datetime as dt

import pytest
from django.utils import timezone

from reviews.models import Alert, Appeal, Call, Evaluation, RuleVersion, SamplingPolicy
from reviews.services.alerts import alert_view_evidence
from tests.api.test_appeals_api import RATIONALE, REASON, decision_payload
from tests.conftest import client_for, criteria_of
from tests.factories import CallFactory
from tests.helpers import active_rule, run_scoring_inline, scored_call

pytestmark = pytest.mark.django_db


def smuggled(world, **extra):
    """Server-owned fields a hostile client might send."""
    return {
        "status": "final",
        "reviewer": world.qa_lead.pk,
        "reviewer_id": world.qa_lead.pk,
        "decided_by": world.qa_lead.pk,
        "assignee": world.agent.pk,
        "agent": world.colleague.pk,
        "rule_version": 999,
        "version": 999,
        "score": "100.0",
        "points_earned": 99,
        "auto_failed": False,
        "pseudonym": "P-0000",
        "selection": "sampled",
        "revision": 7,
        "submitted_at": "2020-01-01T00:00:00Z",
        "created_by": world.agent.pk,
        **extra,
    }


def test_evaluations_take_only_answers_and_summary(world, published_version):
    call = CallFactory.create(agent=world.agent)
    sam = client_for(world.supervisor)
    created = sam.post(
        "/api/v1/evaluations/",
        {"call": call.pk, "scorecard_version": published_version.pk, **smuggled(world)},
        format="json",
    )
    assert created.status_code == 201, created.content
    evaluation = Evaluation.objects.get(pk=created.json()["id"])
    assert (evaluation.status, evaluation.reviewer, evaluation.score, evaluation.selection, evaluation.revision) == (
        "draft",
        world.supervisor,
        None,
        "unplanned",
        1,
    )
    answers = [{"criterion": c.pk, "points": 0} for c in criteria_of(published_version)]
    patched = sam.patch(f"/api/v1/evaluations/{evaluation.pk}/", {"answers": answers, **smuggled(world)}, format="json")
    assert patched.status_code == 200, patched.content
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.reviewer, evaluation.submitted_at, evaluation.revision) == (
        "draft",
        world.supervisor,
        None,
        1,
    )
    assert evaluation.score == 0 and evaluation.points_earned == 0  # computed, not the 100 / 99 sent


def test_calls_appeals_and_decisions_ignore_server_owned_fields(world, published_version):
    evaluation = scored_call(
        reviewer=world.supervisor,
        agent=world.agent,
        version=published_version,
        started_at=timezone.now() - dt.timedelta(days=1),
    )
    alice = client_for(world.agent)
    error_id = evaluation.critical_errors.get().pk
    created = alice.post(
        "/api/v1/appeals/",
        {"evaluation": evaluation.pk, "reason": REASON, "critical_errors": [error_id], **smuggled(world)},
        format="json",
    )
    assert created.status_code == 201, created.content
    appeal = Appeal.objects.get(pk=created.json()["id"])
    assert (appeal.status, appeal.agent, appeal.assignee, appeal.decided_by) == (
        "submitted",
        world.agent,
        world.other_supervisor,  # never the evaluation's own reviewer, whatever was sent
        None,
    )
    sara = client_for(world.other_supervisor)
    sara.post(f"/api/v1/appeals/{appeal.pk}/start-review/", smuggled(world), format="json")
    payload = {**decision_payload(created.json(), False), **smuggled(world, rationale=RATIONALE)}
    decided = sara.post(f"/api/v1/appeals/{appeal.pk}/decide/", payload, format="json")
    assert decided.status_code == 200, decided.content
    appeal.refresh_from_db()
    assert appeal.decided_by == world.other_supervisor and appeal.assignee == world.other_supervisor

    sam = client_for(world.supervisor)
    call = sam.post(
        "/api/v1/calls/",
        {
            "external_id": "MA-1",
            "agent": world.agent.pk,
            "started_at": "2026-10-01T09:00:00+02:00",
            "handle_time_seconds": 300,
            "source": "telephony",
            "call_import": 1,
            "recording_reference": "x",
            "created_at": "2020-01-01T00:00:00Z",
        },
        format="multipart",
    )
    assert call.status_code == 201, call.content
    stored = Call.objects.get(external_id="MA-1")
    assert stored.call_import is None and stored.created_at.year == timezone.now().year


def test_alert_decisions_and_rules_ignore_server_owned_fields(world, published_version):
    rule_version = active_rule(
        qa_lead=world.qa_lead, council=world.council, n=1, at=timezone.now() - dt.timedelta(days=3)
    )
    scored_call(
        reviewer=world.other_supervisor,
        agent=world.agent,
        version=published_version,
        started_at=timezone.now() - dt.timedelta(days=1),
    )
    run_scoring_inline()
    alert = Alert.objects.get(agent=world.agent)
    alert_view_evidence(alert=alert, acting_user=world.supervisor)
    confirmed = client_for(world.supervisor).post(
        f"/api/v1/alerts/{alert.pk}/confirm/",
        smuggled(world, rationale=RATIONALE, level="contract_warning"),
        format="json",
    )
    assert confirmed.status_code == 200, confirmed.content
    alert.refresh_from_db()
    assert (alert.status, alert.decided_by, alert.agent, alert.level, alert.rule_version_id) == (
        "confirmed",
        world.supervisor,
        world.agent,
        rule_version.level,
        rule_version.pk,
    )

    quinn = client_for(world.qa_lead)
    patched = quinn.patch(
        f"/api/v1/threshold-rules/{rule_version.rule_id}/", smuggled(world, name="Nieuwe naam"), format="json"
    )
    assert patched.status_code in (200, 400, 409), patched.content
    rule_version.refresh_from_db()
    assert rule_version.status == "active" and RuleVersion.objects.filter(status="final").count() == 0

    policy = quinn.post(
        "/api/v1/sampling-policies/",
        {"name": "MA", "calls_per_agent": 2, "per_agent_cap": 3, **smuggled(world)},
        format="json",
    )
    assert policy.status_code == 201, policy.content
    assert SamplingPolicy.objects.get(name="MA").created_by == world.qa_lead
