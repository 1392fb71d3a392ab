"""Query parameters shared by report endpoints."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.request import Request

from reviews.api.fields import MOMENT_HELP, parse_moment
from reviews.domain.errors import DomainError
from reviews.domain.periods import Window, council_window, previous_quarter


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


def council_window_between(start: dt.datetime | None, end: dt.datetime | None) -> Window:
    """The calendar quarter the works council's figures cover for a requested period.

    Nothing asked: the last complete quarter (whose figures no longer grow day by day). Otherwise
    the quarter holding the period (end exclusive, in the installation's time zone); a period
    across two quarters is refused.
    """
    zone = timezone.get_default_timezone()
    if start is None and end is None:
        return previous_quarter(timezone.localtime(timezone.now(), zone).date())
    end = end or timezone.now()
    start = start or end - dt.timedelta(days=90)
    if start >= end:
        raise DomainError("start must lie before end.", fields={"start": [_("Must lie before end.")]})
    first = timezone.localtime(start, zone).date()
    last = timezone.localtime(end - dt.timedelta(microseconds=1), zone).date()
    try:
        return council_window(first, last)
    except ValueError:
        raise DomainError(
            _("The works council's figures cover one calendar quarter: start and end must lie in the same quarter."),
            fields={"start": [_("Choose a period within one calendar quarter, e.g. 1 July to 30 September.")]},
        ) from None


def window_bounds(window: Window) -> tuple[dt.datetime, dt.datetime]:
    """A window's first moment and the first moment after it, in the installation's time zone."""
    zone = timezone.get_default_timezone()
    return tuple(  # type: ignore[return-value]
        timezone.make_aware(dt.datetime.combine(day, dt.time.min), zone) for day in (window.start, window.end)
    )


def council_range(request: Request) -> tuple[dt.datetime, dt.datetime, Window]:
    """The works council's window for a request's ``start`` and ``end``: its bounds and the window."""
    window = council_window_between(moment(request, "start"), moment(request, "end"))
    start, end = window_bounds(window)
    return start, end, window
