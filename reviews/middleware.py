from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from reviews.correlation import reset_correlation_id, set_correlation_id


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
