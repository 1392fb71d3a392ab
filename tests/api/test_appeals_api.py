import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from reviews.models import Appeal, AuditEvent
from tests.conftest import client_for, criteria_of, ensure_seeded_error_types
from tests.helpers import scored_call

REASON = "De beller noemde geen inkomsten; luister seconde 10 terug."
RATIONALE = "Opname teruggeluisterd; er werd geen signaal genoemd."


@pytest.fixture
def evaluation(world, published_version):
    return scored_call(
        reviewer=world.supervisor,
        agent=world.agent,
        version=published_version,
        started_at=timezone.now() - dt.timedelta(days=2),
    )


def decision_payload(appeal_json, overturn):
    return {
        "rationale": RATIONALE,
        "items": [
            {"item": i["id"], "overturned": overturn, "rationale": "Beoordeeld."}
            for i in appeal_json["items"]
            if i["kind"] == "critical_error"
        ],
    }


@pytest.mark.django_db
def test_an_agent_appeals_a_critical_error_and_the_assignee_overturns_it(world, evaluation):
    agent = client_for(world.agent)
    error_id = evaluation.critical_errors.get().pk
    created = agent.post(
        "/api/v1/appeals/",
        {"evaluation": evaluation.pk, "reason": REASON, "critical_errors": [error_id]},
        format="json",
    )
    assert created.status_code == 201, created.content
    appeal = created.json()
    assert appeal["status"] == "submitted" and appeal["assignee"]["username"] == "sara"
    assert [i["critical_error"]["id"] for i in appeal["items"]] == [error_id]

    assignee = client_for(world.other_supervisor)
    queue = assignee.get("/api/v1/appeals/", {"mine": "true"}).json()["results"]
    assert [a["id"] for a in queue] == [appeal["id"]]
    # The assignee may read the evaluation and play the recording although it is another team's.
    assert assignee.get(f"/api/v1/evaluations/{evaluation.pk}/").status_code == 200
    assert assignee.get(f"/api/v1/calls/{evaluation.call_id}/").status_code == 200

    assert assignee.post(f"/api/v1/appeals/{appeal['id']}/start-review/").status_code == 200
    decided = assignee.post(f"/api/v1/appeals/{appeal['id']}/decide/", decision_payload(appeal, True), format="json")
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "overturned"

    mine = agent.get("/api/v1/me/overview/").json()
    assert mine["critical_errors"][0]["status"] == "overturned"
    assert mine["appeals"][0]["status"] == "overturned"
    assert any(n["kind"] == "appeal_decided" for n in mine["notifications"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("agent", 200),
        ("colleague", 404),
        ("supervisor", 200),
        ("other_supervisor", 200),
        ("qa_lead", 200),
        ("council", 403),
        ("admin", 403),
    ],
)
def test_who_sees_an_appeal(world, evaluation, persona, status):
    appeal_id = (
        client_for(world.agent)
        .post(
            "/api/v1/appeals/", {"evaluation": evaluation.pk, "reason": REASON, "whole_evaluation": True}, format="json"
        )
        .json()["id"]
    )
    assert client_for(world.by_name(persona)).get(f"/api/v1/appeals/{appeal_id}/").status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "status"), [("colleague", 400), ("supervisor", 403), ("council", 403)])
def test_nobody_else_appeals_for_the_agent(world, evaluation, persona, status):
    response = client_for(world.by_name(persona)).post(
        "/api/v1/appeals/", {"evaluation": evaluation.pk, "reason": REASON, "whole_evaluation": True}, format="json"
    )
    assert response.status_code == status
    assert not Appeal.objects.exists()


@pytest.mark.django_db
def test_bad_appeals_are_400_with_field_messages(world, evaluation):
    agent = client_for(world.agent)
    short = agent.post(
        "/api/v1/appeals/", {"evaluation": evaluation.pk, "reason": "nee", "whole_evaluation": True}, format="json"
    )
    assert short.status_code == 400 and "reason" in short.json()["fields"]
    nothing = agent.post("/api/v1/appeals/", {"evaluation": evaluation.pk, "reason": REASON}, format="json")
    assert nothing.status_code == 400 and "items" in nothing.json()["fields"]
    bad_ids = agent.post(
        "/api/v1/appeals/", {"evaluation": evaluation.pk, "reason": REASON, "criteria": ["x"]}, format="json"
    )
    # Nested problems are named by their path: the first criterion id is not a number.
    assert bad_ids.status_code == 400 and bad_ids.json()["fields"] == {"criteria.0": ["Een geldig getal is vereist."]}


@pytest.mark.django_db
def test_overdue_appeals_are_listed_for_the_qa_lead(world, evaluation):
    appeal_id = (
        client_for(world.agent)
        .post(
            "/api/v1/appeals/", {"evaluation": evaluation.pk, "reason": REASON, "whole_evaluation": True}, format="json"
        )
        .json()["id"]
    )
    Appeal.objects.filter(pk=appeal_id).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    overdue = client_for(world.qa_lead).get("/api/v1/appeals/", {"overdue": "true"}).json()["results"]
    assert [(a["id"], a["overdue"]) for a in overdue] == [(appeal_id, True)]


@pytest.mark.django_db
def test_the_qa_lead_reassigns_but_never_to_the_reviewer(world, evaluation):
    appeal_id = (
        client_for(world.agent)
        .post(
            "/api/v1/appeals/", {"evaluation": evaluation.pk, "reason": REASON, "whole_evaluation": True}, format="json"
        )
        .json()["id"]
    )
    qa = client_for(world.qa_lead)
    refused = qa.post(f"/api/v1/appeals/{appeal_id}/assign/", {"assignee": world.supervisor.pk}, format="json")
    assert refused.status_code == 400 and "assignee" in refused.json()["fields"]
    moved = qa.post(f"/api/v1/appeals/{appeal_id}/assign/", {"assignee": world.qa_lead.pk}, format="json")
    assert moved.status_code == 200 and moved.json()["assignee"]["username"] == "quinn"


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_decisions_on_one_appeal_give_one_decision_and_a_409(world, published_version):
    ensure_seeded_error_types()
    evaluation = scored_call(
        reviewer=world.supervisor,
        agent=world.agent,
        version=published_version,
        started_at=timezone.now() - dt.timedelta(days=2),
    )
    appeal = (
        client_for(world.agent)
        .post(
            "/api/v1/appeals/", {"evaluation": evaluation.pk, "reason": REASON, "whole_evaluation": True}, format="json"
        )
        .json()
    )
    assignee = world.other_supervisor
    client_for(assignee).post(f"/api/v1/appeals/{appeal['id']}/start-review/")
    payload = {
        "rationale": RATIONALE,
        "items": [{"item": i["id"], "overturned": False, "rationale": "Beoordeeld."} for i in appeal["items"]],
    }
    barrier = threading.Barrier(2)
    results: list[int] = []

    def decide():
        try:
            client = client_for(assignee)
            barrier.wait()
            results.append(client.post(f"/api/v1/appeals/{appeal['id']}/decide/", payload, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 409]
    assert AuditEvent.objects.filter(action="reviews.appeal.decided").count() == 1


@pytest.mark.django_db
def test_the_overview_shows_everything_but_open_alerts(world, evaluation):
    overview = client_for(world.agent).get("/api/v1/me/overview/")
    assert overview.status_code == 200
    body = overview.json()
    assert [e["id"] for e in body["evaluations"]] == [evaluation.pk]
    assert body["critical_errors"][0]["type"] == "UNREPORTED_SIGNAL"
    assert body["alerts"] == [] and body["appeals"] == []
    assert client_for(world.colleague).get("/api/v1/me/overview/").json()["evaluations"] == []


@pytest.mark.django_db
def test_a_revision_is_visible_to_the_agent_next_to_the_original(world, evaluation):
    identity = criteria_of(evaluation.scorecard_version)[0]
    appeal = (
        client_for(world.agent)
        .post(
            "/api/v1/appeals/",
            {"evaluation": evaluation.pk, "reason": REASON, "criteria": [identity.pk]},
            format="json",
        )
        .json()
    )
    assignee = client_for(world.other_supervisor)
    assignee.post(f"/api/v1/appeals/{appeal['id']}/start-review/")
    decided = assignee.post(
        f"/api/v1/appeals/{appeal['id']}/decide/",
        {
            "rationale": RATIONALE,
            "items": [
                {
                    "item": appeal["items"][0]["id"],
                    "overturned": True,
                    "rationale": "Identiteit was wel geverifieerd.",
                    "corrected_points": 2,
                }
            ],
        },
        format="json",
    )
    assert decided.status_code == 200, decided.content
    revision_id = decided.json()["resulting_revision"]
    listed = client_for(world.agent).get("/api/v1/evaluations/").json()["results"]
    assert {e["id"]: (e["revision"], e["score"], e["superseded_at"] is not None) for e in listed} == {
        evaluation.pk: (1, "37.5", True),
        revision_id: (2, "50.0", False),
    }
