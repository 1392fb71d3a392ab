from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext

from reviews.correlation import reset_correlation_id, set_correlation_id

logger = logging.getLogger(__name__)


class CorrelationIdMiddleware:
    """Give every request one correlation id (from X-Request-ID when it is a UUID)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            correlation_id = uuid.UUID(request.headers.get("X-Request-ID", ""))
        except ValueError:
            correlation_id = uuid.uuid4()
        token = set_correlation_id(correlation_id)
        try:
            response = self.get_response(request)
        finally:
            reset_correlation_id(token)
        response["X-Request-ID"] = str(correlation_id)
        return response


RETRY_AFTER_SECONDS = 30
UNAVAILABLE_PAGE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Tijdelijk niet beschikbaar / Temporarily unavailable</title></head>
<body><main><h1>Tijdelijk niet beschikbaar</h1>
<p>De database is even niet bereikbaar. Er is niets opgeslagen van wat u net deed; probeer het over een halve minuut
opnieuw.</p>
<h2 lang="en">Temporarily unavailable</h2>
<p lang="en">The database cannot be reached. Nothing of what you just did was saved; try again in half a minute.</p>
</main></body></html>"""


class DatabaseUnavailableMiddleware:
    """PostgreSQL down or unreachable: 503 with a plain message (JSON for the API), never a stack trace.

    The request's transaction never committed, so nothing was half-written.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable during %s %s: %s", request.method, request.path, type(exception).__name__)
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "code": "database_unavailable",
                    "detail": gettext("The database cannot be reached. Nothing was saved; try again in half a minute."),
                },
                status=503,
                headers=headers,
            )
        return HttpResponse(UNAVAILABLE_PAGE, status=503, headers=headers, content_type="text/html; charset=utf-8")
