"""Reading a transcript given as segments (JSON lines, or a list): every problem named by its line.

A segment is ``{"start": seconds, "end": seconds, "speaker": "agent" | "caller", "text": "…"}``.
Segments come in time order, never overlap and end within the call.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from reviews.domain.texts import Text, gettext_noop

SPEAKERS = ("agent", "caller")
MAX_SEGMENTS = 5000
MAX_TEXT = 5000


@dataclass(frozen=True)
class Segment:
    start_ms: int
    end_ms: int
    speaker: str
    text: str


def _milliseconds(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0 or number > 86_400:
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


def read_segments(items: Iterable[Any], *, duration_seconds: int) -> tuple[list[Segment], dict[str, list[Text]]]:
    """The segments, or for each faulty line ("line 3") what is wrong with it. Line numbers count from 1."""
    segments: list[Segment] = []
    errors: dict[str, list[Text]] = {}
    previous_end = -1
    limit = duration_seconds * 1000
    for number, item in enumerate(items, start=1):
        if item is None:
            continue
        key = f"line {number}"
        if isinstance(item, ValueError):
            errors[key] = [gettext_noop("This line is not JSON.")]
            continue
        if not isinstance(item, dict):
            errors[key] = [gettext_noop("Each line is one object with start, end, speaker and text.")]
            continue
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
        if not isinstance(text, str) or not text.strip():
            problems.append(gettext_noop("“text” must be the words said, not empty."))
        elif "\x00" in text:
            problems.append(gettext_noop("“text” contains a NUL character."))
        elif len(text) > MAX_TEXT:
            problems.append(gettext_noop("“text” is longer than %(n)s characters.", n=MAX_TEXT))
        unknown = sorted(set(item) - {"start", "end", "speaker", "text"})
        if unknown:
            problems.append(gettext_noop("Unknown fields: %(names)s.", names=", ".join(unknown)))
        if problems:
            errors[key] = problems
        elif start is not None and end is not None:
            segments.append(Segment(start, end, str(speaker), str(text).strip()))
        if start is not None and end is not None and end > start:
            previous_end = max(previous_end, end)
    if not segments and not errors:
        errors["segments"] = [gettext_noop("The transcript holds no segments.")]
    if len(segments) > MAX_SEGMENTS:
        errors["segments"] = [gettext_noop("At most %(n)s segments per call.", n=MAX_SEGMENTS)]
    return segments, errors
