"""Bad input gets a 4xx with a stable code and a message, and changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.models import Answer, Call, CriticalError
from reviews.services.evaluations import evaluation_create
from tests.conftest import client_for, criteria_of, small_wav

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world, published_version, call):
    return evaluation_create(call=call, scorecard_version=published_version, acting_user=world.supervisor)


def test_answers_above_max_or_na_where_not_allowed_are_400_with_field_messages(world, draft, published_version):
    identity, info, _ = criteria_of(published_version)
    response = client_for(world.supervisor).patch(
        f"/api/v1/evaluations/{draft.pk}/",
        {"answers": [{"criterion": identity.pk, "points": 9}, {"criterion": info.pk, "not_applicable": True}]},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_answers"
    # The domain's reasons, in the request's language (Dutch by default).
    assert "hoogstens 2 punten" in body["fields"]["answers.0"][0]
    assert "N.v.t. is bij dit criterium niet toegestaan" in body["fields"]["answers.1"][0]
    assert Answer.objects.count() == 0


@pytest.mark.parametrize(
    "payload",
    [
        {"answers": "lots"},
        {"answers": [{"criterion": "one", "points": 1}]},
        {"answers": [{"points": 1}]},
        {"answers": [{"criterion": 1, "points": -1}]},
        {"answers": [{"criterion": 10**12, "points": 1}]},
    ],
)
def test_malformed_answer_payloads_are_400(world, draft, payload):
    response = client_for(world.supervisor).patch(f"/api/v1/evaluations/{draft.pk}/", payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] in {"invalid", "invalid_answers"}


def test_a_criterion_of_another_scorecard_is_refused(world, draft):
    from reviews.services.scorecards import criterion_add, scorecard_create, section_add

    other = scorecard_create(name="Ander", acting_user=world.qa_lead)
    section = section_add(version=other.versions.get(), title="S", acting_user=world.qa_lead)
    foreign = criterion_add(section=section, text="Vreemd", max_points=1, acting_user=world.qa_lead)
    response = client_for(world.supervisor).patch(
        f"/api/v1/evaluations/{draft.pk}/", {"answers": [{"criterion": foreign.pk, "points": 1}]}, format="json"
    )
    assert response.status_code == 400
    assert "hoort niet bij de formulierversie" in response.json()["fields"]["answers.0"][0]


def test_submitting_with_unanswered_criteria_is_400_naming_them(world, draft):
    response = client_for(world.supervisor).post(f"/api/v1/evaluations/{draft.pk}/submit/")
    assert response.status_code == 400
    assert response.json()["code"] == "unanswered_criteria"
    assert len(response.json()["fields"]) == 3


def test_editing_after_submit_is_a_409_conflict_with_the_state(world, draft, published_version):
    client = client_for(world.supervisor)
    answers = [{"criterion": c.pk, "points": 1} for c in criteria_of(published_version)]
    client.patch(f"/api/v1/evaluations/{draft.pk}/", {"answers": answers}, format="json")
    assert client.post(f"/api/v1/evaluations/{draft.pk}/submit/").status_code == 200
    response = client.patch(f"/api/v1/evaluations/{draft.pk}/", {"answers": answers}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "code": "invalid_transition",
        "detail": "Deze stap kan nu niet: de beoordeling heeft de status “Ingediend”.",
    }
    english = client.patch(
        f"/api/v1/evaluations/{draft.pk}/", {"answers": answers}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.json()["detail"] == "This step is not possible now: the evaluation has the status “Submitted”."


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"type": "NO_SUCH_TYPE", "offset_seconds": 5, "note": "n", "root_cause": "KNOWLEDGE_GAP"}, "type"),
        (
            {"type": "UNREPORTED_SIGNAL", "offset_seconds": -5, "note": "n", "root_cause": "KNOWLEDGE_GAP"},
            "offset_seconds",
        ),
        (
            {"type": "UNREPORTED_SIGNAL", "offset_seconds": "x", "note": "n", "root_cause": "KNOWLEDGE_GAP"},
            "offset_seconds",
        ),
        ({"type": "UNREPORTED_SIGNAL", "offset_seconds": 5, "root_cause": "KNOWLEDGE_GAP"}, "note"),
        (
            {"type": "UNREPORTED_SIGNAL", "offset_seconds": 99999, "note": "n", "root_cause": "KNOWLEDGE_GAP"},
            "offset_seconds",
        ),
        ({"type": "UNREPORTED_SIGNAL", "offset_seconds": 5, "note": "n"}, "root_cause"),
        ({"type": "UNREPORTED_SIGNAL", "offset_seconds": 5, "note": "n", "root_cause": "NO_SUCH_CAUSE"}, "root_cause"),
        ({"type": "UNREPORTED_SIGNAL", "offset_seconds": 5, "note": "n", "root_cause": 7}, "root_cause"),
    ],
)
def test_bad_critical_errors_are_400_per_field(world, draft, payload, field):
    response = client_for(world.supervisor).post(
        f"/api/v1/evaluations/{draft.pk}/critical-errors/", payload, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert CriticalError.objects.count() == 0


def test_duplicate_evaluation_is_a_409(world, draft, published_version, call):
    response = client_for(world.supervisor).post(
        "/api/v1/evaluations/", {"call": call.pk, "scorecard_version": published_version.pk}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "already_evaluated"


def test_a_call_with_recording_is_created_and_a_duplicate_external_id_is_a_409(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(world.supervisor)
    payload = {
        "external_id": "TEL-1",
        "agent": world.agent.pk,
        "started_at": "2026-11-02T09:15:00+01:00",
        "handle_time_seconds": 380,
        "recording": SimpleUploadedFile("a.wav", small_wav(), content_type="audio/wav"),
    }
    created = client.post("/api/v1/calls/", payload, format="multipart")
    assert created.status_code == 201, created.content
    assert created.json()["recording_url"] == f"/api/v1/calls/{created.json()['id']}/recording/"
    payload["recording"] = SimpleUploadedFile("a.wav", small_wav(), content_type="audio/wav")
    duplicate = client.post("/api/v1/calls/", payload, format="multipart")
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "duplicate_call"
    assert Call.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"started_at": "2026-11-02T09:15:00"}, "started_at"),
        ({"started_at": "tomorrow"}, "started_at"),
        ({"handle_time_seconds": -1}, "handle_time_seconds"),
        ({"agent": 10**9}, "agent"),
        ({"channel": "pigeon"}, "channel"),
    ],
)
def test_bad_calls_are_400_per_field(world, changes, field):
    payload = {
        "external_id": "TEL-2",
        "agent": world.agent.pk,
        "started_at": "2026-11-02T09:15:00+01:00",
        "handle_time_seconds": 380,
        **changes,
    }
    response = client_for(world.supervisor).post("/api/v1/calls/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]


def test_a_non_audio_recording_is_refused(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    payload = {
        "external_id": "TEL-3",
        "agent": world.agent.pk,
        "started_at": "2026-11-02T09:15:00+01:00",
        "handle_time_seconds": 60,
        "recording": SimpleUploadedFile("x.exe", b"MZ...", content_type="application/octet-stream"),
    }
    response = client_for(world.supervisor).post("/api/v1/calls/", payload, format="multipart")
    assert response.status_code == 400
    assert "recording" in response.json()["fields"]


def test_a_supervisor_cannot_add_calls_for_another_team(world):
    payload = {
        "external_id": "TEL-4",
        "agent": world.other_agent.pk,
        "started_at": "2026-11-02T09:15:00+01:00",
        "handle_time_seconds": 60,
    }
    response = client_for(world.supervisor).post("/api/v1/calls/", payload, format="json")
    assert response.status_code == 400
    assert "agent" in response.json()["fields"]


def test_an_unknown_id_is_404_json(world):
    response = client_for(world.supervisor).get("/api/v1/evaluations/999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_wrong_credentials_are_400_and_say_so(world):
    from rest_framework.test import APIClient

    response = APIClient().post("/api/v1/auth/token/", {"username": "sam", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/appeals/6.103515625e-05/", "/api/v1/scoring-runs/-2.5e-18/", "/api/v1/nothing/"]
)
def test_an_unknown_api_address_is_a_json_404(world, path):
    response = client_for(world.qa_lead).get(path)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "start", ["1369-09-30T19:05:07+18:58", "2026-01-01T00:00:00+23:15", "0001-01-01T00:00:00+01:00", "yesterday"]
)
def test_impossible_report_times_are_a_400(world, start):
    response = client_for(world.council).get("/api/v1/works-council/pressure-indicators/", {"start": start})
    assert response.status_code == 400 and "start" in response.json()["fields"], response.content
