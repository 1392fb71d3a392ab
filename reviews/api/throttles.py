"""Throttles: downloads of whole tables count against the export rate, ordinary reads do not."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import UserRateThrottle


class CsvExportThrottle(UserRateThrottle):
    """The ``export`` rate, per user, for ``?format=csv`` downloads; the same view's JSON reads pass freely.

    It shares its counter with the personal-data export (scope ``export``, keyed by user).
    """

    scope = "export"

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.query_params.get("format") != "csv":
            return True
        return super().allow_request(request, view)
