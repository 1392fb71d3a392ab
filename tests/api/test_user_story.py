"""The foundation's user story, over HTTP with token authentication, as a real client would do it."""

import pytest
from rest_framework.test import APIClient

from reviews.models import AuditEvent
from tests.conftest import criteria_of

pytestmark = pytest.mark.django_db


def login(username: str) -> APIClient:
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": username, "password": "secret-password"}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def test_a_supervisor_scores_a_call_and_the_agent_sees_and_acknowledges_it(world, published_version, call):
    supervisor = login("sam")
    me = supervisor.get("/api/v1/me/").json()
    assert (me["username"], me["role"], me["team"]["name"]) == ("sam", "supervisor", "Team A")

    calls = supervisor.get("/api/v1/calls/", {"agent": world.agent.pk}).json()
    assert [c["id"] for c in calls["results"]] == [call.pk]

    created = supervisor.post(
        "/api/v1/evaluations/", {"call": call.pk, "scorecard_version": published_version.pk}, format="json"
    )
    assert created.status_code == 201, created.content
    evaluation_id = created.json()["id"]
    assert created.json()["status"] == "draft"

    identity, info, signal = criteria_of(published_version)
    answered = supervisor.patch(
        f"/api/v1/evaluations/{evaluation_id}/",
        {
            "answers": [
                {"criterion": identity.pk, "points": 2},
                {"criterion": info.pk, "points": 4},
                {"criterion": signal.pk, "not_applicable": True},
            ],
            "summary": "Vriendelijk en correct, maar een signaal gemist.",
        },
        format="json",
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["score"] == "100.0"

    logged = supervisor.post(
        f"/api/v1/evaluations/{evaluation_id}/critical-errors/",
        {
            "type": "UNREPORTED_SIGNAL",
            "offset_seconds": 95,
            "note": "Beller noemde zwart werk; niet gemeld.",
            "root_cause": "KNOWLEDGE_GAP",
        },
        format="json",
    )
    assert logged.status_code == 201, logged.content

    submitted = supervisor.post(f"/api/v1/evaluations/{evaluation_id}/submit/")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"

    agent = login("alice")
    mine = agent.get("/api/v1/evaluations/").json()
    assert [e["id"] for e in mine["results"]] == [evaluation_id]
    assert mine["results"][0]["critical_error_count"] == 1
    detail = agent.get(f"/api/v1/evaluations/{evaluation_id}/").json()
    assert detail["score"] == "100.0"
    assert [(e["type"], e["offset_seconds"], e["status"]) for e in detail["critical_errors"]] == [
        ("UNREPORTED_SIGNAL", 95, "active")
    ]
    assert detail["answers"][0]["criterion_text"] == "Identiteit geverifieerd"

    acknowledged = agent.post(f"/api/v1/evaluations/{evaluation_id}/acknowledge/")
    assert acknowledged.status_code == 200
    assert acknowledged.json()["status"] == "acknowledged"

    actions = list(AuditEvent.objects.filter(object_type="reviews.evaluation").values_list("action", flat=True))
    assert actions == [
        "reviews.evaluation.created",
        "reviews.evaluation.answers_saved",
        "reviews.evaluation.submitted",
        "reviews.evaluation.acknowledged",
    ]
    # All events of one request share one correlation id; different requests differ.
    assert len(set(AuditEvent.objects.values_list("correlation_id", flat=True))) >= 5


def test_a_qa_lead_builds_publishes_and_revises_a_scorecard(world):
    qa = login("quinn")
    scorecard = qa.post("/api/v1/scorecards/", {"name": "Chat", "critical_policy": "zero"}, format="json")
    assert scorecard.status_code == 201, scorecard.content
    version_id = scorecard.json()["versions"][0]["id"]

    section = qa.post(f"/api/v1/scorecard-versions/{version_id}/sections/", {"title": "Opening"}, format="json")
    assert section.status_code == 201
    criterion = qa.post(
        f"/api/v1/sections/{section.json()['id']}/criteria/",
        {"text": "Begroeting", "max_points": 2, "na_allowed": False, "critical_error_type": "DISRESPECTFUL_CONDUCT"},
        format="json",
    )
    assert criterion.status_code == 201, criterion.content

    published = qa.post(f"/api/v1/scorecard-versions/{version_id}/publish/")
    assert published.status_code == 200
    assert published.json()["status"] == "published"

    refused = qa.patch(f"/api/v1/criteria/{criterion.json()['id']}/", {"text": "Groet"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "version_not_editable"

    new_version = qa.post(f"/api/v1/scorecards/{scorecard.json()['id']}/new-version/")
    assert new_version.status_code == 201
    assert new_version.json()["number"] == 2
    copied_criterion = new_version.json()["sections"][0]["criteria"][0]
    assert copied_criterion["text"] == "Begroeting"
    changed = qa.patch(f"/api/v1/criteria/{copied_criterion['id']}/", {"text": "Groet"}, format="json")
    assert changed.status_code == 200 and changed.json()["text"] == "Groet"
