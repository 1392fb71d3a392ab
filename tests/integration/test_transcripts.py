"""Transcripts as segments: imported per call with errors named per line, seen by the call's readers,
kept only as long as their retention class, and searched in Dutch within the searcher's scope."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from reviews.domain.transcripts import read_messages, read_segments
from reviews.models import AuditAction, AuditEvent, Call, TranscriptSegment
from reviews.selectors.transcripts import search_segments
from reviews.services.retention import retention_apply
from reviews.services.transcripts import call_transcript_replace
from tests.conftest import client_for
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db

LINES = [
    {"start": 0, "end": 6.5, "speaker": "agent", "text": "Goedemorgen, waarmee kan ik u helpen?"},
    {"start": 6.5, "end": 14, "speaker": "caller", "text": "Ik ben samenwonend met mijn vriend sinds mei."},
    {"start": 14, "end": 22, "speaker": "agent", "text": "Dat had u moeten doorgeven; het is niet doorgegeven."},
    {
        "start": 22,
        "end": 30,
        "speaker": "caller",
        "text": "Ik werk <b>zwart</b> in de horeca, af en toe.<script>x</script>",
    },
]


def jsonl(items) -> str:
    return "\n".join(json.dumps(item) for item in items)


def put_jsonl(user, call, body: str):
    return client_for(user).generic(
        "PUT", f"/api/v1/calls/{call.pk}/transcript/", body, content_type="application/x-ndjson"
    )


def with_transcript(world, agent, *, channel="phone", started_at=None, lines=LINES) -> Call:
    call = CallFactory.create(
        agent=agent, handle_time_seconds=60, channel=channel, started_at=started_at or timezone.now()
    )
    if channel == "phone":
        segments, problems = read_segments(lines, duration_seconds=60)
    else:  # a chat or an e-mail: the same words as messages
        written = [
            {"time": line["start"], "side": "agent" if line["speaker"] == "agent" else "customer", "text": line["text"]}
            for line in lines
        ]
        segments, problems = read_messages(written, duration_seconds=60)
    call_transcript_replace(
        call=call, segments=segments, problems=dict(problems), messages=channel != "phone", acting_user=world.qa_lead
    )
    return call


def test_a_transcript_in_json_lines_is_refused_line_by_line_and_saved_whole_when_right(world):
    call = CallFactory.create(agent=world.agent, handle_time_seconds=30)
    bad = "\n".join(
        [
            json.dumps({"start": 0, "end": 10, "speaker": "agent", "text": "Goedemorgen."}),
            json.dumps({"start": 8, "end": 12, "speaker": "caller", "text": "Overlapt."}),
            json.dumps({"start": 12, "end": 45, "speaker": "caller", "text": "Na het einde."}),
            json.dumps({"start": 45, "end": 46, "speaker": "beller", "text": "Wie?"}),
            "geen json",
            json.dumps({"start": 50, "end": 52, "speaker": "agent", "text": "nul\u0000teken"}),
        ]
    )
    refused = put_jsonl(world.supervisor, call, bad)
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "invalid_transcript"
    assert set(body["fields"]) == {"line 2", "line 3", "line 4", "line 5", "line 6"}
    assert "mogen niet overlappen" in body["fields"]["line 2"][0]
    assert "na het einde van het gesprek (30 s)" in body["fields"]["line 3"][0]
    assert not TranscriptSegment.objects.exists()

    good = put_jsonl(world.supervisor, call, jsonl(LINES[:3]).replace("22", "30"))
    assert good.status_code == 200, good.content
    assert [s["speaker"] for s in good.json()["segments"]] == ["agent", "caller", "agent"]
    call.refresh_from_db()
    assert call.transcript.startswith("[0:00] agent: Goedemorgen")
    assert AuditEvent.objects.filter(action=AuditAction.CALL_TRANSCRIPT_REPLACED, subject=world.agent).count() == 1
    # As JSON too; replacing keeps no old line.
    replaced = client_for(world.qa_lead).put(
        f"/api/v1/calls/{call.pk}/transcript/",
        {"segments": [{"start": 0, "end": 5, "speaker": "caller", "text": "Hallo?"}]},
        format="json",
    )
    assert replaced.status_code == 200
    assert TranscriptSegment.objects.filter(call=call).count() == 1


def test_the_transcript_is_the_agents_to_read_and_nobody_elses_to_change(world):
    call = with_transcript(world, world.agent)
    mine = client_for(world.agent).get(f"/api/v1/calls/{call.pk}/transcript/")
    assert mine.status_code == 200 and len(mine.json()["segments"]) == 4
    assert client_for(world.colleague).get(f"/api/v1/calls/{call.pk}/transcript/").status_code == 404
    assert put_jsonl(world.agent, call, jsonl(LINES)).status_code == 403
    assert client_for(world.council).get(f"/api/v1/calls/{call.pk}/transcript/").status_code == 403
    export = client_for(world.agent).get("/api/v1/me/export/").json()["records"]
    assert len(export["reviews.transcriptsegment (of my calls)"]) == 4
    # The agent's evaluation page and the scoring page show it.
    page = Client()
    page.force_login(world.supervisor)
    assert "samenwonend met mijn vriend" in page.get(f"/calls/{call.pk}/").content.decode()


def test_transcripts_leave_with_their_retention_class(world, settings):
    call = with_transcript(world, world.agent, started_at=timezone.now() - dt.timedelta(days=200))
    recent = with_transcript(world, world.colleague)
    retention_apply(now=timezone.now())
    assert not TranscriptSegment.objects.filter(call=call).exists()
    assert Call.objects.get(pk=call.pk).transcript == ""
    assert TranscriptSegment.objects.filter(call=recent).count() == 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Dutch full-text search is PostgreSQL's")
def test_search_finds_inflected_dutch_forms_and_phrases_within_scope_and_is_audited(world):
    team_a_call = with_transcript(world, world.agent)
    team_b_call = with_transcript(world, world.other_agent, channel="chat")
    # "samenwonen" finds "samenwonend" (the same stem); QA leads search every call.
    hits, more = search_segments(user=world.qa_lead, query="samenwonen")
    assert {h.segment.call_id for h in hits} == {team_a_call.pk, team_b_call.pk} and not more
    assert "<mark>samenwonend</mark>" in hits[0].snippet
    # A phrase, and a stop word in it.
    hits, _ = search_segments(user=world.qa_lead, query='"niet doorgegeven"', channel="chat")
    assert [h.segment.call_id for h in hits] == [team_b_call.pk]
    # The supervisor of team A searches team A's calls only.
    hits, _ = search_segments(user=world.supervisor, query="samenwonen")
    assert [h.segment.call_id for h in hits] == [team_a_call.pk]
    # What was said never becomes markup; only the markers are.
    hits, _ = search_segments(user=world.qa_lead, query="zwart", team_id=world.agent.team_id)
    assert len(hits) == 1
    assert str(hits[0].snippet) == (
        "Ik werk &lt;b&gt;<mark>zwart</mark>&lt;/b&gt; in de horeca, af en toe.&lt;script&gt;x&lt;/script&gt;"
    )

    response = client_for(world.supervisor).get("/api/v1/transcript-search/", {"q": "samenwonen"})
    assert response.status_code == 200
    assert [r["call"] for r in response.json()["results"]] == [team_a_call.pk]
    event = AuditEvent.objects.filter(action=AuditAction.TRANSCRIPT_SEARCHED).latest("sequence")
    assert event.actor == world.supervisor and event.data["query"] == "samenwonen"
    assert event.data["found"] == 1
    assert client_for(world.agent).get("/api/v1/transcript-search/", {"q": "x"}).status_code == 403
    refused = client_for(world.supervisor).get("/api/v1/transcript-search/", {"q": " "})
    assert refused.status_code == 400 and "q" in refused.json()["fields"]
    assert client_for(world.supervisor).get("/api/v1/transcript-search/", {"q": "x", "team": "1"}).status_code == 400
    for bad in ({"channel": ""}, {"channel": "fax"}, {"q": "a\x00b"}):
        answer = client_for(world.qa_lead).get("/api/v1/transcript-search/", {"q": "x", **bad})
        assert answer.status_code == 400, bad
    assert client_for(world.qa_lead).get("/api/v1/transcript-search/", {"q": "x", "team": "9" * 30}).status_code == 400

    page = Client()
    page.force_login(world.qa_lead)
    html = page.get("/search/", {"q": "samenwonen"}).content.decode()
    assert f"/calls/{team_a_call.pk}/?t=6#segment-1" in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_the_search_uses_the_dutch_index(world):
    with_transcript(world, world.agent)
    from django.db.models import Value

    from reviews.models import TranscriptSegment as Segment
    from reviews.selectors.transcripts import DutchQuery, DutchVector, Matches

    query = Segment.objects.filter(Matches(DutchVector(), DutchQuery(Value("samenwonen"))))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    assert "reviews_segment_text_dutch" in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the two ways are PostgreSQL's")
def test_both_ways_of_searching_find_the_same_lines_in_the_same_order(world, monkeypatch):
    """Few matching lines are read through the index first and then ordered with their calls; many by
    walking the newest calls. Whichever is taken, the page is the same."""
    from reviews.selectors import transcripts

    for days, agent in enumerate([world.agent, world.colleague, world.other_agent, world.agent]):
        with_transcript(world, agent, started_at=timezone.now() - dt.timedelta(days=days, hours=1))
    queries = ["samenwonen", '"niet doorgegeven"', "doorgeven or horeca", "werk -zwart", "geen treffer"]
    for user in (world.qa_lead, world.supervisor):
        for query in queries:
            few = search_segments(user=user, query=query, limit=3)
            monkeypatch.setattr(transcripts, "FEW_MATCHES", -1)
            many = search_segments(user=user, query=query, limit=3)
            monkeypatch.undo()
            assert [(h.segment.pk, str(h.snippet)) for h in few[0]] == [(h.segment.pk, str(h.snippet)) for h in many[0]]
            assert few[1] == many[1], (user, query)


def test_a_chat_takes_messages_named_per_line_and_a_phone_call_refuses_them(world):
    chat = CallFactory.create(agent=world.agent, handle_time_seconds=600, channel="chat")
    bad = "\n".join(
        [
            json.dumps({"time": 0, "side": "customer", "text": "Hallo, ik heb een vraag."}),
            json.dumps({"time": 30, "side": "beller", "text": "Wie?"}),
            json.dumps({"time": 20, "side": "agent", "text": "Eerder dan het vorige."}),
            json.dumps({"time": 900, "side": "agent", "text": "Na het einde."}),
            json.dumps({"time": 40, "side": "agent", "text": "Goed.", "end": 50}),
        ]
    )
    refused = client_for(world.supervisor).generic(
        "PUT", f"/api/v1/calls/{chat.pk}/messages/", bad, content_type="application/x-ndjson"
    )
    assert refused.status_code == 400
    assert set(refused.json()["fields"]) == {"line 2", "line 3", "line 4", "line 5"}
    messages = {
        "messages": [
            {"time": 0, "side": "customer", "text": "Ik krijg contant betaald voor een kamer."},
            {"time": 0, "side": "agent", "text": "Dank u, dat noteer ik."},
            {"time": 95.5, "side": "customer", "text": "Ik geef het vanavond door."},
        ]
    }
    good = client_for(world.supervisor).put(f"/api/v1/calls/{chat.pk}/messages/", messages, format="json")
    assert good.status_code == 200, good.content
    assert [(m["time"], m["side"]) for m in good.json()["messages"]] == [
        (0, "customer"),
        (0, "agent"),
        (95.5, "customer"),
    ]
    assert TranscriptSegment.objects.filter(call=chat, end_ms__isnull=True).count() == 3
    # A chat has messages, not a transcript; a phone call a transcript, not messages.
    phone = CallFactory.create(agent=world.agent, handle_time_seconds=600)
    wrong = client_for(world.supervisor).put(f"/api/v1/calls/{phone.pk}/messages/", messages, format="json")
    assert wrong.status_code == 409 and wrong.json()["code"] == "wrong_channel"
    segments = {"segments": [{"start": 0, "end": 5, "speaker": "agent", "text": "Goedemorgen."}]}
    assert (
        client_for(world.supervisor).put(f"/api/v1/calls/{chat.pk}/transcript/", segments, format="json").status_code
        == 409
    )


def test_a_chats_messages_stand_where_a_call_has_its_player_on_every_page_that_reviews_it(world, published_version):
    from django.test import Client

    from reviews.services.calibration import calibration_session_create

    chat = with_transcript(world, world.agent, channel="chat")
    session = calibration_session_create(
        call=chat,
        scorecard_version=published_version,
        title="Chat kalibreren",
        participants=[world.supervisor, world.qa_lead],
        acting_user=world.qa_lead,
    )
    pages = Client()
    pages.force_login(world.supervisor)
    calibration = pages.get(f"/calibration/{session.pk}/").content.decode()
    assert "Conversatie (Chat)" in calibration and "samenwonend met mijn vriend" in calibration
    assert "<audio" not in calibration
    scoring = pages.get(f"/calls/{chat.pk}/").content.decode()
    assert scoring.count('id="transcript"') == 1, "the conversation once, not beside itself"
    assert "Een geschreven conversatie: de berichten staan hieronder." in scoring
