"""Rows of a telephony export: reading CSV or JSON lines as a stream, and checking one row.

Pure Python: no Django, no database. A row is either a ``CallRow`` or the reason it was refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

from reviews.domain.texts import Text, gettext_noop
from reviews.domain.transcripts import Segment, read_messages, read_segments

REQUIRED_COLUMNS = ("external_id", "agent", "channel", "started_at", "handle_time_seconds")
OPTIONAL_COLUMNS = ("recording_reference",)
CHANNELS = ("phone", "chat", "email")
MAX_HANDLE_SECONDS = 24 * 3600
MAX_EXTERNAL_ID = 100
MAX_REFERENCE = 500
RAW_ROW_KEPT = 1000  # characters of a refused row kept in the rejects report


class FileRejected(Exception):
    """The file as a whole cannot be read (no header, missing columns, not UTF-8); ``reason`` is a domain text."""

    def __init__(self, reason: Text):
        super().__init__(reason)
        self.reason = reason


NOT_UTF8 = gettext_noop("The file is not UTF-8 text; save it as UTF-8 and import it again.")
EMPTY = gettext_noop("The file is empty: it needs a header row naming the columns.")


@dataclass(frozen=True, slots=True)
class CallRow:
    line: int
    external_id: str
    agent_id: int
    channel: str
    started_at: dt.datetime
    handle_time_seconds: int
    recording_reference: str
    # JSON lines only: a phone call's transcript, or a chat's or e-mail's messages.
    segments: tuple[Segment, ...] = ()


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line: int
    reason: str  # a domain text (template and parameters), said in the reader's language when shown
    raw: str


class CountingReader(io.RawIOBase):
    """Counts the bytes taken from a binary file, for progress, while text is decoded on top."""

    def __init__(self, source: IO[bytes]):
        self._source = source
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._source.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.count += size
        return size


def text_stream(reader: CountingReader) -> IO[str]:
    # utf-8-sig: spreadsheet programs often start a CSV with a byte-order mark.
    return io.TextIOWrapper(io.BufferedReader(reader, 1 << 16), encoding="utf-8-sig", newline="")


Record = tuple[int, Mapping[str, Any] | None, str, Text | None]


def csv_records(text: IO[str]) -> Iterator[Record]:
    """(line number, the row's fields or None if unreadable, the raw row, why unreadable) for each data row."""
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        raise FileRejected(EMPTY) from None
    columns = [name.strip().lower() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise FileRejected(
            gettext_noop(
                "The header row lacks the column(s) %(missing)s; expected %(expected)s.",
                missing=", ".join(missing),
                expected=", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS),
            )
        )
    positions = {name: columns.index(name) for name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if name in columns}
    width = len(columns)
    line = reader.line_num
    for fields in reader:
        first_line, line = line + 1, reader.line_num
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue  # blank line
        raw = ",".join(fields)
        if len(fields) != width:
            problem = gettext_noop("%(n)s fields where the header has %(width)s", n=len(fields), width=width)
            yield first_line, None, raw, problem
            continue
        yield first_line, {name: fields[index] for name, index in positions.items()}, raw, None


def jsonl_records(text: IO[str]) -> Iterator[Record]:
    for line_number, line in enumerate(text, start=1):
        raw = line.strip()
        if not raw:
            continue
        try:
            record = json.loads(raw)
        except ValueError:
            yield line_number, None, raw, gettext_noop("not valid JSON")
            continue
        if not isinstance(record, dict):
            yield line_number, None, raw, gettext_noop("not a JSON object")
            continue
        yield line_number, record, raw, None


def check_header(first_bytes: bytes, *, fmt: str) -> None:
    """Refuse early a CSV whose header lacks required columns (``first_bytes``: the file's start)."""
    if fmt != "csv":
        return
    try:
        first_line = first_bytes.split(b"\n", 1)[0].decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRejected(NOT_UTF8) from None
    if not first_line.strip():
        raise FileRejected(EMPTY)
    list(csv_records(io.StringIO(first_line + "\n")))


def _text(record: Mapping[str, Any], name: str) -> str:
    value = record.get(name)
    if type(value) is str:  # the common case (every CSV field), kept cheap
        return value.strip()
    if value is None:
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ValueError(name)
    return str(value).strip()


def check_row(
    line: int,
    record: Mapping[str, Any],
    raw: str,
    *,
    agents: Mapping[str, int],
    now: dt.datetime,
) -> CallRow | RejectedRow:
    """A valid row, or the first reason it is refused. ``agents`` maps usernames and employee numbers to ids."""

    def refuse(reason: Text) -> RejectedRow:
        return RejectedRow(line=line, reason=reason, raw=raw[:RAW_ROW_KEPT])

    try:
        external_id = _text(record, "external_id")
        agent_key = _text(record, "agent")
        channel = _text(record, "channel").lower()
        started_text = _text(record, "started_at")
        handle_value = record.get("handle_time_seconds")
        reference = _text(record, "recording_reference")
    except ValueError as exc:
        return refuse(gettext_noop("%(column)s must be text", column=str(exc)))
    if not external_id:
        return refuse(gettext_noop("external_id is empty"))
    if len(external_id) > MAX_EXTERNAL_ID:
        return refuse(gettext_noop("external_id is longer than %(n)s characters", n=MAX_EXTERNAL_ID))
    if not agent_key:
        return refuse(gettext_noop("agent is empty"))
    agent_id = agents.get(agent_key)
    if agent_id is None:
        return refuse(
            gettext_noop(
                "agent %(value)r is not an active agent (give a username or employee number)", value=agent_key[:60]
            )
        )
    if channel not in CHANNELS:
        return refuse(
            gettext_noop("channel %(value)r is not one of %(allowed)s", value=channel[:20], allowed=", ".join(CHANNELS))
        )
    try:
        started_at = dt.datetime.fromisoformat(started_text)
    except ValueError:
        return refuse(gettext_noop("started_at %(value)r is not an ISO 8601 date and time", value=started_text[:40]))
    if started_at.tzinfo is None:
        return refuse(
            gettext_noop("started_at %(value)r needs a UTC offset, e.g. +01:00 or Z", value=started_text[:40])
        )
    if started_at > now:
        return refuse(gettext_noop("started_at lies in the future"))
    if isinstance(handle_value, bool) or not isinstance(handle_value, str | int):
        return refuse(gettext_noop("handle_time_seconds is missing or not a number"))
    try:
        handle = int(handle_value)
    except ValueError:
        return refuse(
            gettext_noop("handle_time_seconds %(value)r is not a whole number of seconds", value=str(handle_value)[:20])
        )
    if not 0 <= handle <= MAX_HANDLE_SECONDS:
        return refuse(gettext_noop("handle_time_seconds must lie between 0 and %(max)s", max=MAX_HANDLE_SECONDS))
    if len(reference) > MAX_REFERENCE:
        return refuse(gettext_noop("recording_reference is longer than %(n)s characters", n=MAX_REFERENCE))
    segments: list[Segment] = []
    if "transcript" in record or "messages" in record:
        said = _said(record, channel, handle)
        if isinstance(said, Text):
            return refuse(said)
        segments = said
    return CallRow(
        line=line,
        external_id=external_id,
        agent_id=agent_id,
        channel=channel,
        started_at=started_at,
        handle_time_seconds=handle,
        recording_reference=reference,
        segments=tuple(segments),
    )


def _said(record: Mapping[str, Any], channel: str, handle: int) -> list[Segment] | Text:
    """The row's transcript (a phone call) or messages (a chat or e-mail), or why they are refused."""
    written = channel != "phone"
    field = "messages" if written else "transcript"
    if field not in record:
        return gettext_noop("a phone call has a “transcript”; a chat or an e-mail has “messages”")
    items = record[field]
    if not isinstance(items, list):
        return gettext_noop("%(field)s must be a list", field=field)
    found, problems = (read_messages if written else read_segments)(items, duration_seconds=handle)
    if problems:
        where, reasons = next(iter(problems.items()))
        number = where.removeprefix("line ")
        if number.isdigit():
            return gettext_noop("%(field)s, item %(n)s: %(problem)s", field=field, n=int(number), problem=reasons[0])
        return gettext_noop("%(field)s: %(problem)s", field=field, problem=reasons[0])
    return found


def read_calls(
    text: IO[str], *, fmt: str, agents: Mapping[str, int], now: dt.datetime
) -> Iterator[CallRow | RejectedRow]:
    """Every data row of the file, checked, in file order. Raises FileRejected for an unreadable file."""
    records = csv_records(text) if fmt == "csv" else jsonl_records(text)
    try:
        for line, record, raw, problem in records:
            if record is None:
                yield RejectedRow(line=line, reason=problem or gettext_noop("unreadable"), raw=raw[:RAW_ROW_KEPT])
            else:
                yield check_row(line, record, raw, agents=agents, now=now)
    except UnicodeDecodeError as exc:
        raise FileRejected(NOT_UTF8) from exc
    except csv.Error as exc:
        raise FileRejected(gettext_noop("The CSV cannot be read: %(problem)s.", problem=str(exc))) from exc
