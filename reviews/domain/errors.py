"""Domain errors. The API maps each to JSON with its stable ``code``."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request that breaks a business rule. HTTP 400 unless a subclass says otherwise."""

    code = "domain_error"
    status_code = 400

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        params: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.fields = fields or {}
        # What the error is about, as data (ids, limits) for callers that act on it, never parsed from text.
        self.params = params or {}


class InvalidTransition(DomainError):
    """The object's current state does not allow the action, or the role may not perform it."""

    code = "invalid_transition"
    status_code = 409


class Conflict(DomainError):
    """Someone else changed the object first (double click, concurrent decision)."""

    code = "conflict"
    status_code = 409


class NotPermitted(DomainError):
    """The acting user may see the object but may not do this to it."""

    code = "not_permitted"
    status_code = 403
