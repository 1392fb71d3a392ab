"""The printable works-council report (HTML styled for print), for the council's minutes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from rest_framework.request import Request

from accounts.models import Role, User
from reviews.api.params import period_bounds
from reviews.domain.errors import DomainError
from reviews.selectors import works_council as wc
from reviews.services.audit import audit_chain_verify
from reviews.services.works_council import works_council_read_record


@login_required
def council_report(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or user.role != Role.WORKS_COUNCIL:
        raise PermissionDenied
    try:
        start, end = period_bounds(Request(request))
    except DomainError as exc:
        return HttpResponseBadRequest(exc.message)
    chain = audit_chain_verify()
    context = {
        "start": start,
        "end": end,
        "generated_at": timezone.now(),
        "register": wc.rule_register(),
        "usage": wc.rule_usage(start=start, end=end, period="month"),
        "breakdown": wc.group_breakdown(start=start, end=end),
        "reviewers": wc.reviewer_aggregates(start=start, end=end),
        "pressure": wc.pressure_indicators(start=start, end=end),
        "chain": chain,
    }
    works_council_read_record(
        view="report", params={"start": start.isoformat(), "end": end.isoformat()}, acting_user=user
    )
    return render(request, "reviews/council_report.html", context)
