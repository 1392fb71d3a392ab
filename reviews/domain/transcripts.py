"""Reading a transcript given as segments (JSON lines, or a list): every problem named by its line.

A segment is ``{"start": seconds, "end": seconds, "speaker": "agent" | "caller", "text": "…"}``.
Segments come in time order, never overlap and end within the call.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from reviews.domain.texts import Text, gettext_noop

SPEAKERS = ("agent", "caller")
SIDES = ("agent", "customer")
MAX_SEGMENTS = 5000
MAX_TEXT = 5000
# An e-mail is longer than a spoken line.
MAX_MESSAGE_TEXT = 20_000


@dataclass(frozen=True)
class Segment:
    """A line of a call's transcript, or a message of a chat or e-mail (which has no end)."""

    start_ms: int
    end_ms: int | None
    speaker: str
    text: str


# An e-mail thread may run for weeks (stored in milliseconds: at most 24 days fit).
MAX_CONVERSATION_SECONDS = 21 * 86_400


def _milliseconds(value: Any, *, maximum: int = 86_400) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0 or number > maximum:
        return None
    return int(number * 1000)


def json_lines(text: str) -> list[Any]:
    """The objects of a JSON-lines text; a line that is not JSON becomes an error marker. Blank lines are skipped."""
    items: list[Any] = []
    for line in text.splitlines():
        if not line.strip():
            items.append(None)
            continue
        try:
            items.append(json.loads(line))
        except ValueError:
            items.append(ValueError())
    return items


def _objects(items: Iterable[Any], shape: Text, errors: dict[str, list[Text]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(“line N”, the object) for each line that is one; a line that is not JSON or not an object is an error."""
    for number, item in enumerate(items, start=1):
        if item is None:
            continue
        key = f"line {number}"
        if isinstance(item, ValueError):
            errors[key] = [gettext_noop("This line is not JSON.")]
        elif not isinstance(item, dict):
            errors[key] = [shape]
        else:
            yield key, item


def read_segments(items: Iterable[Any], *, duration_seconds: int) -> tuple[list[Segment], dict[str, list[Text]]]:
    """The segments, or for each faulty line ("line 3") what is wrong with it. Line numbers count from 1."""
    segments: list[Segment] = []
    errors: dict[str, list[Text]] = {}
    previous_end = -1
    limit = duration_seconds * 1000
    shape = gettext_noop("Each line is one object with start, end, speaker and text.")
    for key, item in _objects(items, shape, errors):
        problems: list[Text] = []
        start, end = _milliseconds(item.get("start")), _milliseconds(item.get("end"))
        speaker, text = item.get("speaker"), item.get("text")
        if start is None:
            problems.append(gettext_noop("“start” must be a number of seconds from the start of the call."))
        if end is None:
            problems.append(gettext_noop("“end” must be a number of seconds from the start of the call."))
        if start is not None and end is not None:
            if end <= start:
                problems.append(gettext_noop("The segment must end after it starts."))
            elif end > limit:
                problems.append(
                    gettext_noop(
                        "The segment ends at %(end)s s, after the call's end (%(duration)s s).",
                        end=f"{end / 1000:g}",
                        duration=duration_seconds,
                    )
                )
            if start < previous_end:
                problems.append(
                    gettext_noop(
                        "The segment starts at %(start)s s, before the previous one ends (%(end)s s): "
                        "segments may not overlap.",
                        start=f"{start / 1000:g}",
                        end=f"{previous_end / 1000:g}",
                    )
                )
        if speaker not in SPEAKERS:
            problems.append(gettext_noop("“speaker” must be “agent” or “caller”."))
        problems += _text_and_fields(item, {"start", "end", "speaker", "text"}, MAX_TEXT)
        if problems:
            errors[key] = problems
        elif start is not None and end is not None:
            segments.append(Segment(start, end, str(speaker), str(text).strip()))
        if start is not None and end is not None and end > start:
            previous_end = max(previous_end, end)
    return segments, _whole(segments, errors, gettext_noop("The transcript holds no segments."))


def _text_and_fields(item: dict[str, Any], known: set[str], limit: int) -> list[Text]:
    problems: list[Text] = []
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append(gettext_noop("“text” must be the words said, not empty."))
    elif "\x00" in text:
        problems.append(gettext_noop("“text” contains a NUL character."))
    elif len(text) > limit:
        problems.append(gettext_noop("“text” is longer than %(n)s characters.", n=limit))
    unknown = sorted(set(item) - known)
    if unknown:
        problems.append(gettext_noop("Unknown fields: %(names)s.", names=", ".join(unknown)))
    return problems


def _whole(segments: list[Segment], errors: dict[str, list[Text]], empty: Text) -> dict[str, list[Text]]:
    if not segments and not errors:
        errors["segments"] = [empty]
    if len(segments) > MAX_SEGMENTS:
        errors["segments"] = [gettext_noop("At most %(n)s segments per call.", n=MAX_SEGMENTS)]
    return errors


def read_messages(items: Iterable[Any], *, duration_seconds: int) -> tuple[list[Segment], dict[str, list[Text]]]:
    """A chat's or an e-mail thread's messages, ``{"time": seconds, "side": "agent" | "customer", "text": …}``.

    ``time`` counts from the start of the conversation; messages come in time order (two may share a
    moment) and lie within the conversation's length. Problems are named by line, as for a transcript.
    """
    messages: list[Segment] = []
    errors: dict[str, list[Text]] = {}
    previous = 0
    limit = duration_seconds * 1000
    for key, item in _objects(items, gettext_noop("Each line is one object with time, side and text."), errors):
        problems: list[Text] = []
        time = _milliseconds(item.get("time"), maximum=MAX_CONVERSATION_SECONDS)
        if time is None:
            problems.append(gettext_noop("“time” must be a number of seconds from the start of the conversation."))
        elif time > limit:
            problems.append(
                gettext_noop(
                    "The message comes at %(time)s s, after the conversation's end (%(duration)s s).",
                    time=f"{time / 1000:g}",
                    duration=duration_seconds,
                )
            )
        elif time < previous:
            problems.append(
                gettext_noop(
                    "The message comes at %(time)s s, before the previous one (%(previous)s s): "
                    "messages come in time order.",
                    time=f"{time / 1000:g}",
                    previous=f"{previous / 1000:g}",
                )
            )
        if item.get("side") not in SIDES:
            problems.append(gettext_noop("“side” must be “agent” or “customer”."))
        problems += _text_and_fields(item, {"time", "side", "text"}, MAX_MESSAGE_TEXT)
        if problems:
            errors[key] = problems
        elif time is not None:
            messages.append(Segment(time, None, str(item["side"]), str(item["text"]).strip()))
        if time is not None and time <= limit:
            previous = max(previous, time)
    return messages, _whole(messages, errors, gettext_noop("The conversation holds no messages."))
