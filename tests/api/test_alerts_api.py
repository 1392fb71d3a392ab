import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from reviews.models import Alert, AuditEvent
from tests.conftest import client_for
from tests.helpers import active_rule, run_scoring_inline, scored_call

RATIONALE = "Drie gemiste signalen besproken; coaching afgesproken."


def open_alert(world, published_version, reviewer):
    start = timezone.now() - dt.timedelta(days=60)
    active_rule(qa_lead=world.qa_lead, council=world.council, at=start, n=2, window_days=90)
    for days in (20, 10):
        scored_call(
            reviewer=reviewer,
            agent=world.agent,
            version=published_version,
            started_at=timezone.now() - dt.timedelta(days=days),
        )
    run_scoring_inline()
    return Alert.objects.get()


@pytest.fixture
def alert(world, published_version):
    # Evidence logged by the other team's supervisor, so the agent's own supervisor may decide.
    return open_alert(world, published_version, reviewer=world.other_supervisor)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("agent", 404),
        ("colleague", 404),
        ("supervisor", 200),
        ("other_supervisor", 404),
        ("qa_lead", 200),
        ("council", 403),
        ("admin", 403),
    ],
)
def test_an_open_alert_is_visible_only_to_the_agents_supervisor_and_the_qa_lead(world, alert, persona, status):
    assert client_for(world.by_name(persona)).get(f"/api/v1/alerts/{alert.pk}/").status_code == status


@pytest.mark.django_db
def test_a_decider_must_open_the_evidence_and_explain_the_decision(world, alert):
    client = client_for(world.supervisor)
    not_viewed = client.post(f"/api/v1/alerts/{alert.pk}/confirm/", {"rationale": RATIONALE}, format="json")
    assert not_viewed.status_code == 400 and not_viewed.json()["code"] == "evidence_not_viewed"

    evidence = client.post(f"/api/v1/alerts/{alert.pk}/view-evidence/")
    assert evidence.status_code == 200
    body = evidence.json()
    assert len(body["evidence"]) == 2
    assert body["evidence"][0]["recording_url"].startswith("/api/v1/calls/")
    assert AuditEvent.objects.filter(action="reviews.alert.evidence_viewed", actor=world.supervisor).exists()

    short = client.post(f"/api/v1/alerts/{alert.pk}/confirm/", {"rationale": "ok"}, format="json")
    assert short.status_code == 400 and "rationale" in short.json()["fields"]

    confirmed = client.post(f"/api/v1/alerts/{alert.pk}/confirm/", {"rationale": RATIONALE}, format="json")
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "confirmed"
    assert confirmed.json()["evidence_viewed_at"] is not None
    again = client.post(f"/api/v1/alerts/{alert.pk}/dismiss/", {"rationale": RATIONALE}, format="json")
    assert again.status_code == 409


@pytest.mark.django_db
def test_the_reviewer_of_any_evidence_cannot_decide(world, published_version):
    alert = open_alert(world, published_version, reviewer=world.supervisor)
    client = client_for(world.supervisor)
    client.post(f"/api/v1/alerts/{alert.pk}/view-evidence/")
    response = client.post(f"/api/v1/alerts/{alert.pk}/confirm/", {"rationale": RATIONALE}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "reviewer_cannot_decide"


@pytest.mark.django_db
def test_the_agent_sees_a_decided_alert_with_its_rule_window_and_evidence(world, alert):
    client = client_for(world.qa_lead)
    client.post(f"/api/v1/alerts/{alert.pk}/view-evidence/")
    client.post(f"/api/v1/alerts/{alert.pk}/dismiss/", {"rationale": RATIONALE}, format="json")
    mine = client_for(world.agent).get(f"/api/v1/alerts/{alert.pk}/")
    assert mine.status_code == 200
    body = mine.json()
    assert body["status"] == "dismissed"
    assert body["rule_version"]["purpose"].startswith("Coaching")
    assert (body["rule_version"]["count_n"], body["rule_version"]["window_days"]) == (2, 90)
    assert body["window_start"] and body["window_end"]
    assert len(body["evidence"]) == 2
    assert client_for(world.colleague).get(f"/api/v1/alerts/{alert.pk}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_people_deciding_at_once_give_one_decision_and_a_409(world, published_version):
    from tests.conftest import ensure_seeded_error_types

    ensure_seeded_error_types()
    alert = open_alert(world, published_version, reviewer=world.other_supervisor)
    deciders = [world.supervisor, world.qa_lead]
    for user in deciders:
        client_for(user).post(f"/api/v1/alerts/{alert.pk}/view-evidence/")
    barrier = threading.Barrier(len(deciders))
    results: list[int] = []

    def decide(user, decision):
        try:
            client = client_for(user)
            barrier.wait()
            results.append(
                client.post(
                    f"/api/v1/alerts/{alert.pk}/{decision}/", {"rationale": RATIONALE}, format="json"
                ).status_code
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(u, d)) for u, d in zip(deciders, ["confirm", "dismiss"], strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 409]
    alert.refresh_from_db()
    assert alert.status in ("confirmed", "dismissed")
    assert AuditEvent.objects.filter(action__in=["reviews.alert.confirmed", "reviews.alert.dismissed"]).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"), [("qa_lead", 201), ("supervisor", 403), ("agent", 403), ("council", 403)]
)
def test_only_the_qa_lead_starts_scoring_runs(world, persona, status):
    # The run is enqueued on commit, which this test's wrapping transaction never reaches;
    # the real worker runs them in tests/integration/test_worker.py.
    response = client_for(world.by_name(persona)).post("/api/v1/scoring-runs/", {}, format="json")
    assert response.status_code == status


@pytest.mark.django_db
def test_a_run_in_the_future_is_refused(world):
    future = (timezone.now() + dt.timedelta(days=2)).isoformat()
    response = client_for(world.qa_lead).post("/api/v1/scoring-runs/", {"as_of": future}, format="json")
    assert response.status_code == 400 and "as_of" in response.json()["fields"]
