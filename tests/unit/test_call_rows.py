"""Reading a telephony export: every bad row is refused with its line number and a reason."""

import datetime as dt
import io

import pytest

from reviews.domain.call_rows import (
    CallRow,
    CountingReader,
    FileRejected,
    RejectedRow,
    check_header,
    read_calls,
    text_stream,
)

NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)
AGENTS = {"alice": 1, "E-1002": 2}
HEADER = "external_id,agent,channel,started_at,handle_time_seconds,recording_reference\n"


def read(text: str, fmt: str = "csv"):
    return list(read_calls(io.StringIO(text), fmt=fmt, agents=AGENTS, now=NOW))


def test_good_rows_resolve_agents_by_username_or_employee_number():
    rows = read(
        HEADER
        + "T-1,alice,phone,2026-10-01T09:00:00+02:00,380,rec/1.wav\n"
        + "T-2,E-1002,Chat,2026-10-01T07:00:00Z,45,\n"
    )
    assert rows == [
        CallRow(1 + 1, "T-1", 1, "phone", dt.datetime(2026, 10, 1, 7, tzinfo=dt.UTC), 380, "rec/1.wav"),
        CallRow(3, "T-2", 2, "chat", dt.datetime(2026, 10, 1, 7, tzinfo=dt.UTC), 45, ""),
    ]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (",alice,phone,2026-10-01T09:00:00+02:00,380,", "external_id is empty"),
        ("T-1,nobody,phone,2026-10-01T09:00:00+02:00,380,", "'nobody' is not an active agent"),
        ("T-1,,phone,2026-10-01T09:00:00+02:00,380,", "agent is empty"),
        ("T-1,alice,fax,2026-10-01T09:00:00+02:00,380,", "channel 'fax' is not one of phone, chat, email"),
        ("T-1,alice,phone,2026-10-01 09:00,380,", "needs a UTC offset"),
        ("T-1,alice,phone,yesterday,380,", "is not an ISO 8601 date and time"),
        ("T-1,alice,phone,2027-10-01T09:00:00+02:00,380,", "lies in the future"),
        ("T-1,alice,phone,2026-10-01T09:00:00+02:00,6.5,", "is not a whole number of seconds"),
        ("T-1,alice,phone,2026-10-01T09:00:00+02:00,-1,", "must lie between 0 and 86400"),
        ("T-1,alice,phone,2026-10-01T09:00:00+02:00,380", "5 fields where the header has 6"),
        ("X" * 101 + ",alice,phone,2026-10-01T09:00:00+02:00,380,", "longer than 100 characters"),
    ],
)
def test_each_bad_row_is_refused_with_its_line_and_reason(row, reason):
    good = "T-0,alice,phone,2026-10-01T09:00:00+02:00,380,\n"
    rows = read(HEADER + good + row + "\n" + good.replace("T-0", "T-9"))
    assert [type(r) for r in rows] == [CallRow, RejectedRow, CallRow]
    assert rows[1].line == 3
    assert reason in rows[1].reason


def test_line_numbers_count_physical_lines_past_quoted_newlines_and_blank_lines():
    rows = read(
        HEADER
        + 'T-1,alice,phone,2026-10-01T09:00:00+02:00,380,"a\nmulti-line reference"\n'
        + "\n"
        + "T-2,alice,phone,bad,380,\n"
    )
    assert isinstance(rows[0], CallRow)
    assert rows[1] == RejectedRow(line=5, reason=rows[1].reason, raw="T-2,alice,phone,bad,380,")


def test_json_lines_with_numbers_and_bad_lines():
    rows = read(
        '{"external_id": "J-1", "agent": "alice", "channel": "email", "started_at": "2026-10-01T09:00:00+02:00",'
        ' "handle_time_seconds": 600}\n'
        "not json\n"
        "[1, 2]\n"
        '{"external_id": "J-2", "agent": "alice", "channel": "email", "started_at": "2026-10-01T09:00:00+02:00",'
        ' "handle_time_seconds": true}\n',
        fmt="jsonl",
    )
    assert isinstance(rows[0], CallRow) and rows[0].handle_time_seconds == 600
    assert [(r.line, r.reason) for r in rows[1:]] == [
        (2, "not valid JSON"),
        (3, "not a JSON object"),
        (4, "handle_time_seconds is missing or not a number"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty"),
        ("id,agent\nT-1,alice\n", "lacks the column(s) external_id, channel, started_at, handle_time_seconds"),
    ],
)
def test_an_unreadable_file_is_refused_as_a_whole(text, message):
    with pytest.raises(FileRejected, match=message.replace("(", r"\(").replace(")", r"\)")):
        read(text)
    with pytest.raises(FileRejected, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_header(text.encode(), fmt="csv")


def test_a_byte_order_mark_and_upper_case_headers_are_accepted_and_bytes_are_counted():
    data = ("\ufeff" + HEADER.upper() + "T-1,alice,phone,2026-10-01T09:00:00+02:00,380,\n").encode()
    reader = CountingReader(io.BytesIO(data))
    rows = list(read_calls(text_stream(reader), fmt="csv", agents=AGENTS, now=NOW))
    assert isinstance(rows[0], CallRow)
    assert reader.count == len(data)


def test_text_that_is_not_utf8_is_refused():
    data = (HEADER + "T-1,al\xefce,phone,2026-10-01T09:00:00+02:00,380,\n").encode("latin-1")
    with pytest.raises(FileRejected, match="not UTF-8"):
        list(read_calls(text_stream(CountingReader(io.BytesIO(data))), fmt="csv", agents=AGENTS, now=NOW))
