"""Query parameters shared by report endpoints."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.request import Request

from reviews.api.fields import MOMENT_HELP, parse_moment
from reviews.domain.errors import DomainError


def moment(request: Request, name: str) -> dt.datetime | None:
    """The time in query parameter ``name``, in UTC; absent is None, present but not a time is a 400."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        return parse_moment(raw)
    except ValueError:
        raise DomainError(f"{name}: {MOMENT_HELP}", fields={name: [_("Invalid time.")]}) from None


def time_range(request: Request, *, default_days: int = 90) -> tuple[dt.datetime, dt.datetime]:
    end = moment(request, "end") or timezone.now()
    start = moment(request, "start") or end - dt.timedelta(days=default_days)
    if start >= end:
        raise DomainError("start must lie before end.", fields={"start": [_("Must lie before end.")]})
    return start, end


def period_kind(request: Request) -> str:
    period = request.query_params.get("period", "month")
    if period not in ("month", "quarter"):
        raise DomainError("period is month or quarter.", fields={"period": [_("Choose month or quarter.")]})
    return period
