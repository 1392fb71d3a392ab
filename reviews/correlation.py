"""One correlation id per user action (request or task), shared by its audit events."""

from __future__ import annotations

import uuid
from contextvars import ContextVar

_correlation_id: ContextVar[uuid.UUID | None] = ContextVar("correlation_id", default=None)


def current_correlation_id() -> uuid.UUID:
    value = _correlation_id.get()
    if value is None:
        value = uuid.uuid4()
        _correlation_id.set(value)
    return value


def set_correlation_id(value: uuid.UUID | None) -> object:
    return _correlation_id.set(value)


def reset_correlation_id(token: object) -> None:
    _correlation_id.reset(token)  # type: ignore[arg-type]
