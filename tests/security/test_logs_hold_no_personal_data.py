"""Application logs carry no personal data: a full flow is logged at DEBUG and searched for it."""

import datetime as dt
import logging
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.api.test_appeals_api import decision_payload
from tests.conftest import client_for, criteria_of
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db

BSN = "123456782"  # passes the Dutch eleven-test, like a real citizen service number
TRANSCRIPT = "Mijn buurman werkt zwart bij de bakkerij op de hoek"
NOTE = f"Beller noemde BSN {BSN} en zwart werk; niet gemeld."
REASON = f"Ik heb het signaal wel gemeld, zie mijn notitie over BSN {BSN} in het systeem."


def test_a_full_flow_logs_no_names_numbers_or_transcript_text(world, published_version, caplog, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    caplog.set_level(logging.DEBUG)
    world.agent.set_password("pw-alice-1")
    world.agent.save()
    # Failed logins (django-axes logs them), then a login.
    for _ in range(3):
        Client().post("/login/", {"username": "alice", "password": "wrong"})
    client_for(None).post("/api/v1/auth/token/", {"username": "alice", "password": "wrong"})

    quinn = client_for(world.qa_lead)
    export = (
        "external_id,agent,channel,started_at,handle_time_seconds\n"
        "L-1,alice,phone,2026-10-01T09:00:00+02:00,380\n"
        f"L-2,{BSN},phone,2026-10-01T09:00:00+02:00,380\n"
    ).encode()
    quinn.post("/api/v1/calls/import/", {"file": SimpleUploadedFile("l.csv", export)}, format="multipart")

    call = CallFactory.create(
        agent=world.agent, transcript=TRANSCRIPT, started_at=timezone.now() - dt.timedelta(days=1)
    )
    sam = client_for(world.supervisor)
    evaluation = sam.post(
        "/api/v1/evaluations/", {"call": call.pk, "scorecard_version": published_version.pk}, format="json"
    ).json()
    sam.patch(
        f"/api/v1/evaluations/{evaluation['id']}/",
        {"answers": [{"criterion": c.pk, "points": 1} for c in criteria_of(published_version)], "summary": NOTE},
        format="json",
    )
    sam.post(
        f"/api/v1/evaluations/{evaluation['id']}/critical-errors/",
        {"type": "UNREPORTED_SIGNAL", "offset_seconds": 5, "note": NOTE, "root_cause": "CARELESSNESS"},
        format="json",
    )
    sam.post(f"/api/v1/evaluations/{evaluation['id']}/critical-errors/", {"note": NOTE}, format="json")  # a 400
    sam.post(f"/api/v1/evaluations/{evaluation['id']}/submit/")
    alice = client_for(world.agent)
    error_id = alice.get(f"/api/v1/evaluations/{evaluation['id']}/").json()["critical_errors"][0]["id"]
    appeal = alice.post(
        "/api/v1/appeals/",
        {"evaluation": evaluation["id"], "reason": REASON, "critical_errors": [error_id]},
        format="json",
    ).json()
    sara = client_for(world.other_supervisor)
    sara.post(f"/api/v1/appeals/{appeal['id']}/start-review/")
    sara.post(f"/api/v1/appeals/{appeal['id']}/decide/", decision_payload(appeal, True), format="json")
    alice.get("/api/v1/me/export/")
    client_for(world.other_agent).get(f"/api/v1/evaluations/{evaluation['id']}/")  # a 404
    client_for(world.council).get("/api/v1/works-council/group-breakdown/")

    logged = "\n".join(f"{record.name} {record.getMessage()} {record.exc_text or ''}" for record in caplog.records)
    assert len(caplog.records) >= 10, "the flow should have produced log lines to search"
    people = [world.agent, world.supervisor, world.other_supervisor, world.qa_lead, world.other_agent]
    forbidden = [BSN, TRANSCRIPT, NOTE, REASON, "zwart werk"]
    for person in people:
        forbidden += [person.username, person.email, person.first_name, person.last_name]
    # Whole words: the username "sam" is a person, the word "sampling" is not.
    found = [text for text in forbidden if text and re.search(rf"(?<!\w){re.escape(text)}(?!\w)", logged)]
    assert not found, f"personal data in the logs: {found}\n{logged[:3000]}"
