import pytest

from reviews.models import AuditEvent
from tests.conftest import client_for, small_wav

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_whole_recording_streams_and_the_playback_is_audited(world, call):
    response = client_for(world.supervisor).get(f"/api/v1/calls/{call.pk}/recording/")
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    assert response["Accept-Ranges"] == "bytes"
    assert body(response) == small_wav()
    (event,) = AuditEvent.objects.filter(action="reviews.call.recording_played")
    assert (event.actor, event.subject, event.data) == (world.supervisor, world.agent, {"range": "full"})


def test_a_range_request_gets_exactly_those_bytes_so_the_player_can_seek(world, call):
    wav = small_wav()
    response = client_for(world.agent).get(f"/api/v1/calls/{call.pk}/recording/", HTTP_RANGE="bytes=1000-1999")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 1000-1999/{len(wav)}"
    assert response["Content-Length"] == "1000"
    assert body(response) == wav[1000:2000]
    assert AuditEvent.objects.get(action="reviews.call.recording_played").data == {"range": "1000-1999"}


def test_a_range_past_the_end_is_refused_with_416_and_nothing_is_sent(world, call):
    size = len(small_wav())
    response = client_for(world.supervisor).get(f"/api/v1/calls/{call.pk}/recording/", HTTP_RANGE=f"bytes={size}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{size}"
    assert response.json()["code"] == "range_not_satisfiable"
    assert not AuditEvent.objects.filter(action="reviews.call.recording_played").exists()


@pytest.mark.parametrize(("persona", "status"), [("colleague", 404), ("other_supervisor", 404), ("council", 403)])
def test_nobody_else_hears_the_recording(world, call, persona, status):
    response = client_for(world.by_name(persona)).get(f"/api/v1/calls/{call.pk}/recording/")
    assert response.status_code == status
    assert not AuditEvent.objects.filter(action="reviews.call.recording_played").exists()


def test_a_call_without_recording_says_so(world):
    from tests.factories import CallFactory

    bare = CallFactory.create(agent=world.agent)
    response = client_for(world.supervisor).get(f"/api/v1/calls/{bare.pk}/recording/")
    assert response.status_code == 400
    assert response.json()["code"] == "no_recording"
