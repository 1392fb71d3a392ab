"""OpenAPI post-processing: every operation documents the error answers it can give, in the one error shape."""

from __future__ import annotations

from typing import Any

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
