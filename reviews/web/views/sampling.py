"""Pages for call imports, sampling policies and runs, and the fairness report."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from reviews.domain.errors import DomainError
from reviews.domain.periods import previous_month
from reviews.models import Channel, RunTrigger
from reviews.selectors.sampling import (
    sampling_fairness,
    sampling_policies_visible_to,
    sampling_runs_visible_to,
)
from reviews.services import sampling as sampling_services
from reviews.services.figures import figures_refresh_before_read
from reviews.services.works_council import works_council_read_record
from reviews.web.common import page_user, paginate, report_domain_error, role_required, visible_or_404
from reviews.web.forms import FairnessForm, SamplingDrawForm, SamplingPolicyForm


@role_required(Role.QA_LEAD)
def sampling_overview(request: HttpRequest) -> HttpResponse:
    """Policies, a new policy, drawing a month, and the runs so far."""
    user = page_user(request)
    policies = sampling_policies_visible_to(user)
    channels = [(value, str(label)) for value, label in Channel.choices]
    policy_form = SamplingPolicyForm(request.POST if request.POST.get("form") == "policy" else None, channels=channels)
    draw_form = SamplingDrawForm(
        request.POST if request.POST.get("form") == "draw" else None,
        policies=[(p.pk, p.name) for p in policies.filter(is_active=True)],
        initial={"period": previous_month(timezone.localdate())},
    )
    if request.method == "POST":
        try:
            if policy_form.is_bound and policy_form.is_valid():
                data = {**policy_form.cleaned_data}
                data["min_handle_seconds"] = data["min_handle_seconds"] or 0
                policy = sampling_services.sampling_policy_create(acting_user=user, **data)
                messages.success(
                    request,
                    _("Policy “%(name)s” saved with seed %(seed)s.") % {"name": policy.name, "seed": policy.seed},
                )
                return redirect("web:sampling")
            if draw_form.is_bound and draw_form.is_valid():
                run = sampling_services.sampling_run_create(
                    policy=policies.get(pk=draw_form.cleaned_data["policy"]),
                    period=draw_form.cleaned_data["period"],
                    trigger=RunTrigger.MANUAL,
                    acting_user=user,
                )
                return redirect("web:sampling-run", pk=run.pk)
        except DomainError as exc:
            report_domain_error(request, exc, policy_form if policy_form.is_bound else draw_form)
    runs = sampling_runs_visible_to(user).order_by("-period_start", "-pk")
    invalid = (policy_form.is_bound and policy_form.errors) or (draw_form.is_bound and draw_form.errors)
    return render(
        request,
        "web/sampling.html",
        {"policies": policies, "policy_form": policy_form, "draw_form": draw_form, "page": paginate(request, runs)},
        status=400 if invalid else 200,
    )


@role_required(Role.QA_LEAD)
def sampling_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = visible_or_404(sampling_runs_visible_to(page_user(request)), pk)
    template = "web/partials/sampling_progress.html" if request.htmx else "web/sampling_run.html"  # type: ignore[attr-defined]
    return render(request, template, {"run": run})


@role_required(Role.QA_LEAD, Role.WORKS_COUNCIL)
def fairness(request: HttpRequest) -> HttpResponse:
    """Per agent: handled, eligible, expected, sampled, targeted, evaluated, and flags."""
    user = page_user(request)
    policies = sampling_policies_visible_to(user)
    form = FairnessForm(
        request.GET or None,
        policies=[(p.pk, p.name) for p in policies],
        initial={"period": previous_month(timezone.localdate())},
    )
    report = None
    council = user.role == Role.WORKS_COUNCIL
    if form.is_bound and form.is_valid():
        policy = policies.filter(pk=form.cleaned_data["policy"]).first()
        if policy is not None:
            figures_refresh_before_read()
            report = sampling_fairness(policy=policy, period=form.cleaned_data["period"], pseudonymous=council)
            if council:
                works_council_read_record(
                    view="sampling-fairness",
                    params={"policy": policy.pk, "period": form.cleaned_data["period"]},
                    acting_user=user,
                )
    return render(
        request,
        "web/fairness.html",
        {"form": form, "report": report, "council": council},
        status=400 if form.is_bound and form.errors else 200,
    )
