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
    invalid = DomainError(
        f"{name} must be an ISO 8601 time with its UTC offset, e.g. 2026-11-01T00:00:00+01:00.",
        fields={name: ["Invalid time."]},
    )
    try:
        parsed = parse_datetime(raw)
    except ValueError:
        raise invalid from None
    offset = parsed.utcoffset() if parsed is not None else None
    # No place on earth is further than 14 hours from UTC.
    if parsed is None or offset is None or abs(offset) > dt.timedelta(hours=14):
        raise invalid
    try:
        # The database gets UTC: PostgreSQL refuses offsets it does not know, and so should we.
        return parsed.astimezone(dt.UTC)
    except OverflowError:
        raise invalid from None


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
