"""Dashboards for supervisors (their team) and QA leads (everyone, or one team): the process, per month."""

from __future__ import annotations

import csv
import math
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _

from accounts.models import Role
from reviews.models import Channel
from reviews.selectors.dashboards import Dashboard, Series, dashboard, dashboard_labels, dashboard_teams
from reviews.web.charts import trend_chart
from reviews.web.common import page_user, role_required

MONTH_CHOICES = (3, 6, 12)


def _month_label(day: Any) -> str:
    return formats.date_format(day, "YEAR_MONTH_FORMAT")


def _csv(figures: Dashboard, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [_("Figure"), _("Group"), _("Month"), _("Value"), _("Lower bound (95 %)"), _("Upper bound (95 %)"), _("Number")]
    )
    sections: list[tuple[str, list[Series]]] = [
        (_("Mean score per team"), figures.score_by_team),
        (_("Mean share of points per criterion (%)"), figures.score_by_criterion),
        (_("Evaluations with a critical error (%)"), [figures.error_rate]),
        (_("Critical errors per type"), figures.errors_by_type),
        (_("Critical errors per root cause"), figures.errors_by_cause),
        (_("Appeals decided, per outcome"), figures.appeals),
        (_("Appeals decided in the agent's favour, at least partly (%)"), [figures.appeal_overturn_rate]),
        (_("Coaching"), figures.coaching),
    ]
    for title, lines in sections:
        for line in lines:
            for month in figures.months:
                cell = line.cells[month]
                if cell.hidden:
                    values: list[Any] = [_("fewer than %(k)s agents") % {"k": figures.k}, "", "", ""]
                else:
                    values = [cell.value, cell.low, cell.high, cell.n if cell.value is not None else ""]
                writer.writerow([title, line.label, month.strftime("%Y-%m"), *values])
    return response


def _estimates(line: Series, months: list[Any]) -> list[tuple[float | None, float | None, float | None]]:
    return [(line.cells[m].value, line.cells[m].low, line.cells[m].high) for m in months]


@role_required(Role.SUPERVISOR, Role.QA_LEAD)
def dashboard_page(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    teams = list(dashboard_teams(user))
    months = int(request.GET["months"]) if request.GET.get("months") in {str(m) for m in MONTH_CHOICES} else 6
    team = None
    if user.role == Role.SUPERVISOR:
        if not teams:
            raise Http404
        team = teams[0]
    elif request.GET.get("team"):
        team = next((t for t in teams if str(t.pk) == request.GET["team"]), None)
        if team is None:
            raise Http404
    labels = dashboard_labels(
        coaching={
            "opened": _("Plans opened"),
            "sessions": _("Sessions held"),
            "completed": _("Plans completed"),
        },
        not_recorded=_("Not recorded"),
    )
    # One channel (phone, chat, e-mail) or all; an unknown one is no page.
    channel = request.GET.get("channel", "")
    if channel and channel not in Channel.values:
        raise Http404
    figures = dashboard(viewer=user, team=team, months=months, labels=labels, channel=channel)
    for line in figures.score_by_team:
        line.label = line.label or _("No team")
    if request.GET.get("format") == "csv":
        name = f"dashboard-{team.name if team else 'all'}{'-' + channel if channel else ''}"
        return _csv(figures, name.replace(" ", "-").lower())
    axis = [formats.date_format(m, "M Y") for m in figures.months]  # short: the chart's axis is narrow
    rate_top = max((line.high or 0 for line in figures.error_rate.cells.values()), default=0)
    few = len(figures.score_by_team) <= 3
    charts = {
        "teams": trend_chart(
            axis, [(line.label, _estimates(line, figures.months)) for line in figures.score_by_team], bands=few
        ),
        "errors": trend_chart(
            axis,
            [(_("Evaluations with a critical error"), _estimates(figures.error_rate, figures.months))],
            top=min(100, max(10, 10 * math.ceil(rate_top / 10))),
            unit=" %",
        ),
    }
    return render(
        request,
        "web/dashboard.html",
        {
            "figures": figures,
            "month_labels": [_month_label(m) for m in figures.months],
            "charts": charts,
            "teams": teams if user.role == Role.QA_LEAD else [],
            "team": team,
            "months": months,
            "month_choices": MONTH_CHOICES,
            "channel": channel,
            "channels": Channel.choices,
        },
    )
