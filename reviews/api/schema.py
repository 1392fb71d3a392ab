"""OpenAPI post-processing: every operation documents the error answers it can give, in the one error shape."""

from __future__ import annotations

from typing import Any

from reviews.api.fields import MOMENT_PATTERN

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error: a stable code, a sentence for people, and per-field problems for bad input.",
    "properties": {
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["code", "detail"],
}
ERRORS = {
    "400": "The request is not valid (see fields), or breaks a business rule",
    "401": "Not logged in",
    "403": "Your role may not do this",
    "404": "No such object, or not one you may see",
    "405": "Method not allowed here",
    "406": "The requested format is not available",
    "409": "The object's state does not allow this, or someone else changed it first",
    "415": "Unsupported request body type",
    "429": "Too many requests: try again later (Retry-After)",
    "503": "The database cannot be reached: nothing was saved, try again",
}


def _each_schema(node: Any) -> Any:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _each_schema(value)
    elif isinstance(node, list):
        for value in node:
            yield from _each_schema(value)


def tighten_formats(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Say in the schema what the API checks: times as RFC 3339 in 1970-2099 with a real offset, CSV downloads."""
    for node in _each_schema(result):
        if node.get("type") == "string" and node.get("format") == "date-time":
            node.setdefault("pattern", MOMENT_PATTERN)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            if any(p.get("name") == "format" and p.get("in") == "query" for p in operation.get("parameters", [])):
                content = operation.get("responses", {}).get("200", {}).get("content")
                if content is not None:
                    content.setdefault(
                        "text/csv", {"schema": {"type": "string", "description": "CSV, one row per line"}}
                    )
    return result


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, description in ERRORS.items():
                if status == "409" and method == "get":
                    continue
                operation["responses"].setdefault(
                    status, {"description": description, "content": {"application/json": {"schema": reference}}}
                )
    return result
