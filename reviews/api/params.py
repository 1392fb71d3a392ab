"""Query parameters shared by report endpoints."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.request import Request

from reviews.domain.errors import DomainError


def moment(request: Request, name: str) -> dt.datetime | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    parsed = parse_datetime(raw)
    if parsed is None or parsed.tzinfo is None:
        raise DomainError(
            f"{name} must be an ISO 8601 time with its UTC offset, e.g. 2026-11-01T00:00:00+01:00.",
            fields={name: ["Invalid time."]},
        )
    return parsed


def period_bounds(request: Request, *, default_days: int = 90) -> tuple[dt.datetime, dt.datetime]:
    end = moment(request, "end") or timezone.now()
    start = moment(request, "start") or end - dt.timedelta(days=default_days)
    if start >= end:
        raise DomainError("start must lie before end.", fields={"start": ["Must lie before end."]})
    return start, end


def period_kind(request: Request) -> str:
    period = request.query_params.get("period", "month")
    if period not in ("month", "quarter"):
        raise DomainError("period is month or quarter.", fields={"period": ["Choose month or quarter."]})
    return period
