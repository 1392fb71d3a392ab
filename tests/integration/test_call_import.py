"""Importing the telephony export into PostgreSQL: good rows in, bad rows reported, nothing twice."""

import csv
import io
import tracemalloc

import pytest
from django.core.management import CommandError, call_command

from reviews.models import AuditEvent, Call, CallImport
from reviews.services.call_imports import call_import_create, call_import_run
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = "external_id,agent,channel,started_at,handle_time_seconds,recording_reference\n"


def export(rows: int, *, agent: str = "alice", bad_every: int = 0, start: int = 0) -> bytes:
    lines = [HEADER]
    for i in range(start, start + rows):
        handle = "n/a" if bad_every and i % bad_every == 0 else str(300 + i % 200)
        lines.append(f"T-{i:07d},{agent},phone,2026-10-{1 + i % 28:02d}T09:{i % 60:02d}:00+02:00,{handle},rec/{i}\n")
    return "".join(lines).encode()


def run_import(data: bytes, *, writer: str = "", source: str = "telephony", batch_size: int = 0) -> CallImport:
    call_import = call_import_create(
        file_name="export.csv", source=source, fmt="csv", total_bytes=len(data), acting_user=None
    )
    return call_import_run(import_id=call_import.pk, stream=io.BytesIO(data), writer=writer, batch_size=batch_size)


@pytest.mark.parametrize("writer", ["copy", "bulk"])
def test_good_rows_are_imported_bad_rows_reported_and_a_second_import_creates_nothing(world, writer):
    data = export(50, bad_every=10)  # rows 0, 10, …, 40 have a bad handle time: 5 refused
    first = run_import(data, writer=writer, batch_size=7)
    assert (first.status, first.rows_read, first.created_count, first.duplicate_count, first.rejected_count) == (
        "succeeded",
        50,
        45,
        0,
        5,
    )
    assert first.progress_percent == 100.0 and first.processed_bytes == len(data)
    assert list(first.rejects.values_list("line", flat=True)) == [2, 12, 22, 32, 42]
    assert "'n/a' is not a whole number of seconds" in first.rejects.first().reason
    call = Call.objects.get(external_id="T-0000001")
    assert (call.agent, call.channel, call.handle_time_seconds, call.recording_reference, call.call_import) == (
        world.agent,
        "phone",
        301,
        "rec/1",
        first,
    )
    assert call.started_at.isoformat() == "2026-10-02T07:01:00+00:00"

    again = run_import(data, writer=writer)
    assert (again.created_count, again.duplicate_count, again.rejected_count) == (0, 45, 5)
    assert Call.objects.count() == 45
    # The same ids from another source are other calls.
    other = run_import(data, writer=writer, source="chat-platform")
    assert other.created_count == 45 and Call.objects.count() == 90
    finished = AuditEvent.objects.filter(action="reviews.call_import.finished").order_by("sequence")
    assert [e.data["created"] for e in finished] == [45, 0, 45]


def test_copy_and_bulk_writers_give_identical_calls(world):
    data = export(30, bad_every=7)
    run_import(data, writer="copy", source="a")
    run_import(data, writer="bulk", source="b")
    fields = ("external_id", "agent_id", "channel", "started_at", "handle_time_seconds", "recording_reference")
    assert list(Call.objects.filter(source="a").order_by("external_id").values_list(*fields)) == list(
        Call.objects.filter(source="b").order_by("external_id").values_list(*fields)
    )


def test_agents_by_employee_number_and_inactive_agents_are_refused(world):
    UserFactory.create(username="dana", role="agent", employee_number="E-4711")
    UserFactory.create(username="gone", role="agent", is_active=False)
    UserFactory.create(username="sup", role="supervisor")
    data = (
        HEADER
        + "A-1,E-4711,chat,2026-10-01T09:00:00+02:00,120,\n"
        + "A-2,gone,chat,2026-10-01T09:00:00+02:00,120,\n"
        + "A-3,sup,chat,2026-10-01T09:00:00+02:00,120,\n"
    ).encode()
    result = run_import(data)
    assert Call.objects.get(external_id="A-1").agent.username == "dana"
    assert [(r.line, "is not an active agent" in r.reason) for r in result.rejects.all()] == [(3, True), (4, True)]


def test_an_unreadable_file_fails_with_a_clear_error_and_keeps_earlier_batches(world):
    data = export(3000) + "T-X,alice,phone,2026-10-01T09:00:00+02:00,300,caf\xe9\n".encode("latin-1")
    result = run_import(data, batch_size=500)
    assert result.status == "failed"
    assert "not UTF-8" in result.error and "rows read before that were imported" in result.error
    assert Call.objects.count() >= 2000  # the batches committed before the bad bytes stay
    assert AuditEvent.objects.filter(action="reviews.call_import.failed").count() == 1


def test_memory_stays_flat_as_the_file_grows(world):
    """Streaming: a file ten times larger does not need ten times the memory."""
    peaks = {}
    for rows in (2_000, 20_000):
        data = export(rows, start=rows)  # distinct ids per size
        tracemalloc.start()
        run_import(data, batch_size=500)
        peaks[rows] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    # The 20,000-row file itself is held by the test (BytesIO); the import's own peak must not scale.
    assert peaks[20_000] < 2 * peaks[2_000], peaks


def test_the_command_shows_progress_and_writes_the_rejects_report(world, tmp_path):
    path = tmp_path / "calls.csv"
    path.write_bytes(export(25, bad_every=12))
    rejects = tmp_path / "rejects.csv"
    out, err = io.StringIO(), io.StringIO()
    call_command("import_calls", str(path), "--batch-size", "10", "--rejects", str(rejects), stdout=out, stderr=err)
    assert "22 calls created, 0 already imported, 3 refused" in out.getvalue()
    progress = err.getvalue().splitlines()
    assert len(progress) >= 3 and progress[-1].startswith("100.0%")
    with rejects.open() as handle:
        assert [row["line"] for row in csv.DictReader(handle)] == ["2", "14", "26"]
    out = io.StringIO()
    call_command("import_calls", str(path), stdout=out, stderr=io.StringIO())
    assert "0 calls created, 22 already imported, 3 refused" in out.getvalue()
    assert "line 2: handle_time_seconds 'n/a'" in out.getvalue()


def test_the_command_refuses_a_missing_file_and_a_bad_header(world, tmp_path):
    with pytest.raises(CommandError, match="is not a file"):
        call_command("import_calls", str(tmp_path / "none.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("id,who\n1,alice\n")
    with pytest.raises(CommandError, match="lacks the column"):
        call_command("import_calls", str(bad), stdout=io.StringIO(), stderr=io.StringIO())
    unknown = tmp_path / "calls.xlsx"
    unknown.write_text("x")
    with pytest.raises(CommandError, match="CSV of JSON lines"):
        call_command("import_calls", str(unknown))


@pytest.mark.parametrize("writer", ["copy", "bulk"])
def test_json_lines_bring_transcripts_and_messages_and_a_faulty_one_refuses_its_row(world, writer):
    import json

    from reviews.models import TranscriptSegment

    def row(external_id: str, channel: str, **said) -> str:
        return json.dumps(
            {
                "external_id": external_id,
                "agent": "alice",
                "channel": channel,
                "started_at": "2026-10-01T09:00:00+02:00",
                "handle_time_seconds": 120,
                **said,
            }
        )

    lines = [
        row("P-1", "phone", transcript=[{"start": 0, "end": 6, "speaker": "caller", "text": "Ik woon samen."}]),
        row("C-1", "chat", messages=[{"time": 0, "side": "customer", "text": "Hallo"},
                                     {"time": 30, "side": "agent", "text": "Goedemiddag"}]),
        row("P-2", "phone", transcript=[{"start": 0, "end": 500, "speaker": "caller", "text": "Te lang."}]),
        row("C-2", "chat", transcript=[{"start": 0, "end": 6, "speaker": "caller", "text": "Fout veld."}]),
        row("P-3", "phone"),
    ]  # fmt: skip
    data = "\n".join(lines).encode()
    call_import = call_import_create(
        file_name="export.jsonl", source="telephony", fmt="jsonl", total_bytes=len(data), acting_user=None
    )
    done = call_import_run(import_id=call_import.pk, stream=io.BytesIO(data), writer=writer, batch_size=2)
    assert (done.created_count, done.rejected_count) == (3, 2)
    reasons = dict(done.rejects.values_list("line", "reason"))
    assert "transcript, item 1: The segment ends at 500 s, after the call's end (120 s)." in reasons[3]
    assert "a chat or an e-mail has “messages”" in reasons[4]
    phone = Call.objects.get(external_id="P-1")
    assert list(phone.segments.values_list("speaker", "end_ms")) == [("caller", 6000)]
    assert phone.transcript == "[0:00] caller: Ik woon samen."
    chat = Call.objects.get(external_id="C-1")
    assert list(chat.segments.order_by("position").values_list("start_ms", "end_ms", "speaker")) == [
        (0, None, "customer"),
        (30_000, None, "agent"),
    ]
    assert not Call.objects.get(external_id="P-3").segments.exists()
    # Imported again: the calls are there and keep what was said, once.
    again = call_import_create(
        file_name="export.jsonl", source="telephony", fmt="jsonl", total_bytes=len(data), acting_user=None
    )
    call_import_run(import_id=again.pk, stream=io.BytesIO(data), writer=writer)
    assert TranscriptSegment.objects.count() == 3
