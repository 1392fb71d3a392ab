"""The agent's own page: evaluations with a score trend, critical errors, decided alerts, appeals, messages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone

from accounts.models import Role
from reviews.selectors.me import my_overview
from reviews.selectors.screening import candidates_visible_to
from reviews.selectors.self_evaluations import withheld_evaluation_ids
from reviews.web.charts import line_chart
from reviews.web.common import page_user, role_required


@role_required(Role.AGENT)
def me(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    overview = my_overview(user)
    evaluations = list(overview["evaluations"])
    current = [e for e in evaluations if e.superseded_at is None]
    # Calls the agent may still score themselves: the reviewer's score waits until they have.
    withheld = withheld_evaluation_ids(user)
    trend = line_chart(
        [
            (formats.date_format(timezone.localtime(e.call.started_at), "SHORT_DATE_FORMAT"), e.score)
            for e in current
            if e.pk not in withheld
        ]
    )
    return render(
        request,
        "web/me.html",
        {
            "evaluations": list(reversed(current)),
            "trend": trend,
            "withheld": withheld,
            "critical_errors": overview["critical_errors"],
            "alerts": overview["alerts"],
            "appeals": overview["appeals"],
            "coaching_plans": overview["coaching_plans"],
            "notifications": overview["notifications"],
            "screening": candidates_visible_to(user)[:50],
        },
    )
