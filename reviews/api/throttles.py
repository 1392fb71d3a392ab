"""Throttles: downloads of whole tables count against the export rate, ordinary reads do not."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle


class CsvExportThrottle(ScopedRateThrottle):
    """The ``export`` rate for ``?format=csv`` downloads of a view; its JSON reads pass freely."""

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.query_params.get("format") != "csv":
            return True
        view.throttle_scope = "export"
        return super().allow_request(request, view)
