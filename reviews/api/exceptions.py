"""One exception handler: every error is JSON ``{"code", "detail"}`` (plus ``fields`` for bad input)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

from reviews.domain.errors import DomainError
from reviews.localization import localize_error


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {str(key): _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def field_messages(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Per-field messages as the schema promises them: one flat object of string lists.

    Nested input errors get dotted paths: ``answers.0.criterion``, ``items.non_field_errors``.
    """
    messages: dict[str, list[str]] = {}

    def add(path: str, item: Any) -> None:
        messages.setdefault(path or "non_field_errors", []).append(str(item))

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict | list):
                    walk(item, f"{path}.{index}" if path else str(index))
                else:
                    add(path, item)
        else:
            add(path, value)

    walk(detail, prefix)
    return messages


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    request = context.get("request")
    if request is not None and getattr(getattr(request, "accepted_renderer", None), "format", "json") != "json":
        # An error is JSON even where the client asked for a CSV download.
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
    if isinstance(exc, DomainError):
        localize_error(exc)
        body: dict[str, Any] = {"code": exc.code, "detail": exc.message}
        if exc.fields:
            body["fields"] = field_messages(exc.fields)
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        fields = field_messages(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
        return Response(
            {"code": "invalid", "detail": gettext("The request is not valid."), "fields": fields},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, ObjectDoesNotExist | Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            response.data = {
                "code": "invalid",
                "detail": gettext("The request is not valid."),
                "fields": field_messages(detail),
            }
        else:
            messages = _flatten(detail)
            response.data = {
                "code": "invalid",
                "detail": " ".join(messages) if isinstance(messages, list) else messages,
            }
        return response
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        response.data = {"code": code, "detail": str(exc.detail)}
    return response
