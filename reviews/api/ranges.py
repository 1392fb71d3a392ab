"""HTTP byte ranges (RFC 9110 section 14) for streaming recordings with seeking."""

from __future__ import annotations

import re
from dataclasses import dataclass

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1


class UnsatisfiableRange(Exception):
    pass


def parse_range(header: str, size: int) -> ByteRange | None:
    """The single byte range a Range header asks for; None when the whole file should be sent.

    Multiple ranges and malformed headers are ignored (the whole file is sent),
    as the RFC allows. A range wholly past the end is unsatisfiable (416).
    """
    match = _RANGE.match(header.strip()) if header else None
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix: the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise UnsatisfiableRange
        return ByteRange(start=max(size - suffix, 0), end=size - 1)
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise UnsatisfiableRange
    end = int(last) if last else size - 1
    return ByteRange(start=start, end=min(end, size - 1))
