"""Scoring runs with live progress."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.models import Role
from reviews.domain.errors import DomainError
from reviews.models import (
    RunTrigger,
)
from reviews.selectors import (
    scoring_runs_visible_to,
)
from reviews.services import scoring as scoring_services
from reviews.web.common import (
    page_user,
    paginate,
    report_domain_error,
    role_required,
    visible_or_404,
)
from reviews.web.forms import (
    ScoringRunForm,
)


@role_required(Role.QA_LEAD)
def run_list(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    form = ScoringRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        as_of = form.cleaned_data["as_of"]
        try:
            run = scoring_services.scoring_run_create(
                trigger=RunTrigger.MANUAL, as_of=as_of, acting_user=user, full=form.cleaned_data["full"]
            )
            return redirect("web:run", pk=run.pk)
        except DomainError as exc:
            report_domain_error(request, exc, form)
    runs = scoring_runs_visible_to(user).order_by("-created_at", "-pk")
    return render(
        request, "web/runs.html", {"page": paginate(request, runs), "form": form}, status=400 if form.errors else 200
    )


@role_required(Role.QA_LEAD)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = visible_or_404(scoring_runs_visible_to(page_user(request)), pk)
    template = "web/partials/run_progress.html" if request.htmx else "web/run.html"  # type: ignore[attr-defined]
    return render(request, template, {"run": run})
