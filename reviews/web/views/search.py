"""Search what was said: QA leads in every call, supervisors in the calls they may see. Audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from reviews.domain.errors import DomainError
from reviews.models import Channel
from reviews.selectors.dashboards import dashboard_teams
from reviews.selectors.transcripts import search_params, search_segments
from reviews.services.transcripts import transcript_search_record
from reviews.web.common import page_user, report_domain_error, role_required

DEFAULT_DAYS = 90


def _day(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@role_required(Role.SUPERVISOR, Role.QA_LEAD)
def search(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    today = timezone.localdate()
    start_day = _day(request.GET.get("from", "")) or today - dt.timedelta(days=DEFAULT_DAYS)
    end_day = _day(request.GET.get("until", "")) or today
    context: dict[str, Any] = {
        "q": request.GET.get("q", ""),
        "from": start_day.isoformat(),
        "until": end_day.isoformat(),
        "channel": request.GET.get("channel", ""),
        "team": request.GET.get("team", ""),
        "channels": Channel.choices,
        "teams": list(dashboard_teams(user)) if user.role == Role.QA_LEAD else [],
        "hits": None,
    }
    status = 200
    if "q" in request.GET:
        try:
            params = search_params(request.GET, allow_team=user.role == Role.QA_LEAD)
            if end_day < start_day:
                raise DomainError(_("“Until” lies before “from”: choose a period that runs forward."))
            start = timezone.make_aware(dt.datetime.combine(start_day, dt.time.min))
            end = timezone.make_aware(dt.datetime.combine(end_day + dt.timedelta(days=1), dt.time.min))
            hits, more = search_segments(user=user, start=start, end=end, **params)
            transcript_search_record(
                query=params["query"],
                filters={
                    "from": context["from"],
                    "until": context["until"],
                    "team": context["team"],
                    "channel": params["channel"],
                },
                found=len(hits),
                acting_user=user,
            )
            context.update(hits=hits, more=more)
        except DomainError as exc:
            report_domain_error(request, exc)
            status = 400
    return render(request, "web/search.html", context, status=status)
